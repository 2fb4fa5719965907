package dev.tandem.source.core.snapshot;

import dev.tandem.common.select.TableId;
import dev.tandem.source.core.DebeziumFormat;
import dev.tandem.source.core.StartPosition;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The connector's view of a chunked full migration: the plan (resumed from Connect's offsets, or
 * made now), which chunks are committed as copied, and the task configs of the phase it is in.
 * While chunks remain, {@code tasks} copy tasks share them; when all are copied, one task streams
 * the binlog from the plan's position (Debezium, as for any link), after writing the records that
 * tell sinks each table's snapshot is complete.
 *
 * <p>Why the destination converges: every row a copy task sends was read after the plan's binlog
 * position was recorded, and streaming starts at that position only after every chunk's rows are
 * in Kafka. So each change made to a row after the position reaches the row's topic partition
 * (rows are keyed by primary key) after the copied version of the row, and applying a partition
 * in order ends with the row's latest state, whether the copy read it before or after a change
 * (a change the copy already saw is merely applied again).
 */
public final class FullMigration {

    private static final Logger LOG = LoggerFactory.getLogger(FullMigration.class);

    private final String prefix;
    private final SnapshotPlan plan;
    private final Map<String, Boolean> done = new LinkedHashMap<>();
    private final Map<String, Long> rows = new HashMap<>();
    private final boolean streamingStarted;
    private ScheduledExecutorService monitor;
    private PluginMetrics metrics;
    private final List<MetricName> reported = new ArrayList<>();

    FullMigration(String prefix, SnapshotPlan plan, boolean streamingStarted) {
        this.prefix = prefix;
        this.plan = plan;
        this.streamingStarted = streamingStarted;
        plan.chunks().forEach(c -> done.put(c.id(), false));
    }

    /**
     * A connector's full migration as it starts: resumed or planned ({@link #resumeOrPlan}), and,
     * while chunks remain, watched until all are copied, when the connector asks Connect for the
     * streaming task's config. Null when there is nothing to copy.
     *
     * @throws ConnectException naming the connector when the plan cannot be made
     */
    public static FullMigration start(SourceConnectorContext context, String connector, String prefix,
                                      PlannerSettings settings) {
        return start(context, connector, prefix, settings, false);
    }

    /**
     * A copy of every table again, because the binlog after the link's stored position is gone
     * (and after the recorded plan's, if any): a new plan, with its own id, chunks and binlog
     * position. Once recorded, it is resumed by {@link #start} like any plan.
     */
    public static FullMigration recopy(SourceConnectorContext context, String connector, String prefix,
                                       PlannerSettings settings) {
        return start(context, connector, prefix, settings, true);
    }

    private static FullMigration start(SourceConnectorContext context, String connector, String prefix,
                                       PlannerSettings settings, boolean again) {
        OffsetStorageReader offsets = context.offsetStorageReader();
        FullMigration migration;
        try {
            migration = again ? planAgain(settings, prefix) : resumeOrPlan(offsets, prefix, settings);
        } catch (ConnectException e) {
            throw e;
        } catch (Exception e) {
            throw new ConnectException("Cannot plan the full migration of source '" + connector + "': " + e.getMessage(), e);
        }
        if (migration != null) {
            migration.reportTo(context.pluginMetrics());
            if (!migration.copied()) {
                migration.watch(connector, offsets, context::requestTaskReconfiguration);
            }
        }
        return migration;
    }

    private static FullMigration planAgain(PlannerSettings settings, String prefix) throws Exception {
        FullMigration again = new FullMigration(prefix, planner(settings).plan(), false);
        LOG.warn("Copying again: full migration {} of {} table(s), {} chunk(s), then streaming from its position", again.plan.id(),
                again.plan.tables().size(), again.plan.chunkCount());
        return again;
    }

