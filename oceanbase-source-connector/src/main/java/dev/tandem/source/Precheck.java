package dev.tandem.source;

import dev.tandem.common.ServerKind;
import dev.tandem.source.core.ServerConnection;
import dev.tandem.common.CheckpointTable;
import dev.tandem.common.ConnectionFailure;
import dev.tandem.common.Grants;
import dev.tandem.common.select.ObjectSelection;
import dev.tandem.common.select.TableId;
import dev.tandem.source.core.snapshot.SnapshotEvents;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the source checks on the server before it runs, each finding attached to the option a user
 * changes to fix it: the flavour and version, binlog settings, the user's privileges, keys of the
 * selected tables and binlog retention. Run by {@code validate()} (the REST config/validate call)
 * once every field is valid.
 */
final class Precheck {

    /**
     * Errors by field, warnings that do not stop the connector (logged by the worker), and the
     * flavour the server's version strings name (null when it could not be reached).
     */
    static final class Result {
        private final Map<String, List<String>> errors = new LinkedHashMap<>();
        private final List<String> warnings = new ArrayList<>();
        private SourceFlavor detectedFlavor;

        Map<String, List<String>> errors() {
            return errors;
        }

        List<String> warnings() {
            return warnings;
        }

        SourceFlavor detectedFlavor() {
            return detectedFlavor;
        }

        void error(String field, String message) {
            errors.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
        }
    }


    private Precheck() {
    }

    static Result run(Map<String, String> props, OceanBaseSourceConfig config) {
        Result result = new Result();
        String server = ServerConnection.server(props);
        try (Connection c = ServerConnection.open(props)) {
            Map<String, String> vars = variables(c);
            SourceFlavor detected = SourceFlavor.of(ServerKind.of(vars.get("version"), vars.get("version_comment")));
            result.detectedFlavor = detected;
            checkFlavor(config, detected, vars, server, result);
            checkBinlog(vars, server, result);
            checkRetention(c, config, server, result);
            checkPrivileges(c, props, config, detected, result);
            checkKeys(c, props, config, result);
            checkDdlOnOneLink(c, config, result);
            if (detected == SourceFlavor.OCEANBASE && !props.getOrDefault(ServerConnection.USER, "").contains("@")) {
                result.warnings().add("OceanBase user names are usually tenant-qualified (user@tenant or "
                        + "user@tenant#cluster); '" + props.get(ServerConnection.USER) + "' names no tenant");
            }
        } catch (SQLException e) {
            result.error(ConnectionFailure.field(e, ServerConnection.HOST, ServerConnection.USER, ServerConnection.PASSWORD),
                    ConnectionFailure.describe(e, server, props.get(ServerConnection.USER), ServerConnection.USER,
                            ServerConnection.PASSWORD));
        }
        return result;
    }

