package dev.tandem.sink.conflict;

import dev.tandem.common.Envelope;
import dev.tandem.common.select.TableId;
import dev.tandem.sink.apply.ChangeRecord;
import dev.tandem.sink.apply.ConflictCheck;
import dev.tandem.sink.dialect.Dialect;
import dev.tandem.sink.apply.ValueBinder;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Detects and resolves conflicts of one table's changes from another region, inside the apply
 * transaction, before they are written. For every key of the run it locks the destination row
 * ({@code SELECT ... FOR UPDATE}) and compares it, in SQL with the same bound values the writes
 * use, with the first change's {@code before} image and the last change's row: a row equal to the
 * before image is no conflict, nor is a row already equal to what the run writes (a transaction
 * applied again). What differs is a conflict; the table's strategy says whether the run's changes
 * of that key are written or dropped, and every conflict becomes a row of {@code tandem_conflict}
 * in the same transaction.
 */
public final class ConflictResolver implements ConflictCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ConflictResolver.class);
    /** Keys per lock and compare statement. */
    private static final int KEYS_PER_STATEMENT = 200;
    private static final long WARN_INTERVAL_MS = 10_000;

    /** Counts what it found, for JMX. */
    public interface Counter {
        void conflict(TableId table, ConflictType type, boolean failed);
    }

    private final ConflictSettings settings;
    private final ConflictLog log;
    private final String region;
    private final Counter counter;
    private long lastWarn;
    private int unreported;
    private long lastPurge;
    /** Per table, the keys whose last change in the previous run was a delete: their tombstone may open the next run. */
    private final Map<TableId, java.util.Set<List<Object>>> deletedLastRun = new HashMap<>();
    /** Per table, the column names of its unique keys other than the primary key. */
    private final Map<TableId, List<List<String>>> uniqueKeyNames = new HashMap<>();

    public ConflictResolver(ConflictSettings settings, ConflictLog log, String region, Counter counter) {
        this.settings = settings;
        this.log = log;
        this.region = region;
        this.counter = counter;
    }

    public ConflictLog log() {
        return log;
    }

    /** Drops tombstones past their retention, at most once an hour (outside a transaction: autocommit). */
    @Override
    public void purgeIfDue(Connection c) throws SQLException {
        long now = System.currentTimeMillis();
        if (now - lastPurge < 3_600_000L) {
            return;
        }
        lastPurge = now;
        int purged = log.purge(c, settings.tombstoneRetentionHours());
        if (purged > 0) {
            LOG.info("Dropped {} tombstone(s) older than {} h", purged, settings.tombstoneRetentionHours());
        }
    }

    /** The changes of one key in a run: the first (whose before image the destination should hold) and all, in order. */
    private static final class KeyChanges {
        final List<ChangeRecord> records = new ArrayList<>();
        ChangeRecord first() {
            return records.get(0);
        }
        ChangeRecord last() {
            return records.get(records.size() - 1);
        }
    }

    /** What the destination holds for a key: whether the row is there, and how it compares. */
    private record Found(boolean present, Boolean sameBefore, Boolean sameAfter, Integer newer) {
        static final Found MISSING = new Found(false, null, null, null);
    }

    /**
     * The records of {@code records} (one table's, in order, of origin {@code origin}) that are to
     * be written; conflicts are recorded and tombstones kept on {@code c}, in its transaction.
     */
    @Override
    public List<ChangeRecord> resolve(Connection c, TableId table, List<ChangeRecord> records, String origin)
            throws SQLException {
        if (records.isEmpty() || records.stream().anyMatch(r -> r.keyless() || r.snapshot())) {
            return records; // a full copy or a table without a key: nothing to compare with
        }
        Map<List<Object>, KeyChanges> byKey = new LinkedHashMap<>();
        for (ChangeRecord r : records) {
            if (r.op() != null) {
                byKey.computeIfAbsent(r.keyValues(), k -> new KeyChanges()).records.add(r);
            } // flattened rows carry no before image: written unchecked
        }
        // A tombstone repeats the delete just before it, which this check decides on: applied on its own it could
        // delete a row the delete lost to. Tombstones of other deletes (flattened records) pass.
        java.util.Set<List<Object>> deletedBefore = deletedLastRun.getOrDefault(table, java.util.Set.of());
        java.util.Set<ChangeRecord> echoes = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (ChangeRecord r : records) {
            if (r.op() == null && r.isDelete()) {
                KeyChanges k = byKey.get(r.keyValues());
                if (k != null && k.last().isDelete() || k == null && deletedBefore.contains(r.keyValues())) {
                    echoes.add(r);
                }
            }
        }
        java.util.Set<List<Object>> deletedNow = new java.util.HashSet<>();
        byKey.forEach((key, k) -> {
            if (k.last().isDelete()) {
                deletedNow.add(key);
            }
        });
        deletedLastRun.put(table, deletedNow);
        if (byKey.isEmpty()) {
            return echoes.isEmpty() ? records : records.stream().filter(r -> !echoes.contains(r)).toList();
        }
        ConflictSettings.Rule rule = settings.rule(table);
        List<KeyChanges> keys = new ArrayList<>(byKey.values());
        Map<KeyChanges, Found> found = new HashMap<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_STATEMENT) {
            List<KeyChanges> chunk = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_STATEMENT));
            List<KeyChanges> present = lock(c, table, chunk);
            if (!present.isEmpty()) {
                found.putAll(compare(c, table, present, rule));
            }
            chunk.forEach(k -> found.putIfAbsent(k, Found.MISSING));
        }
        Map<String, String> tombstones = rule.strategy() == Strategy.LAST_WRITER_WINS
                ? log.tombstones(c, table, keys.stream().filter(k -> !found.get(k).present()).map(k -> RowJson.of(k.first().key())).toList())
                : Map.of();

        List<ChangeRecord> kept = new ArrayList<>(records.size());
        List<ConflictLog.Entry> entries = new ArrayList<>();
        Map<String, String> buried = new LinkedHashMap<>();
        java.util.Set<KeyChanges> dropped = new java.util.HashSet<>();
        for (KeyChanges k : keys) {
            Found f = found.get(k);
            ConflictType type = classify(k, f);
            boolean apply = type == null ? !olderThanTombstone(k, f, tombstones, rule) : decide(type, k, f, tombstones, rule,
                    origin);
            if (type != null) {
                String destination = f.present() ? destinationRow(c, table, k) : null;
                if (rule.strategy() == Strategy.FAIL) {
                    counter.conflict(table, type, true);
                    throw new ConnectException("Conflict on " + table + " key " + RowJson.of(k.first().key()) + ": " + type.label()
                            + " (tandem.conflict.strategy=fail). Incoming from region " + origin + ": before "
                            + RowJson.of(k.first().before()) + ", after " + RowJson.of(k.last().row()) + "; destination row "
                            + destination + " (" + k.last().describe() + ")");
                }
                entries.add(entry(table, k, type, rule.strategy(), apply ? "applied" : "kept", destination, origin));
            }
            if (!apply) {
                dropped.add(k);
            } else if (rule.strategy() == Strategy.LAST_WRITER_WINS && k.last().isDelete() && f.present()) {
                buried.put(RowJson.of(k.first().key()), resolutionText(k.last(), rule));
            }
        }
        List<KeyChanges> writing = keys.stream().filter(k -> !dropped.contains(k) && !k.last().isDelete()).toList();
        for (List<Field> unique : uniqueKeys(c, table, keys.get(0).first())) {
            collisions(c, table, writing, unique, rule, origin, entries, dropped, byKey.keySet());
        }
        if (!entries.isEmpty()) {
            java.util.Set<ConflictLog.Entry> known = log.known(c, entries);
            if (!known.isEmpty()) {
                entries = entries.stream().filter(e -> !known.contains(e)).toList();
            }
        }
        log.record(c, entries);
        entries.forEach(e -> counter.conflict(table, e.type(), false));
        log.bury(c, table, buried, origin);
        warn(table, entries);
        if (dropped.isEmpty() && echoes.isEmpty()) {
            return records;
        }
        java.util.Set<ChangeRecord> lost = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        dropped.forEach(k -> lost.addAll(k.records));
        lost.addAll(echoes);
        for (ChangeRecord r : records) {
            if (!lost.contains(r)) {
                kept.add(r);
            }
        }
        return kept;
    }

    /**
     * Secondary unique keys: a row the run writes whose unique values another row already holds
     * (under another primary key) would, through the upsert's ON DUPLICATE KEY UPDATE, overwrite
     * that unrelated row. Such a collision is a conflict: when the incoming row wins, the row
     * holding its values is deleted first (in this transaction); when it loses, it is not written.
     * Rows the run itself changes are left to the run.
     */
    private void collisions(Connection c, TableId table, List<KeyChanges> writing, List<Field> unique, ConflictSettings.Rule rule,
                            String origin, List<ConflictLog.Entry> entries, java.util.Set<KeyChanges> dropped,
                            java.util.Set<List<Object>> changedKeys) throws SQLException {
        List<KeyChanges> candidates = writing.stream().filter(k -> !dropped.contains(k) && unique.stream()
                .allMatch(f -> k.last().row().schema().field(f.name()) != null && k.last().row().get(f.name()) != null)).toList();
        if (candidates.isEmpty()) {
            return;
        }
        List<Field> keyFields = candidates.get(0).first().keySchema().fields();
        boolean lww = rule.strategy() == Strategy.LAST_WRITER_WINS;
        for (int from = 0; from < candidates.size(); from += KEYS_PER_STATEMENT) {
            List<KeyChanges> chunk = candidates.subList(from, Math.min(candidates.size(), from + KEYS_PER_STATEMENT));
            StringBuilder sql = new StringBuilder();
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ? AS n, ").append(lww ? newerThanRow(rule) : "NULL")
                        .append(" AS cmp");
                for (Field f : keyFields) {
                    sql.append(", ").append(Dialect.quote(f.name()));
                }
                sql.append(" FROM ").append(qualified(table)).append(" WHERE ");
                for (int j = 0; j < unique.size(); j++) {
                    sql.append(j == 0 ? "" : " AND ").append(Dialect.quote(unique.get(j).name())).append(" = ?");
                }
                sql.append(" AND NOT ").append(keyMatch(keyFields));
            }
            List<Object[]> found = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (int i = 0; i < chunk.size(); i++) {
                    KeyChanges k = chunk.get(i);
                    Struct row = k.last().row();
                    ps.setInt(p++, i);
                    if (lww) {
                        p = bindResolution(ps, p, k.last(), rule);
                    }
                    for (Field f : unique) {
                        ValueBinder.bindCompared(ps, p++, row.schema().field(f.name()).schema(), row.get(f.name()));
                    }
                    for (Field f : keyFields) {
                        ValueBinder.bind(ps, p++, f.schema(), k.first().key().get(f));
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Object[] other = new Object[keyFields.size() + 2];
                        other[0] = rs.getInt(1);
                        other[1] = integer(rs, 2);
                        for (int j = 0; j < keyFields.size(); j++) {
                            other[j + 2] = rs.getObject(j + 3);
                        }
                        found.add(other);
                    }
                }
            }
            for (Object[] other : found) {
                KeyChanges k = chunk.get((Integer) other[0]);
                List<Object> otherKey = java.util.Arrays.asList(other).subList(2, other.length);
                if (dropped.contains(k) || changedKeys.stream().anyMatch(key -> sameKey(key, otherKey))) {
                    continue;
                }
                String destination = rowByKey(c, table, keyFields, otherKey);
                if (rule.strategy() == Strategy.FAIL) {
                    counter.conflict(table, ConflictType.UNIQUE_KEY_COLLISION, true);
                    throw new ConnectException("Conflict on " + table + " key " + RowJson.of(k.first().key()) + ": unique-key-collision "
                            + "(tandem.conflict.strategy=fail): the row " + destination + " holds the unique values "
                            + RowJson.of(k.last().row()) + " from region " + origin + " writes (" + k.last().describe() + ")");
                }
                Integer newer = (Integer) other[1];
                boolean wins = switch (rule.strategy()) {
                    case OVERWRITE -> true;
                    case IGNORE, FAIL -> false;
                    case REGION_PRIORITY -> settings.ranksBefore(origin, region);
                    case LAST_WRITER_WINS -> newer != null && (newer > 0 || newer == 0 && settings.ranksBefore(origin, region));
                };
                if (wins) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + qualified(table) + " WHERE "
                            + keyMatch(keyFields))) {
                        for (int j = 0; j < otherKey.size(); j++) {
                            ps.setObject(j + 1, otherKey.get(j));
                        }
                        ps.executeUpdate();
                    }
                } else {
                    dropped.add(k);
                }
                entries.add(entry(table, k, ConflictType.UNIQUE_KEY_COLLISION, rule.strategy(), wins ? "applied" : "kept",
                        destination, origin));
            }
        }
    }

    private static boolean sameKey(List<Object> recordKey, List<Object> rowKey) {
        if (recordKey.size() != rowKey.size()) {
            return false;
        }
        for (int i = 0; i < recordKey.size(); i++) {
            if (!String.valueOf(recordKey.get(i)).equals(String.valueOf(rowKey.get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** The table's unique keys other than the primary key, as fields of the row schema, read once per table. */
    private List<List<Field>> uniqueKeys(Connection c, TableId table, ChangeRecord sample) throws SQLException {
        List<List<String>> names = uniqueKeyNames.get(table);
        if (names == null) {
            Map<String, List<String>> byIndex = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS "
                    + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY' "
                    + "ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
                ps.setString(1, table.database());
                ps.setString(2, table.table());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byIndex.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    }
                }
            }
            names = new ArrayList<>(byIndex.values());
            uniqueKeyNames.put(table, names);
        }
        Struct row = sample.row() != null ? sample.row() : sample.before();
        List<List<Field>> keys = new ArrayList<>();
        for (List<String> index : names) {
            List<Field> fields = new ArrayList<>();
            for (String column : index) {
                Field f = row == null ? null : row.schema().field(column);
                if (f == null) {
                    fields = null;
                    break;
                }
                fields.add(f);
            }
            if (fields != null) {
                keys.add(fields);
            }
        }
        return keys;
    }

    private static String rowByKey(Connection c, TableId table, List<Field> keyFields, List<Object> key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + qualified(table) + " WHERE " + keyMatch(keyFields))) {
            for (int j = 0; j < key.size(); j++) {
                ps.setObject(j + 1, key.get(j));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? RowJson.of(rs) : null;
            }
        }
    }

    /** 1 when the bound resolution value is newer than the row's, 0 equal, -1 older (a NULL value counts oldest). */
    private static String newerThanRow(ConflictSettings.Rule rule) {
        String col = Dialect.quote(rule.column());
        return "CASE WHEN ? IS NULL THEN -1 WHEN " + col + " IS NULL THEN 1 WHEN " + col + " < ? THEN 1 WHEN " + col
                + " > ? THEN -1 ELSE 0 END";
    }

    /** Binds the last change's resolution value three times, for {@link #newerThanRow}. */
    private static int bindResolution(PreparedStatement ps, int p, ChangeRecord last, ConflictSettings.Rule rule)
            throws SQLException {
        resolutionValue(last, rule); // fails with the fix when the table lacks the column
        Struct row = last.isDelete() ? last.before() : last.row();
        Field f = row.schema().field(rule.column());
        for (int j = 0; j < 3; j++) {
            ValueBinder.bindCompared(ps, p++, f.schema(), row.get(f));
        }
        return p;
    }

    /**
     * The conflict the destination row makes with a key's changes, or null. A row equal to the
     * before image of the first change is none; neither is a row that already is what the last
     * change makes (the transaction applied before).
     */
    static ConflictType classify(KeyChanges k, Found f) {
        String op = k.first().op();
        boolean endsDeleted = k.last().isDelete();
        if (!f.present()) {
            if (Envelope.OP_CREATE.equals(op) || endsDeleted && !Envelope.OP_DELETE.equals(op)) {
                return null; // a new row; or changed and deleted here, and gone already
            }
            return Envelope.OP_DELETE.equals(op) ? ConflictType.DELETE_ROW_MISSING : ConflictType.UPDATE_ROW_MISSING;
        }
        if (!endsDeleted && Boolean.TRUE.equals(f.sameAfter())) {
            return null; // already what this run writes
        }
        if (Envelope.OP_CREATE.equals(op)) {
            return ConflictType.INSERT_ROW_EXISTS;
        }
        if (Boolean.TRUE.equals(f.sameBefore())) {
            return null;
        }
        return Envelope.OP_DELETE.equals(op) ? ConflictType.DELETE_ROW_CHANGED : ConflictType.UPDATE_ROW_CHANGED;
    }

    /** Whether the key's changes are written, under the table's strategy. */
    private boolean decide(ConflictType type, KeyChanges k, Found f, Map<String, String> tombstones,
                           ConflictSettings.Rule rule, String origin) {
        return switch (rule.strategy()) {
            case OVERWRITE, FAIL -> type != ConflictType.DELETE_ROW_MISSING;
            case IGNORE -> false;
            case REGION_PRIORITY -> type != ConflictType.DELETE_ROW_MISSING && settings.ranksBefore(origin, region);
            case LAST_WRITER_WINS -> {
                if (!f.present()) {
                    yield type == ConflictType.UPDATE_ROW_MISSING && !olderThanTombstone(k, f, tombstones, rule);
                }
                Integer newer = f.newer();
                yield newer == null ? false : newer > 0 || newer == 0 && settings.ranksBefore(origin, region);
            }
        };
    }

    /**
     * Under last-writer-wins, whether a row that is missing was deleted (by a change of another
     * region) at a resolution value at least as new as the one this change writes: then it stays
     * deleted.
     */
    private boolean olderThanTombstone(KeyChanges k, Found f, Map<String, String> tombstones, ConflictSettings.Rule rule) {
        if (rule.strategy() != Strategy.LAST_WRITER_WINS || f.present() || k.last().isDelete()) {
            return false;
        }
        String deletedAt = tombstones.get(RowJson.of(k.first().key()));
        if (deletedAt == null) {
            return false;
        }
        String incoming = resolutionText(k.last(), rule);
        return incoming == null || compareResolution(incoming, deletedAt) <= 0;
    }

    /** Resolution values as {@code ValueBinder.toSql} prints them: numbers by value, temporal text (fixed width) as text. */
    static int compareResolution(String a, String b) {
        try {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    /** The resolution column's value of a key's last change: its row's, or for a delete the row it deleted. */
    private static Object resolutionValue(ChangeRecord last, ConflictSettings.Rule rule) {
        Struct row = last.isDelete() ? last.before() : last.row();
        if (row == null) {
            return null;
        }
        Field f = row.schema().field(rule.column());
        if (f == null) {
            throw new ConnectException("Table " + last.table() + " has no column '" + rule.column() + "', which "
                    + "tandem.conflict.strategy=last-writer-wins orders by: add it, or name another with "
                    + "tandem.conflict.lww.column or per table in tandem.conflict.tables");
        }
        return ValueBinder.toSql(f.schema(), row.get(f));
    }

    private static String resolutionText(ChangeRecord last, ConflictSettings.Rule rule) {
        Object v = resolutionValue(last, rule);
        return v == null ? null : v.toString();
    }

    /**
     * Locks the rows of a chunk of keys ({@code FOR UPDATE}: no local write slips in between the
     * check and the write) and returns the keys whose row is there: only those need comparing.
     */
    private static List<KeyChanges> lock(Connection c, TableId table, List<KeyChanges> chunk) throws SQLException {
        List<Field> keyFields = chunk.get(0).first().keySchema().fields();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int j = 0; j < keyFields.size(); j++) {
            sql.append(j == 0 ? "" : ", ").append(Dialect.quote(keyFields.get(j).name()));
        }
        sql.append(" FROM ").append(qualified(table)).append(" WHERE ");
        if (keyFields.size() == 1) {
            sql.append(Dialect.quote(keyFields.get(0).name())).append(" IN (").append("?, ".repeat(chunk.size() - 1)).append("?)");
        } else {
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "" : " OR ").append(keyMatch(keyFields));
            }
        }
        sql.append(" FOR UPDATE");
        java.util.Set<List<String>> there = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (KeyChanges k : chunk) {
                for (Field f : keyFields) {
                    ValueBinder.bind(ps, p++, f.schema(), k.first().key().get(f));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> key = new ArrayList<>(keyFields.size());
                    for (int j = 1; j <= keyFields.size(); j++) {
                        key.add(rs.getString(j));
                    }
                    there.add(key);
                }
            }
        }
        if (there.isEmpty()) {
            return List.of();
        }
        boolean integerKey = keyFields.stream().allMatch(f -> f.schema().name() == null && switch (f.schema().type()) {
            case INT8, INT16, INT32, INT64 -> true;
            default -> false;
        });
        if (there.size() == chunk.size() || !integerKey) {
            return chunk; // other keys (text under a collation, temporal, decimal) are matched by the comparison itself
        }
        // Some rows are missing: integer keys print as the server prints them, so the rows there are found by text.
        List<KeyChanges> present = new ArrayList<>();
        for (KeyChanges k : chunk) {
            List<String> key = new ArrayList<>(keyFields.size());
            for (Field f : keyFields) {
                key.add(String.valueOf(k.first().key().get(f)));
            }
            if (there.contains(key)) {
                present.add(k);
            }
        }
        return present;
    }

    /**
     * One statement for a chunk of keys, a branch per key: whether the row is there, equals the
     * first change's before image and the last change's row on the compared columns, and how the
     * last change's resolution value compares with the row's (1 newer, 0 equal, -1 older).
     */
    private Map<KeyChanges, Found> compare(Connection c, TableId table, List<KeyChanges> chunk, ConflictSettings.Rule rule)
            throws SQLException {
        List<Field> keyFields = chunk.get(0).first().keySchema().fields();
        boolean lww = rule.strategy() == Strategy.LAST_WRITER_WINS;
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < chunk.size(); i++) {
            KeyChanges k = chunk.get(i);
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ? AS n, ").append(sameAs(table, k.first().before()))
                    .append(" AS sb, ").append(sameAs(table, k.last().row())).append(" AS sa, ")
                    .append(lww ? newerThanRow(rule) : "NULL")
                    .append(" AS cmp FROM ").append(qualified(table)).append(" WHERE ").append(keyMatch(keyFields));
        }
        Map<KeyChanges, Found> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (int i = 0; i < chunk.size(); i++) {
                KeyChanges k = chunk.get(i);
                ps.setInt(p++, i);
                p = bindCompared(ps, p, table, k.first().before());
                p = bindCompared(ps, p, table, k.last().row());
                if (lww) {
                    p = bindResolution(ps, p, k.last(), rule);
                }
                for (Field f : keyFields) {
                    ValueBinder.bind(ps, p++, f.schema(), k.first().key().get(f));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    KeyChanges k = chunk.get(rs.getInt(1));
                    found.put(k, new Found(true, bool(rs, 2), bool(rs, 3), integer(rs, 4)));
                }
            }
        }
        for (KeyChanges k : chunk) {
            found.putIfAbsent(k, Found.MISSING);
        }
        return found;
    }

    private static Boolean bool(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v != 0;
    }

    private static Integer integer(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    /** {@code (c1 <=> ?) AND (c2 <=> ?) ...} over the row's compared columns, or NULL without a row. */
    private String sameAs(TableId table, Struct row) {
        if (row == null) {
            return "NULL";
        }
        StringBuilder out = new StringBuilder();
        for (Field f : row.schema().fields()) {
            if (!settings.excluded(table, f.name())) {
                out.append(out.isEmpty() ? "(" : " AND ").append(Dialect.quote(f.name())).append(" <=> ?");
            }
        }
        return out.isEmpty() ? "1" : out.append(')').toString();
    }

    private int bindCompared(PreparedStatement ps, int p, TableId table, Struct row) throws SQLException {
        if (row != null) {
            for (Field f : row.schema().fields()) {
                if (!settings.excluded(table, f.name())) {
                    ValueBinder.bindCompared(ps, p++, f.schema(), row.get(f));
                }
            }
        }
        return p;
    }

    private static String keyMatch(List<Field> keyFields) {
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < keyFields.size(); i++) {
            out.append(i == 0 ? "" : " AND ").append(Dialect.quote(keyFields.get(i).name())).append(" = ?");
        }
        return out.append(')').toString();
    }

    private static String destinationRow(Connection c, TableId table, KeyChanges k) throws SQLException {
        List<Field> keyFields = k.first().keySchema().fields();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + qualified(table) + " WHERE " + keyMatch(keyFields))) {
            int p = 1;
            for (Field f : keyFields) {
                ValueBinder.bind(ps, p++, f.schema(), k.first().key().get(f));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? RowJson.of(rs) : null;
            }
        }
    }

    private static ConflictLog.Entry entry(TableId table, KeyChanges k, ConflictType type, Strategy strategy, String outcome,
                                           String destination, String origin) {
        ChangeRecord last = k.last();
        return new ConflictLog.Entry(origin, table, RowJson.of(k.first().key()), type, strategy, outcome, RowJson.of(k.first().before()),
                RowJson.of(last.row()), destination, sourcePosition(last), last.source().topic(),
                last.source().kafkaPartition() == null ? -1 : last.source().kafkaPartition(), last.source().kafkaOffset());
    }

    /** Where the change was read at its source: the envelope's source block's position fields. */
    private static String sourcePosition(ChangeRecord r) {
        if (!(r.source().value() instanceof Struct v) || v.schema().field(Envelope.SOURCE) == null
                || v.getStruct(Envelope.SOURCE) == null) {
            return null;
        }
        Struct source = v.getStruct(Envelope.SOURCE);
        StringBuilder out = new StringBuilder();
        for (String name : List.of("gtid", "file", "pos", "row", "ts_ms", "commit_ts", "tso")) {
            Field f = source.schema().field(name);
            if (f != null && source.get(f) != null) {
                out.append(out.isEmpty() ? "" : " ").append(name).append('=').append(source.get(f));
            }
        }
        return out.isEmpty() ? null : out.toString();
    }

    /** One WARN line per interval at most, with the count since the last one. */
    private void warn(TableId table, List<ConflictLog.Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        unreported += entries.size();
        long now = System.currentTimeMillis();
        if (now - lastWarn < WARN_INTERVAL_MS) {
            return;
        }
        ConflictLog.Entry e = entries.get(entries.size() - 1);
        LOG.warn("{} conflict(s) with changes of other regions since the last report (recorded in {}); the last: {} key {} "
                + "{} from region {} -> {} ({})", unreported, log.conflictTable(), table, e.key(), e.type().label(),
                e.origin(), e.outcome(), e.strategy().configValue());
        unreported = 0;
        lastWarn = now;
    }

    static String qualified(TableId table) {
        return Dialect.quote(table.database()) + "." + Dialect.quote(table.table());
    }
}
