package dev.tandem.tidb.cdc;

import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.tandem.testkit.TaskContexts.metricValue;
import static org.assertj.core.api.Assertions.assertThat;

/** The stream's gauges and counters, registered as Connect registers a task's plugin metrics. */
class StreamMetricsTest {

    @Test
    void countsTransactionsAndEventsAndTracksTheLastCommitTs() throws Exception {
        try (Metrics metrics = new Metrics(); var plugin = new PluginMetricsImpl(metrics, Map.of("connector", "t", "task", "0"))) {
            int[] pending = {3};
            long[] released = {0};
            StreamMetrics m = new StreamMetrics(plugin, () -> pending[0], () -> released[0]);
            assertThat(metricValue(metrics, "ticdc-lag-ms")).isEqualTo(-1L);
            long tso = (System.currentTimeMillis() - 2_000) << 18;
            m.transaction(tso, 4);
            m.transaction(tso + 1, 2);
            released[0] = tso + 1;
            assertThat(metricValue(metrics, "ticdc-transactions-total")).isEqualTo(2.0);
            assertThat(metricValue(metrics, "ticdc-events-total")).isEqualTo(6.0);
            assertThat(metricValue(metrics, "ticdc-events-pending")).isEqualTo(3);
            assertThat(metricValue(metrics, "ticdc-last-commit-ts")).isEqualTo(tso + 1);
            assertThat((Long) metricValue(metrics, "ticdc-lag-ms")).isBetween(1_900L, 60_000L);
            assertThat(metricValue(metrics, "ticdc-behind-ms")).as("no poll has left anything to read").isEqualTo(0L);
            m.polled(false);
            assertThat((Long) metricValue(metrics, "ticdc-behind-ms")).as("more waiting: the last transaction's age")
                    .isBetween(1_900L, 60_000L);
            m.polled(true);
            assertThat(metricValue(metrics, "ticdc-behind-ms")).isEqualTo(0L);
        }
    }
}