    /** The binlog position of the full migration recorded in Connect's offsets for {@code prefix}, or null when none is. */
    public static StartPosition recordedPosition(OffsetStorageReader offsets, String prefix) {
        Map<String, Object> header = offsets.offset(ChunkOffsets.planPartition(prefix));
        if (header == null || !(header.get(ChunkOffsets.PLAN) instanceof String packedHeader)) {
            return null;
        }
        List<String> fields = SnapshotPlan.header(packedHeader);
        return SnapshotPlan.position(fields.get(1), fields.get(2), fields.get(3));
    }

    private static SnapshotPlanner planner(PlannerSettings settings) {
        return new SnapshotPlanner(settings.format(), settings.debeziumProps(), settings.chunkSize(), settings.excluded(),
                settings.clock());
    }

    /**
     * The migration as Connect's offsets record it, or a new plan when none was recorded; null when
     * Debezium already streams for this prefix without any plan (nothing to copy).
     */
    public static FullMigration resumeOrPlan(OffsetStorageReader offsets, String prefix, PlannerSettings settings)
            throws Exception {
        SnapshotPlanner planner = planner(settings);
        Map<String, Object> header = offsets.offset(ChunkOffsets.planPartition(prefix));
        if (header == null || !(header.get(ChunkOffsets.PLAN) instanceof String packedHeader)) {
            if (offsets.offset(Map.of(ChunkOffsets.SERVER, prefix)) != null) {
                LOG.info("Source '{}' already streams (Debezium offsets exist) and recorded no full migration: nothing to copy",
                        prefix);
                return null;
            }
            FullMigration fresh = new FullMigration(prefix, planner.plan(), false);
            LOG.info("Starting full migration {} of {} table(s), {} chunk(s)", fresh.plan.id(), fresh.plan.tables().size(),
                    fresh.plan.chunkCount());
            return fresh;
        }
        List<String> fields = SnapshotPlan.header(packedHeader);
        String id = fields.get(0);
        StartPosition position = SnapshotPlan.position(fields.get(1), fields.get(2), fields.get(3));
        Map<String, TablePlan> recorded = new LinkedHashMap<>();
        List<TableId> unrecorded = new ArrayList<>();
        for (String name : SnapshotPlan.tableNames(packedHeader)) {
            Map<String, Object> t = offsets.offset(ChunkOffsets.tablePartition(prefix, id, name));
            if (t != null && t.get(ChunkOffsets.CHUNKS) instanceof String packedTable) {
                recorded.put(name, TablePlan.unpack(packedTable));
            } else {
                // Its chunks were never committed, so no copy task read any of its rows: split it now.
                LOG.info("Plan {}: table {} was not split yet; splitting it now", id, name);
                recorded.put(name, null);
                unrecorded.add(TableId.parse(name));
            }
        }
        Map<TableId, TablePlan> split = planner.replan(unrecorded);
        List<TablePlan> tables = new ArrayList<>();
        recorded.forEach((name, plan) -> tables.add(plan != null ? plan : split.get(TableId.parse(name))));
        boolean streaming = ChunkOffsets.PHASE_STREAMING.equals(header.get(ChunkOffsets.PHASE));
        FullMigration resumed = new FullMigration(prefix, new SnapshotPlan(id, position, tables), streaming);
        resumed.refresh(offsets);
        LOG.info("Resuming full migration {}: {} of {} chunk(s) copied{}", id, resumed.copiedChunks(), resumed.done.size(),
                streaming ? ", streaming started" : "");
        return resumed;
    }

    /** Reads which chunks are committed as copied; returns whether all are. */
    public synchronized boolean refresh(OffsetStorageReader offsets) {
        List<Map<String, String>> open = new ArrayList<>();
        Map<Map<String, String>, String> ids = new HashMap<>();
        for (Chunk c : plan.chunks()) {
            if (!done.get(c.id())) {
                Map<String, String> p = ChunkOffsets.chunkPartition(prefix, plan.id(), c);
                open.add(p);
                ids.put(p, c.id());
            }
        }
        if (!open.isEmpty()) {
            offsets.offsets(open).forEach((p, o) -> {
                if (ChunkOffsets.isDone(o)) {
                    done.put(ids.get(p), true);
                    rows.put(ids.get(p), ChunkOffsets.rows(o));
                }
            });
        }
        return copied();
    }

