package dev.tandem.source.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where incremental-only capture starts the first time: a binlog file and position, a GTID set,
 * or a moment. Turned into the offset Debezium would have stored had it stopped there.
 */
public record StartPosition(String binlogFile, long binlogPosition, String gtidSet, Long epochSeconds) {

    /** The option of the binlog sources that names where a link's incremental synchronization starts. */
    public static final String OPTION = "tandem.incremental.start";


    public StartPosition(String binlogFile, long binlogPosition, String gtidSet) {
        this(binlogFile, binlogPosition, gtidSet, null);
    }

    /**
     * Parses {@code now} (empty), {@code binlog:<file>:<position>}, {@code gtid:<set>} or
     * {@code timestamp:<ISO-8601 instant or epoch seconds>}.
     */
    public static Optional<StartPosition> parse(String value) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty() || v.equalsIgnoreCase("now")) {
            return Optional.empty();
        }
        if (v.startsWith("binlog:")) {
            String rest = v.substring("binlog:".length());
            int colon = rest.lastIndexOf(':');
            if (colon <= 0 || colon == rest.length() - 1) {
                throw new IllegalArgumentException("'" + value + "' must be binlog:<file>:<position>, e.g. binlog:mysql-bin.000042:4");
            }
            long position;
            try {
                position = Long.parseLong(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the position in '" + value + "' is not a number");
            }
            if (position < 4) {
                throw new IllegalArgumentException("the position in '" + value + "' must be at least 4 (the first event of a binlog file)");
            }
            return Optional.of(new StartPosition(rest.substring(0, colon), position, null));
        }
        if (v.startsWith("gtid:")) {
            String set = v.substring("gtid:".length()).trim();
            if (set.isEmpty()) {
                throw new IllegalArgumentException("'" + value + "' names no GTID set");
            }
            return Optional.of(new StartPosition(null, 0, set));
        }
        if (v.startsWith("timestamp:")) {
            String t = v.substring("timestamp:".length()).trim();
            try {
                long seconds = t.matches("\\d+") ? Long.parseLong(t) : java.time.Instant.parse(t).getEpochSecond();
                return Optional.of(new StartPosition(null, 0, null, seconds));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("the time in '" + value + "' is neither epoch seconds nor an ISO-8601 "
                        + "instant such as 2026-11-25T08:00:00Z");
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a start position: use now, binlog:<file>:<position>, "
                + "gtid:<gtid set> or timestamp:<instant>");
    }

    /**
     * This position as Debezium's connector for {@code format} needs it. Debezium's MariaDB
     * connector always streams by GTID, so a file/position start is completed with the GTID
     * state MariaDB reports for that position ({@code BINLOG_GTID_POS}).
     */
    public StartPosition resolvedFor(DebeziumFormat format, Map<String, String> props) {
        if (epochSeconds != null) {
            return BinlogTimestampLocator.locate(props, epochSeconds).resolvedFor(format, props);
        }
        if (format != DebeziumFormat.MARIADB || gtidSet != null) {
            return this;
        }
        try (var c = ServerConnection.open(props); var s = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
            s.setString(1, binlogFile);
            s.setLong(2, binlogPosition);
            try (var rs = s.executeQuery()) {
                String gtids = rs.next() ? rs.getString(1) : null;
                if (gtids != null && gtids.isBlank()) {
                    // Before the first transaction the GTID state is empty, which Debezium cannot stream from:
                    // say "nothing applied yet" in this server's own domain instead.
                    gtids = emptyStateOfOwnDomain(c);
                }
                if (gtids == null) {
                    throw new org.apache.kafka.connect.errors.ConnectException("MariaDB knows no GTID position for binlog "
                            + binlogFile + ":" + binlogPosition + " (is the file still there, and the position at the start "
                            + "of an event?); set " + OPTION + " to an existing position");
                }
                return new StartPosition(binlogFile, binlogPosition, gtids);
            }
        } catch (java.sql.SQLException e) {
            throw new org.apache.kafka.connect.errors.ConnectException("cannot resolve the start position " + this
                    + " on the source: " + e.getMessage(), e);
        }
    }

    private static String emptyStateOfOwnDomain(java.sql.Connection c) throws java.sql.SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT @@gtid_domain_id, @@server_id")) {
            rs.next();
            return rs.getLong(1) + "-" + rs.getLong(2) + "-0";
        }
    }

    /**
     * The offset Debezium's binlog connectors load: {@code file} and {@code pos}, and the GTID set
     * when there is one (Debezium then positions by GTID).
     */
    public Map<String, Object> debeziumOffset() {
        Map<String, Object> offset = new HashMap<>();
        offset.put("file", binlogFile == null ? "" : binlogFile);
        offset.put("pos", binlogFile == null ? 0L : binlogPosition);
        if (gtidSet != null) {
            offset.put("gtids", gtidSet);
        }
        return offset;
    }
}
