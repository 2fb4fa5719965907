package dev.tandem.sink;

import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TaskContexts;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two copies of one sink task against one real MariaDB destination, driven as a Connect worker
 * drives them: the checkpoint rows decide who may write. A task that lost its partition to a
 * newer task and still applies (a zombie, left behind by a worker cut off from the group) is
 * refused, and neither the data nor the checkpoint go back to what it had read.
 */
class CheckpointFencingTest {

    private static final Schema KEY = SchemaBuilder.struct().name("k").field("id", Schema.INT32_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("v").optional()
            .field("id", Schema.INT32_SCHEMA).field("v", Schema.STRING_SCHEMA).build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("source")
            .field("db", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("envelope").field("before", ROW).field("after", ROW)
            .field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();

    private static MariaDbServer dest;

    @BeforeAll
    static void start() {
        dest = MariaDbServer.start("sink-fencing");
    }

    @AfterAll
    static void stop() {
        if (dest != null) {
            dest.close();
        }
    }

    private static Map<String, String> config(String name, String db) {
        Map<String, String> c = new HashMap<>();
        c.put("name", name);
        c.put("topics", "east.shop.orders");
        c.put("connection.url", "jdbc:mariadb://" + dest.host() + ":" + dest.port() + "/");
        c.put("connection.user", dest.user());
        c.put("connection.password", dest.password());
        c.put("tandem.table.name.format", db + ".${table}");
        c.put("tandem.retry.backoff.ms", "100");
        return c;
    }

    /** Upserts of ids 1..{@code keys} to {@code value}, at offsets from {@code offset}, read from {@code topic} (renamed to {@code shown}). */
    private static List<SinkRecord> upserts(String topic, String shown, int keys, String value, long offset) {
        List<SinkRecord> records = new ArrayList<>();
        for (int id = 1; id <= keys; id++) {
            long at = offset + id - 1;
            Struct source = new Struct(SOURCE).put("db", "shop").put("table", "orders").put("ts_ms", sourceTime(at));
            Struct envelope = new Struct(ENVELOPE).put("after", new Struct(ROW).put("id", id).put("v", value))
                    .put("source", source).put("op", "c");
            records.add(new SinkRecord(shown, 0, KEY, new Struct(KEY).put("id", id), ENVELOPE, envelope, at, 0L,
                    TimestampType.CREATE_TIME, new ConnectHeaders(), topic, 0, at));
        }
        return records;
    }

    /** The source commit time of the change at {@code offset}: a second apart, each a later one. */
    private static long sourceTime(long offset) {
        return 1_700_000_000_000L + offset * 1_000;
    }

    private static OceanBaseSinkTask task(Map<String, String> config, TaskContexts.Sink context) {
        OceanBaseSinkTask task = new OceanBaseSinkTask();
        task.initialize(context);
        task.start(config);
        task.open(context.assignment());
        return task;
    }

    /** Applies and waits for the destination commit, as Connect's offset commit does. */
    private static void putAndCommit(OceanBaseSinkTask task, List<SinkRecord> records) {
        task.put(records);
        task.preCommit(Map.of());
    }

    private static long checkpoint(String name) {
        return ((Number) dest.queryValue("", "SELECT kafka_offset FROM tandem.tandem_checkpoint WHERE connector = '" + name
                + "' AND topic = 'east.shop.orders'")).longValue();
    }

    @Test
    void aTaskThatLostItsPartitionCannotOverwriteTheNewOwnersRowsOrCheckpoint() {
        String db = dest.createDatabase("fence");
        Map<String, String> config = config("fence-sink", db);
        TopicPartition tp = new TopicPartition("east.shop.orders", 0);
        TaskContexts.Sink first = TaskContexts.sink(Set.of(tp));
        OceanBaseSinkTask zombie = task(config, first);
        putAndCommit(zombie, upserts(tp.topic(), tp.topic(), 5, "v1", 0)); // offsets 0-4
        assertThat(checkpoint("fence-sink")).isEqualTo(4);

        // The partition moves to a task on another worker while the first one is cut off and still running.
        TaskContexts.Sink second = TaskContexts.sink(Set.of(tp));
        OceanBaseSinkTask owner = task(config, second);
        assertThat(second.seeks()).as("the new owner resumes after the checkpoint").containsEntry(tp, 5L);
        assertThat(second.metricValue("last-applied-source-timestamp-ms")).as("and reports the checkpoint before applying anything")
                .isEqualTo(sourceTime(4));
        putAndCommit(owner, upserts(tp.topic(), tp.topic(), 5, "v2", 5)); // offsets 5-9
        putAndCommit(owner, upserts(tp.topic(), tp.topic(), 5, "v3", 10)); // offsets 10-14

        // The zombie, behind, applies what it read before it lost the partition: offsets 5-9 again.
        zombie.put(upserts(tp.topic(), tp.topic(), 5, "v2", 5));
        assertThat(zombie.preCommit(Map.of(tp, new OffsetAndMetadata(10)))).as("no Kafka offset committed for a refused transaction")
                .isEmpty();
        assertThatThrownBy(() -> zombie.put(List.of())).isInstanceOf(ConnectException.class)
                .hasMessageContaining("Another task of connector 'fence-sink' claimed east.shop.orders-0")
                .hasMessageContaining("rolled back");
        zombie.stop();

        assertThat(checkpoint("fence-sink")).as("the newer checkpoint stands").isEqualTo(14);
        assertThat(dest.query(db, "SELECT DISTINCT v FROM orders")).as("the newer rows stand")
                .containsExactly(Map.of("v", "v3"));
        owner.stop();
    }

    /**
     * A sink whose transformations rename topics (RegexRouter, Tandem's Rename) still resumes after
     * its checkpoint: the rows are keyed by the partition Kafka and the worker know, so records
     * delivered again after a restart (Kafka offsets were committed earlier than the destination)
     * are not applied twice — checked on a table without a key, where a second apply would add rows.
     */
    @Test
    void aRenamingTransformationDoesNotBreakTheSeekAfterARestart() {
        String db = dest.createDatabase("renamed");
        dest.execute(db, "CREATE TABLE orders (id INT NOT NULL, v VARCHAR(20) NOT NULL)"); // no key
        Map<String, String> config = config("renamed-sink", db);
        TopicPartition tp = new TopicPartition("east.shop.orders", 0);
        TaskContexts.Sink before = TaskContexts.sink(Set.of(tp));
        OceanBaseSinkTask task = task(config, before);
        putAndCommit(task, upserts(tp.topic(), "orders-renamed", 5, "v1", 0));
        task.close(Set.of(tp));
        task.stop();
        assertThat(dest.queryValue("", "SELECT topic FROM tandem.tandem_checkpoint WHERE connector = 'renamed-sink'"))
                .as("keyed by the topic read, not the renamed one").isEqualTo("east.shop.orders");

        TaskContexts.Sink after = TaskContexts.sink(Set.of(tp));
        OceanBaseSinkTask restarted = task(config, after);
        assertThat(after.seeks()).containsEntry(tp, 5L);
        // Connect delivers again from its own older committed offset: 0-4 once more, then 5-7.
        List<SinkRecord> again = new ArrayList<>(upserts(tp.topic(), "orders-renamed", 5, "v1", 0));
        again.addAll(upserts(tp.topic(), "orders-renamed", 3, "v2", 5));
        putAndCommit(restarted, again);
        restarted.stop();
        assertThat(((Number) dest.queryValue(db, "SELECT COUNT(*) FROM orders")).longValue()).as("5 rows, then 3 more").isEqualTo(8);
        assertThat(checkpoint("renamed-sink")).isEqualTo(7);
    }

    /** A checkpoint table made before fencing existed gets its columns; the task resumes from the row it holds. */
    @Test
    void aCheckpointTableFromAnEarlierVersionIsUpgradedInPlace() {
        String db = dest.createDatabase("upgrade");
        dest.execute("", "CREATE DATABASE IF NOT EXISTS old_tandem", "CREATE TABLE old_tandem.tandem_checkpoint ("
                + "connector VARCHAR(255) NOT NULL, topic VARCHAR(249) NOT NULL, kafka_partition INT NOT NULL, "
                + "origin VARCHAR(64) NOT NULL, kafka_offset BIGINT NOT NULL, ddl TEXT NULL, "
                + "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                + "PRIMARY KEY (connector, topic, kafka_partition))",
                "INSERT INTO old_tandem.tandem_checkpoint (connector, topic, kafka_partition, origin, kafka_offset) "
                        + "VALUES ('old-sink', 'east.shop.orders', 0, 'east', 41)");
        Map<String, String> config = config("old-sink", db);
        config.put("tandem.checkpoint.table", "old_tandem.tandem_checkpoint");
        TopicPartition tp = new TopicPartition("east.shop.orders", 0);
        TaskContexts.Sink context = TaskContexts.sink(Set.of(tp));
        OceanBaseSinkTask task = task(config, context);
        assertThat(context.seeks()).containsEntry(tp, 42L);
        putAndCommit(task, upserts(tp.topic(), tp.topic(), 2, "v", 42));
        task.stop();
        assertThat(dest.query("", "SELECT kafka_offset, claim_epoch, source_ts_ms FROM old_tandem.tandem_checkpoint"))
                .containsExactly(Map.of("kafka_offset", 43L, "claim_epoch", 1L, "source_ts_ms", sourceTime(43)));
    }
}
