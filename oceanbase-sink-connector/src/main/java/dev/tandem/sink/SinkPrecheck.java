package dev.tandem.sink;

import dev.tandem.common.ConnectionFailure;
import dev.tandem.common.Grants;
import dev.tandem.common.select.TableId;
import dev.tandem.sink.apply.Jdbc;

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
