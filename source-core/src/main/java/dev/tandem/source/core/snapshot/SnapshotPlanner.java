package dev.tandem.source.core.snapshot;

import dev.tandem.common.select.TableId;
import dev.tandem.source.core.DebeziumFormat;
import dev.tandem.source.core.StartPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Makes a full migration's plan: first the point streaming continues from ({@link SnapshotClock#mark}:
 * every row read later is at least as new as it), then, per captured table, its chunks by primary key. Tables whose key
 * allows no range reads (none, or nullable key columns) become one chunk, read whole.
 */
final class SnapshotPlanner {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPlanner.class);

    private final DebeziumFormat format;
    private final Map<String, String> debeziumProps;
    private final long chunkSize;
    private final TableId excluded;
    private final SnapshotClock clock;

    /** {@code excluded}: a captured table whose rows are not copied (the checkpoint table), or null. */
    SnapshotPlanner(DebeziumFormat format, Map<String, String> debeziumProps, long chunkSize, TableId excluded,
                    SnapshotClock clock) {
        this.format = format;
        this.debeziumProps = debeziumProps;
        this.chunkSize = chunkSize;
        this.excluded = excluded;
        this.clock = clock;
    }

    SnapshotPlan plan() throws Exception {
        try (SnapshotEvents events = open()) {
            StartPosition position = clock.mark(events);
            String id = Long.toString(System.currentTimeMillis(), 36) + "-" + UUID.randomUUID().toString().substring(0, 8);
            List<TablePlan> tables = new ArrayList<>();
            for (var e : capturedTables(events).entrySet()) {
                tables.add(planTable(events, e.getKey(), e.getValue()));
            }
            SnapshotPlan plan = new SnapshotPlan(id, position, tables);
            LOG.info("Full migration plan {}: {} table(s), {} chunk(s) of up to {} rows; streaming follows from {}", id,
                    tables.size(), plan.chunkCount(), chunkSize, position);
            return plan;
        }
    }

    /** Re-plans tables of an existing plan (their chunks were never recorded, so none of their rows was sent). */
    Map<TableId, TablePlan> replan(List<TableId> tables) throws Exception {
        Map<TableId, TablePlan> plans = new java.util.LinkedHashMap<>();
        if (tables.isEmpty()) {
            return plans;
        }
        try (SnapshotEvents events = open()) {
            Map<TableId, Long> rows = capturedTables(events);
            for (TableId t : tables) {
                plans.put(t, planTable(events, t, rows.getOrDefault(t, 0L)));
            }
        }
        return plans;
    }

    private SnapshotEvents open() throws SQLException {
        SnapshotEvents events = SnapshotEvents.open(format, debeziumProps);
        events.readDefinitionsThrough(clock::definition);
        return events;
    }

    private Map<TableId, Long> capturedTables(SnapshotEvents events) throws SQLException {
        return events.capturedTables(excluded);
    }

    private TablePlan planTable(SnapshotEvents events, TableId table, long estimatedRows) throws Exception {
        SnapshotEvents.Shape shape = events.shape(table);
        List<String> keys = shape == null ? List.of() : events.keyColumns(shape);
        boolean rangeable = !keys.isEmpty() && keys.stream().map(k -> shape.table().columnWithName(k))
                .allMatch(c -> c != null && !c.isOptional());
        if (!rangeable) {
            LOG.warn("Table {} has {}: its full migration reads it whole, in one chunk on one task", table,
                    keys.isEmpty() ? "no primary key" : "nullable key columns " + keys);
            return new TablePlan(table, List.of(), estimatedRows, ChunkSplitter.whole(table));
        }
        long started = System.nanoTime();
        List<String> quoted = keys.stream().map(SnapshotEvents::quote).toList();
        JdbcKeyIndex index = new JdbcKeyIndex(events.jdbc(), SnapshotEvents.quote(table.database()) + "."
                + SnapshotEvents.quote(table.table()), quoted);
        List<Chunk> chunks = new ChunkSplitter(chunkSize).split(table, index);
        LOG.info("Split {} (about {} rows) into {} chunk(s) by {} in {} ms", table, estimatedRows, chunks.size(), keys,
                (System.nanoTime() - started) / 1_000_000);
        return new TablePlan(table, keys, estimatedRows, chunks);
    }
}
