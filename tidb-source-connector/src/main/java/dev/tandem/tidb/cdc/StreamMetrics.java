package dev.tandem.tidb.cdc;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Rate;

import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The TiCDC stream's progress over JMX, next to the task's own metrics
 * ({@code kafka.connect:type=plugins,connector=<name>,task=<n>}): transactions and row events
 * emitted (total and per second), events waiting for their transaction to complete, the commit ts
 * last emitted, its age, and how far behind TiDB the stream is: {@code ticdc-behind-ms}, the age of
 * the last transaction emitted while more were waiting, 0 once a poll leaves nothing to read (the
 * status extension adds it to a link's delay while the sink has nothing left to read, as the
 * MySQL-family source's {@code binlog-behind-ms}).
 */
final class StreamMetrics {

    private final Sensor transactions;
    private final Sensor events;
    private final AtomicLong lastCommitTs = new AtomicLong();
    /** Whether the last poll left nothing to read: every partition at its end, no transaction waiting. */
    private volatile boolean caughtUp = true;
    /** The commit ts the stream has released up to (its resume point before it emits anything). */
    private final LongSupplier released;

    StreamMetrics(PluginMetrics metrics, IntSupplier pending, LongSupplier released) {
        this.released = released;
        transactions = metrics.addSensor("tandem-ticdc-transactions");
        transactions.add(name(metrics, "ticdc-transactions-total", "TiCDC transactions emitted (BEGIN to END)"),
                new CumulativeSum());
        transactions.add(name(metrics, "ticdc-transactions-rate", "TiCDC transactions emitted per second"), new Rate());
        events = metrics.addSensor("tandem-ticdc-events");
        events.add(name(metrics, "ticdc-events-total", "row and DDL events emitted"), new CumulativeSum());
        events.add(name(metrics, "ticdc-events-rate", "row and DDL events emitted per second"), new Rate());
        metrics.addMetric(name(metrics, "ticdc-events-pending", "events read whose transaction is not complete yet"),
                (Gauge<Integer>) (c, now) -> pending.getAsInt());
        metrics.addMetric(name(metrics, "ticdc-last-commit-ts", "the commit ts (TSO) of the last transaction emitted"),
                (Gauge<Long>) (c, now) -> lastCommitTs.get());
        metrics.addMetric(name(metrics, "ticdc-lag-ms", "milliseconds between the last emitted transaction's commit in TiDB "
                + "and now (-1 before the first)"), (Gauge<Long>) (c, now) -> lastCommitTs.get() == 0 ? -1
                : Math.max(0, now - CdcEvent.physicalMillis(lastCommitTs.get())));
        metrics.addMetric(name(metrics, "ticdc-behind-ms", "how far the stream is behind TiDB (ms): the age of the last "
                + "transaction emitted (or of the resume point) while more were waiting, 0 once a poll leaves nothing to read"),
                (Gauge<Long>) (c, now) -> behindMillis(now));
    }

    /** A poll ended; {@code caughtUp}: it left nothing to read. */
    void polled(boolean caughtUp) {
        this.caughtUp = caughtUp;
    }

    private long behindMillis(long now) {
        long ts = released.getAsLong();
        return caughtUp || ts <= 0 ? 0 : Math.max(0, now - CdcEvent.physicalMillis(ts));
    }

    void transaction(long commitTs, int eventCount) {
        transactions.record(1);
        events.record(eventCount);
        lastCommitTs.set(commitTs);
    }

    private static MetricName name(PluginMetrics metrics, String name, String description) {
        return metrics.metricName(name, description, new LinkedHashMap<>());
    }
}
