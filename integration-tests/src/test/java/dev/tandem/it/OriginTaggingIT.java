package dev.tandem.it;

import dev.tandem.testkit.ChangeEvent;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.ConnectWorkerProcess;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The loop marker read back by the region's own source: a transaction that begins with a
 * checkpoint row (as the sink writes it) is tagged with that row's origin by the OriginTagger and
 * the row itself is not forwarded; local transactions get the region. The source's worker is
 * killed (SIGKILL) in the middle of a large replicated transaction: after the restart every
 * record of that transaction still carries the remote origin — none is taken for a local change.
 */
class OriginTaggingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final int BIG = 100_000;

    private static ConnectCluster connect;
    private static MariaDbServer west;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        west = MariaDbServer.start("west");
        connect = ConnectCluster.builder().name("origin-tagging").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, west);
    }

    private static String origin(ConsumerRecord<byte[], byte[]> r) {
        var h = r.headers().lastHeader("tandem.origin");
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Reads what arrived: records per id, and each id's origins (joined by '|' when they differ). */
    private static void read(TopicReader reader, Map<Long, Integer> seen, Map<Long, String> origins, long waitMs) {
        for (var r : reader.poll(Duration.ofMillis(waitMs))) {
            if (r.value() != null) {
                long id = Long.parseLong(ChangeEvent.of(r).keyField("id"));
                seen.merge(id, 1, Integer::sum);
                origins.merge(id, origin(r), (a, b) -> a.equals(b) ? a : a + "|" + b);
            }
        }
    }

    @Test
    void aReplicatedTransactionKeepsItsOriginAcrossAKillInItsMiddle() {
        String db = west.createDatabase("aa");
        // The checkpoint table as the sink creates it, and a replicated transaction as the sink writes it:
        // the checkpoint row naming origin east first, then the data.
        west.execute("", "CREATE DATABASE IF NOT EXISTS tandem",
                "CREATE TABLE IF NOT EXISTS tandem.tandem_checkpoint (connector VARCHAR(255) NOT NULL, topic VARCHAR(249) NOT NULL, "
                        + "kafka_partition INT NOT NULL, origin VARCHAR(64) NOT NULL, kafka_offset BIGINT NOT NULL, ddl TEXT NULL, "
                        + "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                        + "PRIMARY KEY (connector, topic, kafka_partition))");
        west.execute(db, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'local before')");

        Map<String, String> source = sourceConfig(connect, west, "west", 6801);
        source.put("tandem.objects", db + ".t");
        source.put("tandem.region", "west");
        source.put("transforms", "origin");
        source.put("transforms.origin.type", "dev.tandem.smt.origin.OriginTagger");
        source.put("transforms.origin.region", "west");
        String topic = "west." + db + ".t";
        String group = "origin-tagging";
        Map<Long, Integer> seen = new HashMap<>();
        Map<Long, String> origins = new HashMap<>();
        long records = 0;
        ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work);
        try (TopicReader reader = new TopicReader(connect.kafka(), topic)) {
            first.rest().configure("west-source", source);
            await().atMost(TIMEOUT).until(() -> {
                read(reader, seen, origins, 200);
                return seen.containsKey(1L);
            });
            west.transaction(db, "INSERT INTO tandem.tandem_checkpoint (connector, topic, kafka_partition, origin, kafka_offset) "
                            + "VALUES ('east-to-west', 'east.aa.t', 0, 'east', 41) ON DUPLICATE KEY UPDATE origin = VALUES(origin), "
                            + "kafka_offset = VALUES(kafka_offset)",
                    "INSERT INTO " + db + ".t SELECT seq, 'from east' FROM seq_10_to_" + (BIG + 9));
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(5)).until(() -> {
                read(reader, seen, origins, 100);
                return seen.size() > 10_000;
            });
            first.kill();
            int beforeKill = seen.size() - 1;
            assertThat(beforeKill).as("killed in the middle of the replicated transaction").isLessThan(BIG);

            try (ConnectWorkerProcess second = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work)) {
                west.execute(db, "INSERT INTO t VALUES (" + (BIG + 100) + ", 'local after')");
                await().atMost(TIMEOUT).until(() -> {
                    read(reader, seen, origins, 200);
                    return seen.containsKey((long) BIG + 100);
                });
                records = seen.values().stream().mapToLong(Integer::longValue).sum();
                second.rest().delete("connectors/west-source");
            }
        } finally {
            first.kill();
        }
        assertThat(origins.get(1L)).isEqualTo("west");
        assertThat(origins.get((long) BIG + 100)).isEqualTo("west");
        List<String> replicated = origins.entrySet().stream().filter(e -> e.getKey() >= 10 && e.getKey() < BIG + 10)
                .map(Map.Entry::getValue).distinct().toList();
        assertThat(seen.keySet().stream().filter(id -> id >= 10 && id < BIG + 10).count()).isEqualTo(BIG);
        assertThat(replicated).as("every record of the replicated transaction, before and after the kill").containsExactly("east");
        try (var admin = connect.kafka().createAdminClient()) {
            assertThat(admin.listTopics().names().toCompletionStage().toCompletableFuture().join())
                    .as("checkpoint rows are not forwarded").noneMatch(t -> t.startsWith("west.tandem."));
        }
        System.out.printf("Kill in a replicated transaction of %d rows: %d records for %d rows after the restart (the "
                + "interrupted transaction replayed from its start); every one tagged east%n", BIG, records, seen.size());
    }
}
