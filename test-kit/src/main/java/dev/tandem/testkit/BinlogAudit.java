package dev.tandem.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a MariaDB server's binary log says happened: every transaction (GTID event group) after a
 * given sequence number, decoded by the server's own {@code mariadb-binlog --verbose}, classified
 * as DDL, a local transaction, or a transaction applied by a Tandem sink (one that begins with a
 * row of the checkpoint table — its origin is that row's {@code origin} column). This is how the
 * active-active tests count what each region really committed, independently of the connectors.
 * A sink task's claim of its partitions (checkpoint rows alone, with an empty origin) is no
 * change at all and is left out.
 */
public final class BinlogAudit {

    /**
     * One transaction: its GTID sequence number, whether it is DDL, the origin its checkpoint row
     * names (null when local), the row changes outside the checkpoint table, and the checkpoint
     * rows at its head as {@code connector/topic-partition} → Kafka offset.
     */
    public record Transaction(long seq, boolean ddl, String origin, int rows, List<String> tables, Map<String, Long> checkpoints) {

        public boolean local() {
            return !ddl && origin == null;
        }
    }

    private static final Pattern GTID = Pattern.compile("\\tGTID (\\d+)-(\\d+)-(\\d+)( (trans|ddl))?");
    private static final Pattern ROW = Pattern.compile("^### (INSERT INTO|UPDATE|DELETE FROM) `([^`]*)`\\.`([^`]*)`");
    private static final Pattern COLUMN = Pattern.compile("^###   @(\\d+)=(.*)$");

    private BinlogAudit() {
    }

    /** The sequence number of the last transaction in the server's binlog (domain 0), 0 when empty. */
    public static long lastSeq(MariaDbServer server) {
        Object pos = server.queryValue("", "SELECT @@gtid_binlog_pos");
        long last = 0;
        for (String gtid : pos == null ? new String[0] : pos.toString().split(",")) {
            String[] parts = gtid.trim().split("-");
            if (parts.length == 3 && parts[0].equals("0")) {
                last = Math.max(last, Long.parseLong(parts[2]));
            }
        }
        return last;
    }

    /**
     * Transactions with a sequence number above {@code afterSeq}, in binlog order.
     *
     * @param checkpointTable the sink's checkpoint table as {@code database.table}
     * @param originColumn    1-based position of its {@code origin} column
     */
    public static List<Transaction> after(MariaDbServer server, long afterSeq, String checkpointTable, int originColumn) {
        List<String> files = new ArrayList<>();
        server.query("", "SHOW BINARY LOGS").forEach(r -> files.add(r.get("Log_name").toString()));
        List<String> command = new ArrayList<>(List.of(MariaDbServer.binary("mariadb-binlog"), "--no-defaults", "--verbose",
                "--base64-output=DECODE-ROWS"));
        files.forEach(f -> command.add(server.home().resolve("data").resolve(f).toString()));
        String text = run(command);
        return parse(text, afterSeq, checkpointTable, originColumn);
    }

    static List<Transaction> parse(String text, long afterSeq, String checkpointTable, int originColumn) {
        List<Transaction> out = new ArrayList<>();
        Group group = null;
        for (String line : text.split("\n")) {
            Matcher gtid = GTID.matcher(line);
            if (gtid.find()) {
                if (group != null && !group.claim()) {
                    out.add(group.done());
                }
                long seq = Long.parseLong(gtid.group(3));
                group = seq > afterSeq && gtid.group(1).equals("0") ? new Group(seq, "ddl".equals(gtid.group(5))) : null;
                continue;
            }
            if (group == null) {
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                group.row(row.group(2) + "." + row.group(3), checkpointTable);
                continue;
            }
            Matcher column = COLUMN.matcher(line);
            if (column.find()) {
                // for an update the SET image follows the WHERE image, so the new values are read last
                int n = Integer.parseInt(column.group(1));
                if (group.readingMarker && n == originColumn) {
                    group.origin = unquote(column.group(2));
                }
                if (group.readingHead) {
                    group.head.put(n, unquote(column.group(2)));
                }
            }
        }
        if (group != null && !group.claim()) {
            out.add(group.done());
        }
        return out;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("'") && value.endsWith("'") ? value.substring(1, value.length() - 1) : value;
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("mariadb-binlog failed: " + String.join(" ", command));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run mariadb-binlog: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the binlog", e);
        }
    }

    private static final class Group {
        final long seq;
        final boolean ddl;
        final List<String> tables = new ArrayList<>();
        String origin;
        int rows;
        boolean first = true;
        boolean readingMarker;
        /** Whether the rows read so far are all checkpoint rows (the head of a sink's transaction). */
        boolean readingHead = true;
        /** The columns of the checkpoint row being read, by position. */
        final Map<Integer, String> head = new HashMap<>();
        final Map<String, Long> checkpoints = new LinkedHashMap<>();

        Group(long seq, boolean ddl) {
            this.seq = seq;
            this.ddl = ddl;
        }

        void row(String table, String checkpointTable) {
            boolean marker = table.equals(checkpointTable);
            keepHead();
            readingHead = readingHead && marker;
            readingMarker = marker && first; // only a checkpoint row at the head of the transaction names its origin
            first = false;
            if (!marker) {
                rows++;
                if (!tables.contains(table)) {
                    tables.add(table);
                }
            }
        }

        /** A sink task claiming its partitions: checkpoint rows with an empty origin and nothing else. */
        boolean claim() {
            return !ddl && rows == 0 && "".equals(origin);
        }

        /** Keeps the checkpoint row just read (connector, topic, partition, ..., offset as its 1st, 2nd, 3rd and 5th columns). */
        private void keepHead() {
            if (readingHead && head.containsKey(5)) {
                // mariadb-binlog shows a negative BIGINT with its unsigned reading: "-1 (18446744073709551615)"
                checkpoints.put(head.get(1) + "/" + head.get(2) + "-" + head.get(3), Long.parseLong(head.get(5).split(" ")[0]));
            }
            head.clear();
        }

        Transaction done() {
            keepHead();
            readingHead = false;
            return new Transaction(seq, ddl, origin, rows, Collections.unmodifiableList(tables),
                    Collections.unmodifiableMap(checkpoints));
        }
    }
}
