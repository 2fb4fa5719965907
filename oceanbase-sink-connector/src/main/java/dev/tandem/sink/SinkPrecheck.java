package dev.tandem.sink;

import dev.tandem.common.ConnectionFailure;
import dev.tandem.common.Grants;
import dev.tandem.common.select.TableId;
import dev.tandem.sink.dialect.Jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the sink checks on the destination before it runs: that it can connect, the server's
 * version, and that the user may write rows, create and alter tables and indexes, and create the
 * checkpoint table. Each finding is attached to the option a user changes to fix it.
 */
final class SinkPrecheck {

    static final List<String> REQUIRED = List.of("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "INDEX");

    private SinkPrecheck() {
    }

    static Map<String, List<String>> run(OceanBaseSinkConfig config) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        try (Connection c = Jdbc.open(config.url(), config.user(), config.password())) {
            String version;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
                rs.next();
                version = rs.getString(1);
            }
            checkVersion(version, errors);
            checkPrivileges(c, config, errors);
            if (config.detectsConflicts()) {
                checkResolutionColumns(c, config, errors);
            }
        } catch (SQLException e) {
            String field = ConnectionFailure.field(e, OceanBaseSinkConfig.URL, OceanBaseSinkConfig.USER,
                    OceanBaseSinkConfig.PASSWORD);
            errors.computeIfAbsent(field, f -> new ArrayList<>()).add(ConnectionFailure.describe(e, Jdbc.redacted(config.url()),
                    config.user(), OceanBaseSinkConfig.USER, OceanBaseSinkConfig.PASSWORD));
        }
        return errors;
    }

    private static void checkVersion(String version, Map<String, List<String>> errors) {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version == null ? "" : version);
        if (!m.find()) {
            return;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        String v = version.toLowerCase(Locale.ROOT);
        boolean mariadb = v.contains("mariadb");
        boolean other = v.contains("oceanbase") || v.contains("tidb");
        if (mariadb && (major < 10 || (major == 10 && minor < 6))) {
            errors.computeIfAbsent(OceanBaseSinkConfig.URL, f -> new ArrayList<>()).add("MariaDB " + version
                    + " is older than the oldest supported destination, 10.6");
        } else if (!mariadb && !other && major < 8) {
            errors.computeIfAbsent(OceanBaseSinkConfig.URL, f -> new ArrayList<>()).add("MySQL " + version
                    + " is older than the oldest supported destination, 8.0");
        }
    }

    /** Types last-writer-wins can order exactly: integers, decimals, dates and times. */
    private static final java.util.Set<String> ORDERED_TYPES = java.util.Set.of("tinyint", "smallint", "mediumint", "int",
            "bigint", "decimal", "date", "datetime", "timestamp", "year");

    /**
     * The last-writer-wins column of every table named in tandem.conflict.tables that exists
     * already: there, and of a type that orders writes.
     */
    private static void checkResolutionColumns(Connection c, OceanBaseSinkConfig config, Map<String, List<String>> errors)
            throws SQLException {
        var settings = config.conflictSettings();
        for (var e : settings.tableRules().entrySet()) {
            if (e.getValue().strategy() != dev.tandem.sink.conflict.Strategy.LAST_WRITER_WINS) {
                continue;
            }
            TableId table = e.getKey();
            String column = e.getValue().column();
            try (var ps = c.prepareStatement("SELECT (SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? "
                    + "AND TABLE_NAME = ? AND COLUMN_NAME = ?), (SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? "
                    + "AND TABLE_NAME = ?)")) {
                ps.setString(1, table.database());
                ps.setString(2, table.table());
                ps.setString(3, column);
                ps.setString(4, table.database());
                ps.setString(5, table.table());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String type = rs.getString(1);
                    boolean tableExists = rs.getObject(2) != null;
                    if (tableExists && type == null) {
                        errors.computeIfAbsent(OceanBaseSinkConfig.CONFLICT_TABLES, f -> new ArrayList<>()).add(table
                                + " has no column '" + column + "' for last-writer-wins: name a column the application sets on "
                                + "every write (a TIMESTAMP(6)/DATETIME(6) or an integer version)");
                    } else if (type != null && !ORDERED_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
                        errors.computeIfAbsent(OceanBaseSinkConfig.CONFLICT_TABLES, f -> new ArrayList<>()).add(table + "."
                                + column + " is " + type + ", which cannot order writes exactly: use a TIMESTAMP(6)/DATETIME(6) "
                                + "or an integer version column for last-writer-wins");
                    }
                }
            }
        }
    }

    private static void checkPrivileges(Connection c, OceanBaseSinkConfig config, Map<String, List<String>> errors)
            throws SQLException {
        Grants grants = Grants.ofCurrentUser(c);
        if (grants.all()) {
            return;
        }
        List<String> missing = REQUIRED.stream().filter(p -> !grants.global(p)).toList();
        if (!missing.isEmpty()) {
            // Without global privileges the user must at least own the checkpoint database.
            TableId checkpoint = config.checkpointTable();
            List<String> missingThere = missing.stream().filter(p -> !grants.on(checkpoint.database(), p)).toList();
            String grant = "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX ON *.* TO '" + config.user() + "'";
            if (!missingThere.isEmpty()) {
                errors.computeIfAbsent(OceanBaseSinkConfig.USER, f -> new ArrayList<>()).add("user '" + config.user()
                        + "' lacks " + String.join(", ", missingThere) + " on the checkpoint database '" + checkpoint.database()
                        + "' (and globally), which applying changes needs: " + grant
                        + " (or on the destination databases and " + checkpoint.database() + ".*)");
            }
        }
    }
}