    private static Map<String, String> variables(Connection c) throws SQLException {
        Map<String, String> vars = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT VERSION(), @@version_comment, @@log_bin, @@binlog_format, @@binlog_row_image")) {
            rs.next();
            vars.put("version", rs.getString(1));
            vars.put("version_comment", rs.getString(2));
            vars.put("log_bin", rs.getString(3));
            vars.put("binlog_format", rs.getString(4));
            vars.put("binlog_row_image", rs.getString(5));
        }
        return vars;
    }

    private static void checkFlavor(OceanBaseSourceConfig config, SourceFlavor detected, Map<String, String> vars,
                                    String server, Result result) {
        String version = vars.get("version");
        config.configuredFlavor().filter(f -> f != detected && !(f == SourceFlavor.OCEANBASE && detected == SourceFlavor.MYSQL))
                .ifPresent(f -> result.error(OceanBaseSourceConfig.FLAVOR, "the server at " + server + " is " + detected.configValue()
                        + " (version " + version + "), not " + f.configValue() + ": set " + OceanBaseSourceConfig.FLAVOR
                        + "=" + detected.configValue() + " or auto"));
        int[] mm = majorMinor(version);
        if (detected == SourceFlavor.MARIADB && (mm[0] < 10 || (mm[0] == 10 && mm[1] < 6))) {
            result.error(OceanBaseSourceConfig.FLAVOR, "MariaDB " + version + " at " + server
                    + " is too old: Debezium's MariaDB connector needs 10.6 or later");
        }
        if (detected == SourceFlavor.MYSQL && mm[0] < 8) {
            result.error(OceanBaseSourceConfig.FLAVOR, "MySQL " + version + " at " + server
                    + " is too old: Debezium's MySQL connector needs 8.0 or later");
        }
    }

    static int[] majorMinor(String version) {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version == null ? "" : version);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : new int[] {0, 0};
    }

    private static void checkBinlog(Map<String, String> vars, String server, Result result) {
        String logBin = vars.get("log_bin");
        if (!"1".equals(logBin) && !"ON".equalsIgnoreCase(logBin)) {
            result.error(ServerConnection.HOST, "binary logging is off on " + server + ": start the server with log_bin "
                    + "(and binlog_format=ROW, binlog_row_image=FULL)");
        }
        if (!"ROW".equalsIgnoreCase(vars.get("binlog_format"))) {
            result.error(ServerConnection.HOST, "binlog_format is " + vars.get("binlog_format") + " on " + server
                    + "; capture needs ROW: SET GLOBAL binlog_format='ROW' and put binlog_format=ROW in the server's config");
        }
        if (!"FULL".equalsIgnoreCase(vars.get("binlog_row_image"))) {
            result.error(ServerConnection.HOST, "binlog_row_image is " + vars.get("binlog_row_image") + " on " + server
                    + "; capture needs FULL: SET GLOBAL binlog_row_image='FULL' and put binlog_row_image=FULL in the server's config");
        }
    }

    private static void checkRetention(Connection c, OceanBaseSourceConfig config, String server, Result result) {
        double seconds = RetentionHeadroom.retentionSeconds(c);
        int minHours = config.retentionMinHours();
        if (seconds < minHours * 3600L) { // false for NaN: the server never purges by age, or cannot tell
            result.warnings().add("binlogs on " + server + " are kept for " + (seconds / 3600.0) + " h, less than "
                    + minHours + " h (" + OceanBaseSourceConfig.RETENTION_MIN_HOURS + "): a connector stopped for longer "
                    + "cannot resume");
        }
    }

    /**
     * Active-active: DDL sync on one link of a pair only. A sink that syncs DDL into this database
     * keeps a row in its checkpoint table ({@link CheckpointTable#DDL_SYNC_TOPIC}); this source
     * carrying DDL too would make the reverse link sync it as well.
     */
    private static void checkDdlOnOneLink(Connection c, OceanBaseSourceConfig config, Result result) {
        if (!config.activeActive() || !config.ddlTableTopics() || config.getBoolean(CheckpointTable.DDL_BOTH_LINKS)) {
            return;
        }
        TableId table = config.checkpointTable();
        try {
            if (!tableExists(c, table)) {
                return; // no sink has written into this database yet: nothing syncs DDL into it
            }
        } catch (SQLException e) {
            result.warnings().add("cannot look for " + table + " to check that DDL sync runs on one link of the pair: "
                    + e.getMessage());
            return;
        }
        String sql = "SELECT " + SnapshotEvents.quote(CheckpointTable.CONNECTOR) + ", " + SnapshotEvents.quote(CheckpointTable.ORIGIN)
                + " FROM " + SnapshotEvents.quote(table.database()) + "." + SnapshotEvents.quote(table.table())
                + " WHERE " + SnapshotEvents.quote(CheckpointTable.TOPIC) + " = ?";
        try (var ps = c.prepareStatement(sql)) {
            ps.setString(1, CheckpointTable.DDL_SYNC_TOPIC);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    result.error(OceanBaseSourceConfig.DDL_TABLE_TOPICS, "sink '" + rs.getString(1) + "'"
                            + (rs.getString(2).isEmpty() ? "" : " (region " + rs.getString(2) + ")")
                            + " already synchronizes DDL into this database (its row in " + table + "), so DDL travels on "
                            + "the other link of this active-active pair: enable DDL sync on one link only — set "
                            + OceanBaseSourceConfig.DDL_TABLE_TOPICS + "=false here (and tandem.ddl.sync=false on the sink that "
                            + "reads this source), or " + CheckpointTable.DDL_BOTH_LINKS + "=true to carry DDL on both links");
                }
            }
        } catch (SQLException e) {
            result.warnings().add("cannot read " + table + " to check that DDL sync runs on one link of the pair: "
                    + e.getMessage());
        }
    }

    /**
     * Looked up before it is read: the MariaDB driver logs every error the server answers as a
     * WARN, and a missing table is the normal case before the first sink starts.
     */
    private static boolean tableExists(Connection c, TableId table) throws SQLException {
        try (var ps = c.prepareStatement("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, table.database());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void checkPrivileges(Connection c, Map<String, String> props, OceanBaseSourceConfig config,
                                        SourceFlavor flavor, Result result) throws SQLException {
        Grants grants = Grants.ofCurrentUser(c);
        if (grants.all()) {
            return;
        }
        List<String> missing = new ArrayList<>();
        if (!grants.global("REPLICATION SLAVE") && !grants.global("REPLICATION REPLICA")) {
            missing.add("REPLICATION SLAVE");
        }
        boolean canReadBinlogStatus = grants.global("REPLICATION CLIENT")
                || (flavor == SourceFlavor.MARIADB && grants.global("BINLOG MONITOR"));
        if (!canReadBinlogStatus) {
            missing.add(flavor == SourceFlavor.MARIADB ? "BINLOG MONITOR" : "REPLICATION CLIENT");
        }
        boolean locks = !"none".equalsIgnoreCase(props.getOrDefault("snapshot.locking.mode", "minimal"));
        if (locks && !grants.global("RELOAD")) {
            missing.add("RELOAD");
        }
        if (!grants.global("SELECT")) {
            Set<String> databases = new LinkedHashSet<>();
            selectedTables(c, props, config).forEach(t -> databases.add(t.database()));
            databases.removeIf(d -> grants.on(d, "SELECT"));
            if (!databases.isEmpty()) {
                missing.add("SELECT (on " + String.join(", ", databases) + ")");
            }
        }
        if (!missing.isEmpty()) {
            String user = props.get(ServerConnection.USER);
            result.error(ServerConnection.USER, "user '" + user + "' lacks " + String.join(", ", missing)
                    + ", which snapshot and binlog capture need: GRANT SELECT, RELOAD, REPLICATION SLAVE, "
                    + (flavor == SourceFlavor.MARIADB ? "BINLOG MONITOR" : "REPLICATION CLIENT") + " ON *.* TO '" + user + "'"
                    + (locks ? "" : " (RELOAD is not needed with snapshot.locking.mode=none)"));
        }
    }

    private static void checkKeys(Connection c, Map<String, String> props, OceanBaseSourceConfig config, Result result)
            throws SQLException {
        List<TableId> selected = selectedTables(c, props, config);
        if (selected.isEmpty()) {
            result.error(OceanBaseSourceConfig.OBJECTS, "no table on the server matches the selection ("
                    + config.selection() + "); check the names and wildcards");
            return;
        }
        Map<TableId, List<Set<String>>> uniqueKeys = uniqueKeysOnNotNullColumns(c);
        checkMessageKeyColumns(props.get(MESSAGE_KEY_COLUMNS), selected, uniqueKeys, result);
        List<String> keyless = selected.stream().filter(t -> !uniqueKeys.containsKey(t)).map(TableId::toString).toList();
        if (keyless.isEmpty()) {
            return;
        }
        String tables = String.join(", ", keyless);
        if (config.activeActive()) {
            result.error(OceanBaseSourceConfig.OBJECTS, "active-active (" + OceanBaseSourceConfig.REGION + "=" + config.region()
                    + ") needs a primary key or a unique key on NOT NULL columns in every table; without one: " + tables
                    + ". Add a key, or leave these tables out with " + OceanBaseSourceConfig.OBJECTS_EXCLUDE);
        } else {
            result.warnings().add("tables without a primary key or NOT NULL unique key: " + tables + ". They are copied "
                    + "whole (no chunks), their changes keep their order in one partition of their topic, and the sink "
                    + "updates or deletes one row equal to the whole before image (a scan of the table per change where no "
                    + "index helps); active-active refuses such tables");
        }
    }

    /** Debezium's option that makes other columns a table's message key: {@code <table regex>:<col>,<col>;...}. */
    static final String MESSAGE_KEY_COLUMNS = "message.key.columns";

    /**
     * Key columns that no unique key backs make rows with equal values one row in the destination
     * (and a delete of one of them removes every copy): refused, with the way out.
     */
    static void checkMessageKeyColumns(String option, List<TableId> selected, Map<TableId, List<Set<String>>> uniqueKeys,
                                       Result result) {
        if (option == null || option.isBlank()) {
            return;
        }
        for (String entry : option.split(";")) {
            int colon = entry.lastIndexOf(':');
            if (colon <= 0) {
                continue; // Debezium's own validation names a malformed entry
            }
            Pattern table = Pattern.compile(entry.substring(0, colon).trim(), Pattern.CASE_INSENSITIVE);
            Set<String> columns = new LinkedHashSet<>();
            for (String col : entry.substring(colon + 1).split(",")) {
                if (!col.isBlank()) {
                    columns.add(col.trim().toLowerCase(Locale.ROOT));
                }
            }
            for (TableId t : selected) {
                if (!table.matcher(t.toString()).matches()) {
                    continue;
                }
                boolean backed = uniqueKeys.getOrDefault(t, List.of()).stream().anyMatch(columns::containsAll);
                if (!backed) {
                    result.error(MESSAGE_KEY_COLUMNS, "the key columns " + columns + " of " + t + " are not backed by a "
                            + "primary key or a unique key on NOT NULL columns: rows with equal values there would become one "
                            + "row in the destination, and deleting one of them would delete all. Name columns that "
                            + "include such a key, or leave " + t + " out of " + MESSAGE_KEY_COLUMNS + ": one-way links copy "
                            + "and stream tables without a key row for row");
                }
            }
        }
    }

    /** Per table, the column sets (lower case) of its primary and unique keys whose columns are all NOT NULL. */
    private static Map<TableId, List<Set<String>>> uniqueKeysOnNotNullColumns(Connection c) throws SQLException {
        String sql = "SELECT s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME, s.COLUMN_NAME, col.IS_NULLABLE "
                + "FROM information_schema.STATISTICS s JOIN information_schema.COLUMNS col ON col.TABLE_SCHEMA = s.TABLE_SCHEMA "
                + "AND col.TABLE_NAME = s.TABLE_NAME AND col.COLUMN_NAME = s.COLUMN_NAME WHERE s.NON_UNIQUE = 0 "
                + "ORDER BY s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX";
        Map<TableId, Map<String, Set<String>>> indexes = new LinkedHashMap<>();
        Set<List<Object>> nullable = new java.util.HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                TableId t = new TableId(rs.getString(1), rs.getString(2));
                String index = rs.getString(3);
                indexes.computeIfAbsent(t, k -> new LinkedHashMap<>()).computeIfAbsent(index, k -> new LinkedHashSet<>())
                        .add(rs.getString(4).toLowerCase(Locale.ROOT));
                if ("YES".equals(rs.getString(5))) {
                    nullable.add(List.of(t, index));
                }
            }
        }
        Map<TableId, List<Set<String>>> keys = new LinkedHashMap<>();
        indexes.forEach((t, byName) -> byName.forEach((index, columns) -> {
            if (!nullable.contains(List.of(t, index))) {
                keys.computeIfAbsent(t, k -> new ArrayList<>()).add(columns);
            }
        }));
        return keys;
    }

    /** Base tables on the server that the link captures (system databases and the checkpoint table left out). */
    static List<TableId> selectedTables(Connection c, Map<String, String> props, OceanBaseSourceConfig config) throws SQLException {
        java.util.function.Predicate<TableId> captured = captures(props, config);
        TableId checkpoint = config.checkpointTable();
        List<TableId> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
                     + "WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_SCHEMA, TABLE_NAME")) {
            while (rs.next()) {
                TableId id = new TableId(rs.getString(1), rs.getString(2));
                if (ServerKind.isSystemDatabase(id.database()) || id.equals(checkpoint)) {
                    continue;
                }
                if (captured.test(id)) {
                    tables.add(id);
                }
            }
        }
        return tables;
    }

    /** Whether the link captures a table: selected by tandem.objects and by Debezium's table include/exclude lists. */
    static java.util.function.Predicate<TableId> captures(Map<String, String> props, OceanBaseSourceConfig config) {
        ObjectSelection selection = config.selection();
        List<Pattern> debeziumIncludes = regexList(props.get("table.include.list"));
        List<Pattern> debeziumExcludes = regexList(props.get("table.exclude.list"));
        return id -> {
            String qualified = id.toString();
            return selection.selects(id)
                    && (debeziumIncludes.isEmpty() || debeziumIncludes.stream().anyMatch(p -> p.matcher(qualified).matches()))
                    && debeziumExcludes.stream().noneMatch(p -> p.matcher(qualified).matches());
        };
    }

    private static List<Pattern> regexList(String value) {
        List<Pattern> patterns = new ArrayList<>();
        if (value != null) {
            for (String r : value.split(",")) {
                if (!r.isBlank()) {
                    patterns.add(Pattern.compile(r.trim()));
                }
            }
        }
        return patterns;
    }
}
