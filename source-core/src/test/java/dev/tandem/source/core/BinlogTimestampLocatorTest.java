package dev.tandem.source.core;

import dev.tandem.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Locating a moment in a real MariaDB binlog. */
class BinlogTimestampLocatorTest {

    private static MariaDbServer db;

    @BeforeAll
    static void start() {
        db = MariaDbServer.start("locator");
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    private static Map<String, String> props() {
        return Map.of("database.hostname", db.host(), "database.port", Integer.toString(db.port()),
                "database.user", db.user(), "database.password", db.password());
    }

    /** Start positions of the GTID events in the binlog, with the GTID each begins. */
    private static List<Map<String, Object>> gtidEvents() {
        List<Map<String, Object>> events = new ArrayList<>();
        for (Map<String, Object> e : db.query("", "SHOW BINLOG EVENTS IN 'binlog.000001'")) {
            if ("Gtid".equals(e.get("Event_type"))) {
                events.add(e);
            }
        }
        return events;
    }

    @Test
    void findsTheFirstTransactionAtOrAfterTheMomentAndItsGtidState() throws InterruptedException {
        String schema = db.createDatabase("locate");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)");
        Thread.sleep(1_000 + 1_000 * BinlogTimestampLocator.SLACK_SECONDS + 100);
        int before = gtidEvents().size();
        long moment = ((Number) db.queryValue("", "SELECT UNIX_TIMESTAMP()")).longValue();
        db.execute(schema, "INSERT INTO t VALUES (2)", "DELETE FROM t WHERE id = 1");
        Map<String, Object> insert = gtidEvents().get(before);

        StartPosition found = BinlogTimestampLocator.locate(props(), moment);
        assertThat(found.binlogFile()).isEqualTo("binlog.000001");
        assertThat(found.binlogPosition()).as("the INSERT's GTID event " + insert).isEqualTo(((Number) insert.get("Pos")).longValue());

        StartPosition resolved = found.resolvedFor(DebeziumFormat.MARIADB, props());
        String previous = (String) gtidEvents().get(before - 1).get("Info");
        assertThat(previous).as("GTID event info").contains(resolved.gtidSet());
    }

    @Test
    void aMomentAfterTheLastTransactionGivesTheEndOfTheBinlog() {
        long future = ((Number) db.queryValue("", "SELECT UNIX_TIMESTAMP()")).longValue() + 3600;
        Map<String, Object> status = db.query("", "SHOW MASTER STATUS").get(0);
        StartPosition found = BinlogTimestampLocator.locate(props(), future);
        assertThat(found.binlogFile()).isEqualTo(status.get("File"));
        assertThat(found.binlogPosition()).isEqualTo(((Number) status.get("Position")).longValue());
    }
}
