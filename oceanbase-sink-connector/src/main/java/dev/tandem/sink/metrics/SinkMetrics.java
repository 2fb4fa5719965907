package dev.tandem.sink.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;

import java.util.LinkedHashMap;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The sink task's metrics, registered with Connect's plugin metrics so they appear over JMX next
 * to the task's own ({@code kafka.connect:type=plugins,connector=<name>,task=<n>}): records
 * applied and skipped (totals and per second), rows per transaction, transaction latency, and the
 * source time of the last applied change with the lag behind it.
 */
public final class SinkMetrics {

    private final Sensor applied;
    private final Sensor skipped;
    private final Sensor ddlApplied;
    private final Sensor ddlSkipped;
    private final Sensor transactionSize;
    private final Sensor transactionLatency;
    private volatile long lastSourceTimestampMs = -1;
    private final PluginMetrics pluginMetrics;
    private final String scope;
    private final java.util.Map<String, Sensor[]> conflicts = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Registers the metrics. Sensors live in the worker's one metrics registry, where a name is one
     * sensor for every task that uses it, so each task's sensors get a name of their own (the
     * metric names are already tagged with connector and task by Connect).
     */
    public SinkMetrics(PluginMetrics metrics) {
        this.pluginMetrics = metrics;
        this.scope = "tandem-sink-" + UUID.randomUUID() + ".";
        applied = sensor(metrics, scope, "records-applied", "change records applied");
        skipped = sensor(metrics, scope, "records-skipped-own-origin", "change records not applied because they originated in this region");
        ddlApplied = sensor(metrics, scope, "ddl-applied", "DDL statements applied");
        ddlSkipped = sensor(metrics, scope, "ddl-skipped", "unsupported DDL statements skipped (tandem.ddl.unsupported=skip)");
        transactionSize = metrics.addSensor(scope + "transaction-size");
        transactionSize.add(name(metrics, "transaction-size-avg", "average change records per destination transaction"), new Avg());
        transactionSize.add(name(metrics, "transaction-size-max", "most change records in one destination transaction"), new Max());
        transactionSize.add(name(metrics, "transactions-committed-total", "destination transactions committed (each begins "
                + "with its checkpoint row)"), new CumulativeCount());
        transactionLatency = metrics.addSensor(scope + "transaction-latency");
        transactionLatency.add(name(metrics, "transaction-latency-avg-ms", "average time to apply and commit a transaction"), new Avg());
        transactionLatency.add(name(metrics, "transaction-latency-max-ms", "longest time to apply and commit a transaction"), new Max());
        metrics.addMetric(name(metrics, "last-applied-source-timestamp-ms", "source commit time of the last applied change"),
                (Gauge<Long>) (config, now) -> lastSourceTimestampMs);
        metrics.addMetric(name(metrics, "lag-ms", "time since the source committed the last applied change"),
                (Gauge<Long>) (config, now) -> lastSourceTimestampMs < 0 ? -1 : now - lastSourceTimestampMs);
    }

    /**
     * Counts a conflict of {@code table}, by type: detected, and resolved or failed (the strategy
     * fail). Sensors are made the first time a table and type meet, tagged with both.
     */
    public void conflict(String table, String type, boolean failed) {
        String key = table + " " + type;
        Sensor[] s = conflicts.computeIfAbsent(key, k -> new Sensor[] {
            conflictSensor(table, type, "conflicts-detected", "conflicts detected with the destination row"),
            conflictSensor(table, type, "conflicts-resolved", "conflicts resolved by the table's strategy"),
            conflictSensor(table, type, "conflicts-failed", "conflicts that stopped the task (strategy fail)")});
        s[0].record(1);
        s[failed ? 2 : 1].record(1);
    }

    private Sensor conflictSensor(String table, String type, String name, String what) {
        Sensor s = pluginMetrics.addSensor(scope + name + "." + table + "." + type);
        LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        tags.put("table", table);
        tags.put("conflict", type);
        s.add(pluginMetrics.metricName(name + "-total", "total " + what, tags), new CumulativeSum());
        return s;
    }

    /**
     * {@code transaction-uncommitted}: 1 while records the task has read are not committed in the
     * destination yet (a transaction being applied, or a source transaction's kept open), else 0.
     * With the consumer's lag at 0 as well, everything in the topics is applied.
     */
    public void uncommitted(PluginMetrics metrics, java.util.function.BooleanSupplier uncommitted) {
        metrics.addMetric(name(metrics, "transaction-uncommitted", "1 while records read are not committed in the destination yet"),
                (Gauge<Integer>) (config, now) -> uncommitted.getAsBoolean() ? 1 : 0);
    }

    /** The LOAD DATA writer's counts (rows it loaded, loads rolled back to the upsert), when the task has one. */
    public void loadData(PluginMetrics metrics, LongSupplier loadedRows, LongSupplier fallbacks) {
        metrics.addMetric(name(metrics, "rows-loaded-total", "new rows written with LOAD DATA (in transactions that "
                + "committed or were retried)"), (Gauge<Long>) (config, now) -> loadedRows.getAsLong());
        metrics.addMetric(name(metrics, "load-data-fallbacks-total", "loads rolled back to their savepoint and written with "
                + "the upsert instead (a row already there, or a warning)"), (Gauge<Long>) (config, now) -> fallbacks.getAsLong());
    }

    private static Sensor sensor(PluginMetrics metrics, String scope, String name, String what) {
        Sensor s = metrics.addSensor(scope + name);
        s.add(name(metrics, name + "-total", "total " + what), new CumulativeSum());
        s.add(name(metrics, name + "-rate", what + " per second"), new Rate());
        return s;
    }

    private static MetricName name(PluginMetrics metrics, String name, String description) {
        return metrics.metricName(name, description, new LinkedHashMap<>());
    }

    public void transaction(int records, long latencyMs, long lastSourceTimestamp) {
        applied.record(records);
        transactionSize.record(records);
        transactionLatency.record(latencyMs);
        if (lastSourceTimestamp > lastSourceTimestampMs) {
            lastSourceTimestampMs = lastSourceTimestamp;
        }
    }

    /**
     * The source commit time of what the task's partitions had applied before it started (their
     * checkpoint rows), so the checkpoint and lag read right before the task applies anything.
     */
    public void resumedAt(long sourceTimestampMs) {
        if (sourceTimestampMs > lastSourceTimestampMs) {
            lastSourceTimestampMs = sourceTimestampMs;
        }
    }

    public void ddlApplied() {
        ddlApplied.record(1);
    }

    public void ddlSkipped() {
        ddlSkipped.record(1);
    }

    public void skipped(int records) {
        skipped.record(records);
    }
}
