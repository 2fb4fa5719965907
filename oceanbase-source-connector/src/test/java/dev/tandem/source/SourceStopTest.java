package dev.tandem.source;

import dev.tandem.common.TandemHeaders;
import dev.tandem.common.select.TableId;
import io.debezium.DebeziumException;
import io.debezium.connector.mariadb.antlr.MariaDbAntlrDdlParser;
import io.debezium.relational.Tables;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceStopTest {

    private static final TableId ORDERS = new TableId("shop", "orders");
    private static final TableId ITEMS = new TableId("shop", "items");

    /** What Debezium's task throws when its binlog reader met the statement: the real parser's exception, wrapped as Debezium does. */
    private static RuntimeException parserFailure(String ddl) {
        try {
            MariaDbAntlrDdlParser parser = new MariaDbAntlrDdlParser();
            parser.setCurrentDatabase("shop");
            parser.parse(ddl, new Tables());
        } catch (RuntimeException e) {
            return new ConnectException("An exception occurred in the change event producer. This connector will be stopped.",
                    new DebeziumException("Error processing binlog event", e));
        }
        throw new AssertionError("Debezium's parser reads " + ddl + " now: pick a statement it does not");
    }

    @Test
    void aStatementTheParserRefusesIsNamedAndToldThroughItsTablesTopic() {
        RuntimeException cause = parserFailure("ALTER TABLE items ADD COLUMN ip INET6");
        assertThat(SourceStop.statement(cause)).contains("ALTER TABLE items ADD COLUMN ip INET6");
        SourceStop stop = SourceStop.of(cause, "east-shop", "east", List.of(ORDERS, ITEMS), 1000);
        assertThat(stop.records()).hasSize(1);
        SourceRecord r = stop.records().get(0);
        assertThat(r.topic()).isEqualTo("east.shop.items");
        assertThat(r.key()).isNull();
        assertThat(r.value()).isNull();
        assertThat(SourceStop.isStop(r)).isTrue();
        assertThat(r.headers().lastWithName(TandemHeaders.SOURCE_STOPPED).value().toString())
                .startsWith("'east-shop' stopped: the statement 'ALTER TABLE items ADD COLUMN ip INET6' cannot be read by "
                        + "Debezium's parser (")
                .doesNotContain("\n");
    }

    @Test
    void anotherFailureIsToldThroughTheFirstCapturedTableWithItsMessages() {
        RuntimeException cause = new ConnectException("stopped", new IllegalStateException("binlog file purged"));
        assertThat(SourceStop.statement(cause)).isEmpty();
        assertThat(SourceStop.describe(cause)).isEqualTo("stopped: binlog file purged");
        assertThat(SourceStop.of(cause, "c", "east", List.of(ORDERS, ITEMS), 0).records().get(0).topic())
                .isEqualTo("east.shop.orders");
        assertThat(SourceStop.table("ALTER TABLE other.items ADD x INT", List.of(ORDERS, ITEMS))).contains(ORDERS);
        assertThat(SourceStop.table("ALTER TABLE shop.items ADD x INT", List.of(ORDERS, ITEMS))).contains(ITEMS);
    }

    @Test
    void theTaskFailsOnceTheNoticeIsDeliveredOrTheWaitIsOver() throws InterruptedException {
        RuntimeException cause = parserFailure("CREATE TABLE t7 (a INET6)");
        SourceStop stop = SourceStop.of(cause, "c", "east", List.of(ORDERS), 0);
        assertThat(stop.poll(10)).isNull();
        assertThatThrownBy(() -> stop.poll(SourceStop.DELIVERY_WAIT_MS)).isSameAs(cause);
        SourceStop delivered = SourceStop.of(cause, "c", "east", List.of(ORDERS), 0);
        delivered.delivered();
        assertThatThrownBy(() -> delivered.poll(10)).isSameAs(cause);
        SourceStop untold = SourceStop.of(cause, "c", "east", List.of(), 0);
        assertThat(untold.records()).isEmpty();
        assertThatThrownBy(() -> untold.poll(10)).isSameAs(cause);
    }
}