    public synchronized boolean copied() {
        return !done.containsValue(false);
    }

    public synchronized int copiedChunks() {
        return (int) done.values().stream().filter(Boolean::booleanValue).count();
    }

    public int chunkCount() {
        return done.size();
    }

    public synchronized long copiedRows() {
        return rows.values().stream().mapToLong(Long::longValue).sum();
    }

    public String planId() {
        return plan.id();
    }

    public StartPosition position() {
        return plan.position();
    }

    /**
     * Watches the copy every 2 seconds, logging progress now and then, and runs {@code whenCopied}
     * (the connector asks Connect for new task configs) once every chunk is committed, until {@link #stop}.
     */
    private void watch(String connector, OffsetStorageReader offsets, Runnable whenCopied) {
        ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-full-migration-" + connector);
            t.setDaemon(true);
            return t;
        });
        long[] lastLog = {System.nanoTime()};
        monitor.scheduleWithFixedDelay(() -> {
            try {
                boolean copied = refresh(offsets);
                if (copied || System.nanoTime() - lastLog[0] > 30_000_000_000L) {
                    LOG.info("Full migration {} of source '{}': {} of {} chunk(s) copied, {} rows", planId(), connector,
                            copiedChunks(), chunkCount(), copiedRows());
                    lastLog[0] = System.nanoTime();
                }
                if (copied) {
                    LOG.info("Full migration {} of source '{}' is copied; streaming from {} on one task", planId(),
                            connector, position());
                    whenCopied.run();
                    monitor.shutdown();
                }
            } catch (RuntimeException e) {
                LOG.warn("Reading the full migration's progress of '{}' failed (retrying): {}", connector, e.getMessage());
            }
        }, 2, 2, TimeUnit.SECONDS);
        this.monitor = monitor;
    }

    /**
     * Reports the copy's progress as the connector's metrics, over JMX as
     * {@code kafka.connect:type=plugins,connector=<name>}: chunks planned and copied, rows copied,
     * whether the copy is complete, when it was planned, and per table ({@code table} tag) the rows
     * copied against the server's estimate. They come from Connect's offsets, so a connector that
     * restarts after the copy reports it complete as before. Nothing when {@code metrics} is null.
     */
    void reportTo(PluginMetrics metrics) {
        if (metrics == null) {
            return;
        }
        this.metrics = metrics;
        gauge(metrics, "full-chunks", "chunks of the full migration's plan", Map.of(), this::chunkCount);
        gauge(metrics, "full-chunks-copied", "chunks committed as copied into Kafka", Map.of(), this::copiedChunks);
        gauge(metrics, "full-rows-copied", "rows of the committed chunks", Map.of(), this::copiedRows);
        gauge(metrics, "full-copied", "1 once every chunk is copied into Kafka, else 0", Map.of(), () -> copied() ? 1 : 0);
        gauge(metrics, "full-planned-at-ms", "when the full migration was planned (epoch ms)", Map.of(), plan::createdMillis);
        for (TablePlan table : plan.tables()) {
            Map<String, String> tags = Map.of("table", table.table().toString());
            gauge(metrics, "full-table-rows-estimated", "the table's rows as the server estimated them when planning", tags,
                    table::estimatedRows);
            gauge(metrics, "full-table-rows-copied", "rows of the table's committed chunks", tags, () -> copiedRows(table));
        }
    }

    private synchronized long copiedRows(TablePlan table) {
        long sum = 0;
        for (Chunk c : table.chunks()) {
            sum += rows.getOrDefault(c.id(), 0L);
        }
        return sum;
    }

    private void gauge(PluginMetrics metrics, String name, String description, Map<String, String> tags,
                       java.util.function.Supplier<? extends Number> value) {
        MetricName metric = metrics.metricName(name, description, new LinkedHashMap<>(tags));
        metrics.addMetric(metric, (Gauge<Number>) (config, now) -> value.get());
        reported.add(metric);
    }

    /**
     * Stops watching the copy and removes the metrics (the connector stops; Connect keeps a
     * connector's plugin metrics across a pause, whose resume starts the connector again).
     */
    public void stop() {
        if (metrics != null) {
            reported.forEach(metrics::removeMetric);
            reported.clear();
        }
        if (monitor != null) {
            monitor.shutdownNow();
            monitor = null;
        }
    }

    /**
     * The task configs of the phase the migration is in: copy tasks (at most {@code maxTasks}) for
     * the chunks not yet copied, or the one streaming task once all are.
     */
    public List<Map<String, String>> taskConfigs(Map<String, String> base, int maxTasks, TaskSettings settings) {
        if (copied()) {
            return List.of(streamTaskConfig(base, settings.progressTopic(), settings.ddlCopies(), settings.streams()));
        }
        int tasks = Math.min(maxTasks, settings.copyTasks());
        if (tasks < settings.copyTasks()) {
            LOG.info("tasks.max={} limits the full migration to {} task(s) (its settings ask for {})", maxTasks, tasks,
                    settings.copyTasks());
        }
        return copyTaskConfigs(base, tasks, settings.progressTopic(), settings.ddlCopies(), settings.rowsPerSecond());
    }

    /** The copy tasks' configs for the chunks not yet copied. */
    synchronized List<Map<String, String>> copyTaskConfigs(Map<String, String> base, int tasks, String progressTopic,
                                                                 boolean ddlCopies, long rowsPerSecond) {
        List<Chunk> remaining = plan.chunks().stream().filter(c -> !done.get(c.id())).toList();
        return TaskAssignment.copyTasks(base, plan, remaining, tasks, progressTopic, ddlCopies, rowsPerSecond);
    }

    /**
     * The one streaming task's config: where the binlog is read from when Debezium has no offset
     * yet, and, until the copy's end is recorded, the tables whose "snapshot complete" record it writes first.
     */
    Map<String, String> streamTaskConfig(Map<String, String> base, String progressTopic, boolean ddlCopies,
                                                boolean stream) {
        Map<String, String> c = new HashMap<>(base);
        c.put(TaskAssignment.ROLE, TaskAssignment.ROLE_STREAM);
        c.put(TaskAssignment.PLAN, plan.withTables(List.of()).pack());
        c.put(TaskAssignment.PROGRESS_TOPIC, progressTopic);
        c.put(TaskAssignment.DDL_COPIES, Boolean.toString(ddlCopies));
        c.put(TaskAssignment.STREAM, Boolean.toString(stream));
        if (!streamingStarted) {
            c.put(TaskAssignment.COMPLETE_TABLES, Packed.pack(plan.tableNames()));
        }
        return c;
    }

    /**
     * The connector's settings for its tasks: the progress topic, how many copy tasks, whether DDL
     * goes to the table topics too, the copy's rate limit (rows/s, 0: none), and whether the link
     * streams after the copy.
     */
    public record TaskSettings(String progressTopic, int copyTasks, boolean ddlCopies, long rowsPerSecond, boolean streams) {
    }

    /**
     * What a planner needs: the format of the records and the Debezium connector's properties, the chunk size, a table
     * not to copy, and the clock that marks where streaming continues.
     */
    public record PlannerSettings(DebeziumFormat format, Map<String, String> debeziumProps, long chunkSize,
                                  TableId excluded, SnapshotClock clock) {

        /** A binlog source's settings: streaming continues from the end of the binlog when the plan is made. */
        public PlannerSettings(DebeziumFormat format, Map<String, String> debeziumProps, long chunkSize,
                               TableId excluded) {
            this(format, debeziumProps, chunkSize, excluded, SnapshotClock.binlog(format, debeziumProps));
        }
    }
}
