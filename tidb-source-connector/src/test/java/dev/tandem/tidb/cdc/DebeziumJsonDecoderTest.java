package dev.tandem.tidb.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.common.select.TableId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DebeziumJsonDecoderTest {

    @Test
    void rowEventsCarryTheCommitTsOfTheirSourceBlock() throws Exception {
        CdcEvent e = Fixtures.debezium("insert-all-types");
        assertThat(e.kind()).isEqualTo(CdcEvent.Kind.ROW);
        assertThat(e.table()).isEqualTo(new TableId("shop", "all_types"));
        assertThat(e.op()).isEqualTo("c");
        assertThat(e.commitTs()).isEqualTo(466006622373068801L);
        assertThat(((JsonNode) e.after().get("c_bigint_u")).bigIntegerValue()).hasToString("18446744073709551615");
        CdcEvent u = Fixtures.debezium("update");
        assertThat(u.op()).isEqualTo("u");
        assertThat(((JsonNode) u.before().get("status")).asText()).isEqualTo("paid");
    }

    @Test
    void ddlAndWatermarkMessagesOfTheNewArchitecture() throws Exception {
        CdcEvent ddl = Fixtures.debezium("ddl");
        assertThat(ddl).isEqualTo(CdcEvent.ddl(new TableId("shop", "orders"),
                "ALTER TABLE `shop`.`orders` ADD COLUMN `note` VARCHAR(32) NULL", 466006625780449281L));
        assertThat(ddl).isEqualTo(Fixtures.canal("ddl"));
        assertThat(Fixtures.debezium("watermark")).isEqualTo(Fixtures.canal("watermark"));
    }

    @Test
    void recognisesItsOwnMessagesOnly() {
        assertThat(new DebeziumJsonDecoder().recognises(Fixtures.message("debezium/update.json"))).isTrue();
        assertThat(new DebeziumJsonDecoder().recognises(Fixtures.message("canal-json/update.json"))).isFalse();
    }
}
