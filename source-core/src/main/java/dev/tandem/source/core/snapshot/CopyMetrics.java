package dev.tandem.source.core.snapshot;

import dev.tandem.common.select.TableId;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Rate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A copy task's progress over JMX, next to the task's own metrics
 * ({@code kafka.connect:type=plugins,connector=<name>,task=<n>}): rows copied (total and per
 * second), chunks read and left, and per table the rows copied against the server's estimate.
 */
final class CopyMetrics {

    private final PluginMetrics metrics;
    private final Sensor rows;
    private final Sensor chunks;
    private final AtomicLong chunksLeft = new AtomicLong();
    private final Map<TableId, AtomicLong> tableRows = new ConcurrentHashMap<>();

    CopyMetrics(PluginMetrics metrics, int assignedChunks) {
        this.metrics = metrics;
        String scope = "tandem-copy-" + UUID.randomUUID() + ".";
        rows = metrics.addSensor(scope + "rows");
        rows.add(name("snapshot-rows-copied-total", "snapshot rows this task read and sent", Map.of()), new CumulativeSum());
        rows.add(name("snapshot-rows-copied-rate", "snapshot rows this task reads per second", Map.of()), new Rate());
        chunks = metrics.addSensor(scope + "chunks");
        chunks.add(name("snapshot-chunks-read-total", "chunks this task read to the end since it started", Map.of()),
                new CumulativeSum());
        chunksLeft.set(assignedChunks);
        metrics.addMetric(name("snapshot-chunks-assigned", "chunks of the plan given to this task", Map.of()),
                (Gauge<Integer>) (c, now) -> assignedChunks);
        metrics.addMetric(name("snapshot-chunks-remaining", "chunks of this task not yet read to the end", Map.of()),
                (Gauge<Long>) (c, now) -> chunksLeft.get());
    }

    /** Per-table gauges: rows copied by this task, and the server's estimate of the table's rows. */
    void table(TableId table, long estimatedRows) {
        AtomicLong copied = tableRows.computeIfAbsent(table, t -> new AtomicLong());
        Map<String, String> tags = Map.of("table", table.toString());
        metrics.addMetric(name("snapshot-table-rows-copied", "rows of the table this task copied", tags),
                (Gauge<Long>) (c, now) -> copied.get());
        metrics.addMetric(name("snapshot-table-rows-estimated", "rows of the table as the server estimated them when planning",
                tags), (Gauge<Long>) (c, now) -> estimatedRows);
    }

    void rows(TableId table, int count) {
        rows.record(count);
        AtomicLong t = tableRows.get(table);
        if (t != null) {
            t.addAndGet(count);
        }
    }

    void chunkRead() {
        chunks.record(1);
        chunksLeft.decrementAndGet();
    }

    void chunkSkipped() {
        chunksLeft.decrementAndGet();
    }

    private MetricName name(String name, String description, Map<String, String> tags) {
        return metrics.metricName(name, description, new LinkedHashMap<>(tags));
    }
}
