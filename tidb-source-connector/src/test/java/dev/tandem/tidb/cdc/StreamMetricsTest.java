package dev.tandem.tidb.cdc;

import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The stream's gauges and counters, registered as Connect registers a task's plugin metrics. */
class StreamMetricsTest {

    private static Object value(Metrics metrics, String name) {
        return metrics.metrics().entrySet().stream().filter(e -> e.getKey().name().equals(name)).map(Map.Entry::getValue)
                .map(KafkaMetric::metricValue).findFirst().orElseThrow(() -> new AssertionError("no metric " + name));
    }

    @Test
    void countsTransactionsAndEventsAndTracksTheLastCommitTs() throws Exception {
        try (Metrics metrics = new Metrics(); var plugin = new PluginMetricsImpl(metrics, Map.of("connector", "t", "task", "0"))) {
            int[] pending = {3};
            StreamMetrics m = new StreamMetrics(plugin, () -> pending[0], 0);
            assertThat(value(metrics, "ticdc-lag-ms")).isEqualTo(-1L);
            long tso = (System.currentTimeMillis() - 2_000) << 18;
            m.transaction(tso, 4);
            m.transaction(tso + 1, 2);
            assertThat(value(metrics, "ticdc-transactions-total")).isEqualTo(2.0);
            assertThat(value(metrics, "ticdc-events-total")).isEqualTo(6.0);
            assertThat(value(metrics, "ticdc-events-pending")).isEqualTo(3);
            assertThat(value(metrics, "ticdc-last-commit-ts")).isEqualTo(tso + 1);
            assertThat((Long) value(metrics, "ticdc-lag-ms")).isBetween(1_900L, 60_000L);
            assertThat(value(metrics, "ticdc-behind-ms")).as("no poll has left anything to read").isEqualTo(0L);
            m.polled(false);
            assertThat((Long) value(metrics, "ticdc-behind-ms")).as("more waiting: the last transaction's age")
                    .isBetween(1_900L, 60_000L);
            m.polled(true);
            assertThat(value(metrics, "ticdc-behind-ms")).isEqualTo(0L);
        }
    }
}
