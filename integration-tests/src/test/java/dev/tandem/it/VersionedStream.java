package dev.tandem.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.testkit.BinlogAudit;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream for exactly-once tests of the sink: every key at every version, version by version,
 * into two partitions by key (JSON with schemas). Applied exactly, the destination table holds
 * each key once at its last version; applied twice somewhere, the destination's binlog shows a
 * sink transaction whose checkpoint does not move past the one before.
 */
record VersionedStream(String topic, int keys, int versions) {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static byte[] json(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates the topic (two partitions) and writes the stream; returns the records it holds. */
    long produce(ConnectCluster connect) {
        connect.createTopic(topic, 2);
        Map<String, Object> keySchema = Map.of("type", "struct", "optional", false,
                "fields", List.of(Map.of("field", "id", "type", "int32", "optional", false)));
        Map<String, Object> valueSchema = Map.of("type", "struct", "optional", false, "fields", List.of(
                Map.of("field", "id", "type", "int32", "optional", false),
                Map.of("field", "version", "type", "int32", "optional", false),
                Map.of("field", "v", "type", "string", "optional", false)));
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of("linger.ms", "20",
                "batch.size", "262144"))) {
            for (int version = 1; version <= versions; version++) {
                for (int id = 1; id <= keys; id++) {
                    Map<String, Object> value = new LinkedHashMap<>();
                    value.put("id", id);
                    value.put("version", version);
                    value.put("v", "v" + version + "-" + id);
                    producer.send(new ProducerRecord<>(topic, id % 2, json(Map.of("schema", keySchema, "payload", Map.of("id", id))),
                            json(Map.of("schema", valueSchema, "payload", value))));
                }
            }
            producer.flush();
        }
        // What the topic holds (a producer retry on a busy broker could add a record): the sink applies exactly that.
        long total = connect.recordCount(topic, 2);
        assertThat(total).as("records in the topic").isGreaterThanOrEqualTo((long) keys * versions);
        return total;
    }

    /** Records the sink's checkpoints in {@code dest} say are applied (0 before its first transaction). */
    static long applied(MariaDbServer dest, String connector) {
        Object sum = dest.queryValue("", "SELECT COALESCE(SUM(kafka_offset + 1), 0) FROM tandem.tandem_checkpoint "
                + "WHERE connector = '" + connector + "'");
        return ((Number) sum).longValue();
    }

    /** The table in {@code db} holds every key once, at its last version. */
    void assertApplied(MariaDbServer dest, String db, String table) {
        List<Map<String, Object>> summary = dest.query(db, "SELECT COUNT(*) AS n, SUM(version) AS versions, "
                + "SUM(CRC32(v)) AS crc FROM " + table);
        long expectedCrc = 0;
        for (int id = 1; id <= keys; id++) {
            CRC32 crc = new CRC32();
            crc.update(("v" + versions + "-" + id).getBytes(StandardCharsets.UTF_8));
            expectedCrc += crc.getValue();
        }
        assertThat(((Number) summary.get(0).get("n")).longValue()).isEqualTo(keys);
        assertThat(((Number) summary.get(0).get("versions")).longValue()).isEqualTo((long) keys * versions);
        assertThat(((Number) summary.get(0).get("crc")).longValue()).isEqualTo(expectedCrc);
    }

    /** What {@link #assertCheckpointsRise} read: the sink's transactions and each partition's last checkpointed offset. */
    record Checkpointed(int transactions, Map<String, Long> last) {

        /** Records the checkpoints say are applied: the last offset + 1 of every partition. */
        long records() {
            return last.values().stream().mapToLong(o -> o + 1).sum();
        }
    }

    /**
     * The sink transactions of {@code connector} in {@code dest}'s binlog after {@code afterSeq},
     * after checking that each moved its partitions' checkpoints strictly forward.
     */
    static Checkpointed assertCheckpointsRise(MariaDbServer dest, long afterSeq, String connector) {
        Map<String, Long> last = new HashMap<>();
        List<String> repeated = new ArrayList<>();
        int transactions = 0;
        for (BinlogAudit.Transaction t : BinlogAudit.after(dest, afterSeq, "tandem.tandem_checkpoint", 4)) {
            boolean ours = false;
            for (var c : t.checkpoints().entrySet()) {
                if (!c.getKey().startsWith(connector + "/")) {
                    continue;
                }
                ours = true;
                Long before = last.put(c.getKey(), c.getValue());
                if (before != null && c.getValue() <= before) {
                    repeated.add(c.getKey() + ": " + before + " then " + c.getValue() + " (GTID seq " + t.seq() + ")");
                }
            }
            transactions += ours ? 1 : 0;
        }
        assertThat(transactions).as("transactions of " + connector + " in the destination's binlog").isPositive();
        assertThat(repeated).as("a Kafka record applied twice leaves a checkpoint where it was, or moves it back").isEmpty();
        return new Checkpointed(transactions, last);
    }
}
