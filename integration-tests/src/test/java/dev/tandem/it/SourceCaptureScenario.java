package dev.tandem.it;

import dev.tandem.testkit.ChangeEvent;
import dev.tandem.testkit.ConnectCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the source does on every binlog server it captures, written once: a test class per server
 * (MariaDB here; MySQL 8 on its real image, skipped where no Docker engine runs) gives the server
 * and the worker. The flavour is detected and prechecked, a table's rows are copied, then its
 * changes stream in commit order, each naming its source transaction.
 */
interface SourceCaptureScenario {

    /** The worker running the source (one per test class). */
    ConnectCluster connect();

    /** The source server (its user may create databases). */
    ScenarioServer source();

    /** The flavour the server is detected as (the option's value). */
    String flavor();

    /** Whether a transaction id of this server looks right (a GTID in the server's own form). */
    boolean isTransactionId(String id);

    @Test
    default void theFlavourIsDetectedTheTableCopiedAndItsChangesStreamedInCommitOrder() throws Exception {
        String db = "capture_" + Long.toString(System.nanoTime(), 36);
        source().execute("CREATE DATABASE " + db, "CREATE TABLE " + db + ".orders (id INT PRIMARY KEY, amount DECIMAL(10,2))",
                "INSERT INTO " + db + ".orders VALUES (1, 10.50)");
        String prefix = "cap" + Long.toString(System.nanoTime() % 1_000_000, 36);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", SourceCaptureIT.SOURCE);
        config.put("tasks.max", "1");
        config.put("database.hostname", source().host());
        config.put("database.port", Integer.toString(source().port()));
        config.put("database.user", source().user());
        config.put("database.password", source().password());
        config.put("database.server.id", Integer.toString(6400 + (int) (System.nanoTime() % 500)));
        config.put("topic.prefix", prefix);
        config.put("tandem.objects", db + ".orders");
        config.put("tandem.region", "east");
        config.put("schema.history.internal.kafka.bootstrap.servers", connect().bootstrapServers());
        config.put("topic.creation.default.replication.factor", "-1");
        config.put("topic.creation.default.partitions", "-1");
        assertThat(connect().validationErrors(SourceCaptureIT.SOURCE, config)).isEmpty();
        String wrong = flavor().equals("mariadb") ? "mysql" : "mariadb";
        config.put("tandem.flavor", wrong);
        assertThat(connect().validationErrors(SourceCaptureIT.SOURCE, config)).as("the server is " + flavor())
                .containsOnlyKeys("tandem.flavor");
        config.remove("tandem.flavor");

        String name = prefix + "-source";
        connect().configure(name, config);
        connect().awaitRunning(name, 1, Duration.ofSeconds(120));
        String topic = prefix + "." + db + ".orders";
        connect().consume(1, Duration.ofSeconds(120), topic); // the table is read: what follows is streamed
        source().execute("INSERT INTO " + db + ".orders VALUES (2, 20.00)", "UPDATE " + db + ".orders SET amount = 11.00 WHERE id = 1");
        List<ChangeEvent> events = ChangeEvent.of(connect().consume(3, Duration.ofSeconds(120), topic));
        assertThat(events).extracting(e -> e.keyField("id") + ":" + e.op()).containsExactly("1:r", "2:c", "1:u");
        assertThat(events.get(1).transactionId()).as("the transaction of a streamed change").matches(this::isTransactionId);
        connect().delete(name);
    }
}
