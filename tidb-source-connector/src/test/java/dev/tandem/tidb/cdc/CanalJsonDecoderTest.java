package dev.tandem.tidb.cdc;

import dev.tandem.common.select.TableId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanalJsonDecoderTest {

    @Test
    void anInsertHoldsTheRowAfterAndItsCommitTs() throws Exception {
        CdcEvent e = Fixtures.canal("insert-all-types");
        assertThat(e.kind()).isEqualTo(CdcEvent.Kind.ROW);
        assertThat(e.table()).isEqualTo(new TableId("shop", "all_types"));
        assertThat(e.op()).isEqualTo("c");
        assertThat(e.before()).isNull();
        assertThat(e.commitTs()).isEqualTo(466006622373068801L);
        assertThat(e.after()).hasSize(27).containsEntry("c_enum", "2").containsEntry("c_set", "5")
                .containsEntry("c_bigint_u", "18446744073709551615").containsEntry("c_binary", "\u0001\u0002\u00ff\u0000");
    }

    @Test
    void nullsStayNull() throws Exception {
        CdcEvent e = Fixtures.canal("insert-nulls");
        assertThat(e.after()).hasSize(27).containsEntry("id", "2");
        assertThat(e.after().values().stream().filter(v -> v != null)).hasSize(1);
    }

    @Test
    void anUpdateHoldsEveryColumnBeforeAndAfter() throws Exception {
        CdcEvent e = Fixtures.canal("update");
        assertThat(e.op()).isEqualTo("u");
        assertThat(e.before()).isEqualTo(Map.of("id", "7", "status", "paid", "amount", "19.90"));
        assertThat(e.after()).isEqualTo(Map.of("id", "7", "status", "shipped", "amount", "19.90"));
    }

    @Test
    void withOnlyUpdatedColumnsTheUnchangedOnesComeFromTheRowAfter() throws Exception {
        CdcEvent e = Fixtures.canal("update-only-updated-columns");
        assertThat(e.before()).isEqualTo(Map.of("id", "7", "status", "paid", "amount", "19.90"));
        assertThat(e).isEqualTo(Fixtures.canal("update"));
    }

    @Test
    void aDeleteHoldsTheDeletedRowAsBefore() throws Exception {
        CdcEvent e = Fixtures.canal("delete");
        assertThat(e.op()).isEqualTo("d");
        assertThat(e.after()).isNull();
        assertThat(e.before()).containsEntry("id", "70");
    }

    @Test
    void ddlAndWatermarkEvents() throws Exception {
        CdcEvent ddl = Fixtures.canal("ddl");
        assertThat(ddl.kind()).isEqualTo(CdcEvent.Kind.DDL);
        assertThat(ddl.table()).isEqualTo(new TableId("shop", "orders"));
        assertThat(ddl.ddl()).isEqualTo("ALTER TABLE `shop`.`orders` ADD COLUMN `note` VARCHAR(32) NULL");
        assertThat(ddl.commitTs()).isEqualTo(466006625780449281L);
        CdcEvent mark = Fixtures.canal("watermark");
        assertThat(mark).isEqualTo(CdcEvent.watermark(466006626042593281L));
    }

    @Test
    void aMessageWithoutTheTidbExtensionIsRefusedSayingHowToFixTheChangefeed() {
        assertThatThrownBy(() -> Fixtures.canal("without-tidb-extension")).isInstanceOf(CdcFormatException.class)
                .hasMessageContaining("enable-tidb-extension=true");
        assertThat(new CanalJsonDecoder().recognises(Fixtures.message("canal-json/without-tidb-extension.json"))).isFalse();
        assertThat(new CanalJsonDecoder().recognises(Fixtures.message("canal-json/update.json"))).isTrue();
        assertThat(new CanalJsonDecoder().recognises(Fixtures.message("debezium/update.json"))).isFalse();
    }

    @Test
    void aMultiRowDataArrayIsOneEventPerRow() throws Exception {
        String two = new String(Fixtures.message("canal-json/delete.json"), StandardCharsets.UTF_8)
                .replace("\"data\": [{\"id\": \"70\", \"status\": \"shipped\", \"amount\": \"19.90\"}]",
                        "\"data\": [{\"id\": \"70\", \"status\": \"a\", \"amount\": \"1\"}, {\"id\": \"71\", \"status\": \"b\", \"amount\": \"2\"}]");
        var events = new CanalJsonDecoder().decode(two.getBytes(StandardCharsets.UTF_8));
        assertThat(events).extracting(e -> e.before().get("id")).containsExactly("70", "71");
    }

    @Test
    void brokenMessagesNameWhatIsWrong() {
        assertThatThrownBy(() -> new CanalJsonDecoder().decode("{not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> new CanalJsonDecoder().decode(("{\"isDdl\":false,\"type\":\"MERGE\",\"database\":\"a\","
                + "\"table\":\"b\",\"_tidb\":{\"commitTs\":5}}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("unknown canal-json event type 'MERGE'");
    }
}
