package dev.tandem.tidb;

import dev.tandem.common.ConnectionFailure;
import dev.tandem.tidb.cdc.CdcDecoder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is checked before a TiDB source starts (and by {@code config/validate}): the server
 * answers and is TiDB (or, for the MariaDB stand-in, supports system versioning), TiDB keeps old
 * versions long enough for the snapshot ({@code tidb_gc_life_time} against
 * {@link TidbSourceConfig#SNAPSHOT_MINUTES}), and the TiCDC topic exists and carries the protocol
 * configured. Each error names its field and the fix.
 */
final class TidbPrecheck {

    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|µs|ns)");

    record Result(Map<String, List<String>> errors, List<String> warnings) {
    }

    private TidbPrecheck() {
    }

    static Result run(TidbSourceConfig config) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(TidbSourceTask.jdbcUrl(config),
                config.getString(TidbSourceConfig.USER), config.password().value())) {
            checkServer(config, c, errors, warnings);
        } catch (SQLException e) {
            add(errors, ConnectionFailure.field(e, TidbSourceConfig.HOST, TidbSourceConfig.USER, TidbSourceConfig.PASSWORD),
                    ConnectionFailure.describe(e, config.getString(TidbSourceConfig.HOST) + ":" + config.getInt(TidbSourceConfig.PORT),
                            config.getString(TidbSourceConfig.USER), TidbSourceConfig.USER, TidbSourceConfig.PASSWORD));
        }
        if (config.streams()) {
            checkTopic(config, errors, warnings);
        }
        return new Result(errors, warnings);
    }

    private static void checkServer(TidbSourceConfig config, Connection c, Map<String, List<String>> errors,
                                    List<String> warnings) throws SQLException {
        String version = scalar(c, "SELECT VERSION()");
        boolean tidb = version != null && version.contains("TiDB");
        if (TidbSourceConfig.DIALECT_TIDB.equals(config.dialect())) {
            if (!tidb) {
                add(errors, TidbSourceConfig.HOST, "the server reports version '" + version + "', not TiDB: point "
                        + TidbSourceConfig.HOST + " at a TiDB server");
                return;
            }
            Matcher m = Pattern.compile("TiDB-v(\\d+)\\.(\\d+)").matcher(version);
            if (m.find() && Integer.parseInt(m.group(1)) < 5) {
                warnings.add("TiDB " + m.group(1) + "." + m.group(2) + " is older than the 5.x line this connector is "
                        + "documented against (TiCDC's canal-json TiDB extension came with 5.x)");
            }
            if (config.snapshotMode() != TidbSourceConfig.SnapshotMode.NEVER) {
                String gc = gcLifeTime(c);
                long minutes = gc == null ? -1 : goDurationMinutes(gc);
                int expected = config.getInt(TidbSourceConfig.SNAPSHOT_MINUTES);
                if (minutes >= 0 && minutes < expected) {
                    add(errors, TidbSourceConfig.SNAPSHOT_MINUTES, "tidb_gc_life_time is " + gc + " but the snapshot is "
                            + "expected to take " + expected + " minutes: reads older than the GC safe point fail. Run "
                            + "SET GLOBAL tidb_gc_life_time = '" + (expected + 30) + "m' before the copy (restore it "
                            + "afterwards), or lower " + TidbSourceConfig.SNAPSHOT_MINUTES);
                }
            }
        } else if (tidb) {
            add(errors, TidbSourceConfig.SNAPSHOT_DIALECT, "the server is TiDB (" + version + "): use "
                    + TidbSourceConfig.SNAPSHOT_DIALECT + "=" + TidbSourceConfig.DIALECT_TIDB);
        } else if (scalar(c, "SELECT @@system_versioning_asof") == null) {
            add(errors, TidbSourceConfig.SNAPSHOT_DIALECT, "the server (" + version + ") has no system_versioning_asof: "
                    + "the " + TidbSourceConfig.DIALECT_MARIADB + " stand-in needs MariaDB 10.3 or later");
        }
    }

    /** tidb_gc_life_time as TiDB reports it (a Go duration such as 10m0s), or null when the user cannot see it. */
    private static String gcLifeTime(Connection c) {
        try {
            return scalar(c, "SELECT @@global.tidb_gc_life_time");
        } catch (SQLException e) {
            try {
                return scalar(c, "SELECT VARIABLE_VALUE FROM mysql.tidb WHERE VARIABLE_NAME = 'tikv_gc_life_time'");
            } catch (SQLException older) {
                return null;
            }
        }
    }

    /** Whole minutes of a Go duration string ("1h30m0s" is 90). */
    static long goDurationMinutes(String duration) {
        Matcher m = GO_DURATION.matcher(duration.trim());
        double seconds = 0;
        boolean any = false;
        while (m.find()) {
            any = true;
            double n = Double.parseDouble(m.group(1));
            seconds += switch (m.group(2)) {
                case "h" -> n * 3600;
                case "m" -> n * 60;
                case "s" -> n;
                case "ms" -> n / 1000;
                default -> 0;
            };
        }
        if (!any) {
            throw new IllegalArgumentException("'" + duration + "' is not a duration such as 10m0s");
        }
        return (long) (seconds / 60);
    }

    private static void checkTopic(TidbSourceConfig config, Map<String, List<String>> errors, List<String> warnings) {
        String topic = config.getString(TidbSourceConfig.CDC_TOPIC);
        Map<String, Object> props = config.consumerProperties();
        try (Admin admin = Admin.create(props)) {
            if (!admin.listTopics().names().get(15, TimeUnit.SECONDS).contains(topic)) {
                add(errors, TidbSourceConfig.CDC_TOPIC, "topic '" + topic + "' does not exist in "
                        + props.get("bootstrap.servers") + ": create the changefeed first (its sink URI names the topic)");
                return;
            }
        } catch (Exception e) {
            add(errors, TidbSourceConfig.CDC_BOOTSTRAP, "cannot list the topics of " + props.get("bootstrap.servers") + ": "
                    + e.getMessage());
            return;
        }
        CdcDecoder decoder = config.protocol().decoder();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        if (!decoder.recognises(r.value())) {
                            add(errors, TidbSourceConfig.CDC_PROTOCOL, "the first message of " + topic + "-" + r.partition()
                                    + " is not " + config.protocol().configValue() + (config.protocol().watermarks()
                                    ? " with the TiDB extension (sink URI protocol=canal-json&enable-tidb-extension=true)"
                                    : " (sink URI protocol=debezium)"));
                        }
                        return;
                    }
                }
            }
            warnings.add("topic " + topic + " holds no message yet: its protocol is checked when the first one arrives");
        }
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void add(Map<String, List<String>> errors, String field, String message) {
        errors.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
    }
}
