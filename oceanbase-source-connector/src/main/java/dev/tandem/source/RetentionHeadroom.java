package dev.tandem.source;

import dev.tandem.common.ChangeRecords;
import dev.tandem.common.Envelope;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * How long the link could stop before the source purges binlog it still needs, as gauges next
 * to the streaming task's metrics ({@code kafka.connect:type=plugins,connector=<name>,task=<n>}):
 * <ul>
 * <li>{@code binlog-retention-seconds}: how long the server keeps binlogs
 * ({@code binlog_expire_logs_seconds}, else {@code expire_logs_days}), as read when the stream
 * started; NaN when it never purges by age or cannot tell;</li>
 * <li>{@code binlog-retention-required-seconds}: what the link asks for
 * ({@code tandem.precheck.binlog.retention.min.hours});</li>
 * <li>{@code binlog-retention-headroom-seconds}: the retention minus how far behind the server the
 * stream is, the time the link could be stopped from now and still resume. Behind is the age of
 * the last change read while more were waiting (a poll returned changes), and zero once a poll
 * finds nothing new; while the stream cannot read (the server unreachable, a stop), it is the
 * time since the last change read. NaN when the retention is.</li>
 * </ul>
 * A binlog file is purged when it is older than the retention, so the binlog holding a change is
 * kept at least that long after the change: the headroom errs on the safe side.
 * <p>A fourth gauge, {@code binlog-behind-ms}, is that lag itself: the status extension adds it to
 * a link's delay while the sink has nothing left to read.
 */
final class RetentionHeadroom {

    private final LongSupplier clock;
    private final double retentionSeconds;
    /** Source commit time of the last change read, or 0 before the first. */
    private volatile long lastChangeMillis;
    /** Whether the last poll read everything the server had sent. */
    private volatile boolean caughtUp = true;

    RetentionHeadroom(double retentionSeconds, LongSupplier clock) {
        this.retentionSeconds = retentionSeconds;
        this.clock = clock;
    }

    /** Registers the gauges on the task's plugin metrics. */
    void register(PluginMetrics metrics, long requiredSeconds) {
        metrics.addMetric(metrics.metricName("binlog-retention-seconds",
                "how long the source server keeps binlogs (NaN: it never purges by age, or cannot tell)", new LinkedHashMap<>()),
                (Gauge<Double>) (c, now) -> retentionSeconds);
        metrics.addMetric(metrics.metricName("binlog-retention-required-seconds",
                "binlog retention the link asks of its source (tandem.precheck.binlog.retention.min.hours)", new LinkedHashMap<>()),
                (Gauge<Long>) (c, now) -> requiredSeconds);
        metrics.addMetric(metrics.metricName("binlog-retention-headroom-seconds",
                "how long the link could stop from now before the source purges binlog it still needs", new LinkedHashMap<>()),
                (Gauge<Double>) (c, now) -> headroomSeconds());
        metrics.addMetric(metrics.metricName("binlog-behind-ms",
                "how far the stream is behind its source server (ms): the age of the last change read while more were "
                        + "waiting, 0 once a poll finds nothing new", new LinkedHashMap<>()),
                (Gauge<Long>) (c, now) -> behindMillis());
    }

    /** A poll of the stream returned {@code records} (null or empty: nothing new). */
    void polled(List<SourceRecord> records) {
        if (records == null || records.isEmpty()) {
            caughtUp = true;
            return;
        }
        for (int i = records.size() - 1; i >= 0; i--) {
            Object source = ChangeRecords.get(records.get(i).value(), Envelope.SOURCE);
            if (ChangeRecords.get(source, Envelope.SOURCE_TS_MS) instanceof Number ts && ts.longValue() > 0) {
                lastChangeMillis = ts.longValue();
                break;
            }
        }
        caughtUp = false;
    }

    /** The stream cannot read now (the server unreachable, or a stop): the link falls behind from its last change. */
    void notReading() {
        caughtUp = false;
    }

    double headroomSeconds() {
        if (Double.isNaN(retentionSeconds)) {
            return Double.NaN;
        }
        return retentionSeconds - behindMillis() / 1000.0;
    }

    /** How far behind the server the stream is: 0 when caught up (or before the first change), else the age of the last change read. */
    long behindMillis() {
        if (caughtUp || lastChangeMillis == 0) {
            return 0;
        }
        return Math.max(0, clock.getAsLong() - lastChangeMillis);
    }

    /**
     * How long the server keeps binlogs, in seconds: {@code binlog_expire_logs_seconds} (MySQL 8,
     * MariaDB 10.6+), else {@code expire_logs_days}; NaN when neither purges by age or none can be read.
     */
    static double retentionSeconds(Connection c) {
        for (String query : List.of("SELECT @@binlog_expire_logs_seconds", "SELECT @@expire_logs_days * 86400")) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
                if (rs.next() && rs.getDouble(1) > 0) {
                    return Math.rint(rs.getDouble(1));
                }
            } catch (SQLException e) {
                // the variable does not exist on this server flavour or version; try the next one
            }
        }
        return Double.NaN;
    }
}
