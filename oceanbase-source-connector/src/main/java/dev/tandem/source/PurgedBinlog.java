package dev.tandem.source;

import org.apache.kafka.connect.errors.ConnectException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A link's stored binlog position that the server no longer has (its binlogs were purged while
 * the link was stopped or behind): the changes in between cannot be read, so the stream must not
 * start as if nothing were missing. Checked before Debezium starts, so the failure names the
 * lost position, what the server still has, and what to do.
 */
final class PurgedBinlog {

    private PurgedBinlog() {
    }

    /**
     * The binlog files the server holds, oldest first; empty when it cannot tell (no binary
     * logging, or a user without the privilege: Debezium's own check then decides).
     */
    private static List<String> binlogFiles(Connection c) {
        List<String> files = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        } catch (SQLException e) {
            return List.of();
        }
        return files;
    }

    /**
     * The failure to stop with when the events after {@code offset} (Debezium's stored binlog
     * offset) are no longer all on the server ({@link #lost}); null when they are, or nothing can
     * be told. With {@code recopy} (the link's {@code tandem.binlog.purged=recopy}) the message
     * says how to have the tables copied again.
     */
    static ConnectException check(Connection c, Map<String, ?> offset, String server, String connector, boolean recopy) {
        String lost = lost(c, offset, server, connector);
        if (lost == null) {
            return null;
        }
        if (recopy) {
            return new ConnectException(lost + ", so the changes made in between are lost to this link. With "
                    + OceanBaseSourceConfig.BINLOG_PURGED + "=recopy the tables are copied again when the connector starts: "
                    + "restart it with its tasks (POST /connectors/" + connector + "/restart?includeTasks=true)");
        }
        return new ConnectException(lost + ", so the changes made in between are lost to this link. Copy the tables again: create the "
                + "link anew under a new connector name (a deleted connector's offsets stay in Connect) with "
                + "tandem.migration.types=full,incremental, and let the sink overwrite the destination's rows "
                + "(tandem.destination.nonempty=overwrite), or set " + OceanBaseSourceConfig.BINLOG_PURGED + "=recopy and "
                + "restart the connector. Then keep binlogs longer than the longest stop of a link "
                + "(binlog_expire_logs_seconds; the precheck warns below " + OceanBaseSourceConfig.RETENTION_MIN_HOURS + ")");
    }

    /**
     * What is lost when the events after {@code offset} (Debezium's stored binlog offset) are no
     * longer all on the server ("The binlog position where … is no longer on …: its oldest binlog
     * is …"); null when they are, or nothing can be told. With MariaDB GTIDs the check is by GTID
     * (the server's state at the start of its oldest binlog must not be ahead of the offset in any
     * domain); without GTIDs, by the offset's file. MySQL GTID sets are left to Debezium's own
     * check against {@code gtid_purged}.
     */
    static String lost(Connection c, Map<String, ?> offset, String server, String connector) {
        Object file = offset == null ? null : offset.get("file");
        List<String> files = binlogFiles(c);
        if (file == null || files.isEmpty()) {
            return null;
        }
        Object gtids = offset.get("gtids");
        boolean lost;
        if (gtids == null || gtids.toString().isBlank()) {
            lost = !file.toString().isBlank() && !files.contains(file.toString());
        } else if (MARIADB_GTID.matcher(gtids.toString().trim()).matches()) {
            String oldest = startOf(c, files.get(0));
            lost = oldest != null && !covers(gtids.toString(), oldest);
        } else {
            return null;
        }
        if (!lost) {
            return null;
        }
        return "The binlog position where '" + connector + "' stopped, " + file + ":" + offset.get("pos")
                + (gtids == null ? "" : " (GTID " + gtids + ")") + ", is no longer on " + server + ": its oldest binlog is "
                + files.get(0);
    }

    private static final java.util.regex.Pattern MARIADB_GTID = java.util.regex.Pattern.compile(
            "\\d+-\\d+-\\d+(\\s*,\\s*\\d+-\\d+-\\d+)*");

    /** MariaDB's GTID state at the start of {@code file}: the last GTID of each domain before it. */
    private static String startOf(Connection c, String file) {
        try (var ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, 4)")) {
            ps.setString(1, file);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            return null;
        }
    }

    /**
     * Whether a reader at MariaDB GTID position {@code position} has seen everything before
     * {@code state}: in every domain of the state, its sequence number is at least the state's.
     */
    static boolean covers(String position, String state) {
        Map<String, Long> read = new java.util.HashMap<>();
        for (String g : position.split(",")) {
            String[] p = g.trim().split("-");
            read.merge(p[0], Long.parseLong(p[2]), Math::max);
        }
        for (String g : state.split(",")) {
            if (g.isBlank()) {
                continue;
            }
            String[] p = g.trim().split("-");
            if (read.getOrDefault(p[0], -1L) < Long.parseLong(p[2])) {
                return false;
            }
        }
        return true;
    }
}
