package dev.tandem.it;

import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.ConnectWorkerProcess;
import dev.tandem.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once apply across the death of the worker: a sink running in a Connect worker process
 * is killed (SIGKILL) while it applies a large stream; another worker takes over from the
 * checkpoints. The destination ends equal to the stream's final state, and the destination's own
 * binlog, read back with mariadb-binlog, shows every partition's checkpoint offset strictly rising
 * from one transaction to the next: no batch was applied twice, no row went back to an older
 * version.
 */
class SinkRestartIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(240);
    private static final int KEYS = 30_000;
    private static final int VERSIONS = 3;

    private static ConnectCluster connect;
    private static MariaDbServer dest;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        dest = MariaDbServer.start("sink-restart");
        connect = ConnectCluster.builder().name("sink-restart").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, dest);
    }

    @Test
    void aWorkerKilledMidApplyResumesFromTheCheckpointsAndAppliesNoBatchTwice() throws Exception {
        String db = dest.createDatabase("exactly_once");
        String topic = "eo." + db + ".t";
        VersionedStream stream = new VersionedStream(topic, KEYS, VERSIONS);
        long total = stream.produce(connect);

        Map<String, String> sink = sinkConfig(dest, topic, "${db}.${table}");
        sink.put("tasks.max", "2");
        sink.put("tandem.batch.size", "2000");
        sink.put("consumer.override.max.poll.records", "2000");
        String group = "sink-restart";
        ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work);
        long atKill;
        try {
            first.rest().configure("eo-sink", sink);
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).ignoreExceptions() // no checkpoint table yet
                    .until(() -> VersionedStream.applied(dest, "eo-sink") >= total / 4);
            first.kill();
            atKill = VersionedStream.applied(dest, "eo-sink");
        } finally {
            first.kill();
        }
        assertThat(atKill).as("the worker died in the middle of the stream").isLessThan(total);

        try (ConnectWorkerProcess second = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work)) {
            await().atMost(TIMEOUT).until(() -> VersionedStream.applied(dest, "eo-sink") == total);
            stream.assertApplied(dest, db, "t");
            second.rest().delete("connectors/eo-sink");
        }

        // The destination's binlog, from its first event: every checkpoint change in order, the last ones covering the topic.
        VersionedStream.Checkpointed binlog = VersionedStream.assertCheckpointsRise(dest, 0, "eo-sink");
        assertThat(binlog.records()).as("records the last checkpoints in the binlog cover").isEqualTo(total);
        int transactions = binlog.transactions();
        System.out.printf("Sink killed after %d of %d records were checkpointed; after the restart all %d keys are at their "
                + "last version and %d checkpointed transactions in the destination's binlog have strictly rising offsets "
                + "(no batch applied twice)%n", atKill, total, KEYS, transactions);
    }
}
