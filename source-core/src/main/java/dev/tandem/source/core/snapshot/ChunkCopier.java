package dev.tandem.source.core.snapshot;

import dev.tandem.common.RowRateLimit;
import dev.tandem.common.select.TableId;
import dev.tandem.source.core.DebeziumFormat;
import io.debezium.util.ColumnUtils;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a copy task does: it first writes the plan records of its tables and waits until Connect
 * has committed them (so a restart finds the same plan and binlog position), skips its chunks
 * whose completion is committed, then reads the others one after another, each with one
 * {@code SELECT} over its key range (a consistent read of the chunk), and ends each with the
 * chunk's completion record. When all are read it idles until the connector moves on to streaming.
 */
public final class ChunkCopier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkCopier.class);

    private final SourceTaskContext context;
    private final String prefix;
    private final SnapshotPlan plan;
    private final ProgressRecords progress;
    private final boolean ddlCopies;
    private final int batchSize;
    private final int fetchSize;
    private final RowRateLimit rateLimit;
    private final SnapshotEvents events;
    private final CopyMetrics metrics;
    private final SnapshotClock clock;
    private final Deque<SourceRecord> pending = new ArrayDeque<>();
    private final Deque<Chunk> chunks = new ArrayDeque<>();
    private final Map<TableId, SnapshotEvents.Shape> shapes = new HashMap<>();
    private final Set<TableId> ddlSent = new HashSet<>();
    private boolean planCommitted;
    private boolean idleLogged;
    private ChunkRead current;

    /** The chunk being read: its query, the mapping of its columns, the shared source block, the rows read so far. */
    private record ChunkRead(Chunk chunk, SnapshotEvents.Shape shape, PreparedStatement statement, ResultSet rows,
                             ColumnUtils.ColumnArray columns, org.apache.kafka.connect.data.Struct source,
                             Map<String, String> partition, long started, java.util.concurrent.atomic.AtomicLong count) {
    }

    /** A copy task of a binlog source (rows are read as they are now). */
    public ChunkCopier(SourceTaskContext context, DebeziumFormat format, Map<String, String> props) {
        this(context, format, props, SnapshotClock.binlog(format, props));
    }

    /** A copy task whose connection {@code clock} pins to the plan's point before each chunk. */
    public ChunkCopier(SourceTaskContext context, DebeziumFormat format, Map<String, String> props, SnapshotClock clock) {
        this.context = context;
        this.clock = clock;
        this.prefix = props.getOrDefault("topic.prefix", "");
        TaskAssignment assignment = TaskAssignment.from(props);
        this.plan = assignment.plan();
        this.progress = new ProgressRecords(assignment.progressTopic(), prefix);
        this.ddlCopies = assignment.ddlCopies();
        this.batchSize = Integer.parseInt(props.getOrDefault("max.batch.size", "2048"));
        this.fetchSize = Math.max(1, Math.min(batchSize, 10_000));
        this.rateLimit = new RowRateLimit(assignment.rowsPerSecond());
        try {
            this.events = SnapshotEvents.open(format, props);
            events.readDefinitionsThrough(clock::definition);
        } catch (SQLException e) {
            throw new ConnectException("Cannot connect to the source for full migration: " + e.getMessage(), e);
        }
        chunks.addAll(assignment.chunks());
        this.metrics = new CopyMetrics(context.pluginMetrics(), chunks.size());
        pending.add(progress.plan(plan));
        for (TablePlan t : plan.tables()) {
            pending.add(progress.table(plan.id(), t));
            metrics.table(t.table(), t.estimatedRows());
        }
        LOG.info("Copy task of plan {}: {} chunk(s) of {} table(s); waiting until the plan is committed", plan.id(),
                chunks.size(), plan.tables().size());
    }

    public List<SourceRecord> poll() throws InterruptedException {
        if (!pending.isEmpty()) {
            List<SourceRecord> out = new ArrayList<>(pending);
            pending.clear();
            return out;
        }
        if (!planCommitted) {
            if (!planIsCommitted()) {
                Thread.sleep(200);
                return null;
            }
            planCommitted = true;
            skipCommittedChunks();
        }
        try {
            if (current == null && !openNext()) {
                if (!idleLogged) {
                    LOG.info("Copy task of plan {} has read all its chunks; the connector starts streaming once every "
                            + "task's chunks are committed", plan.id());
                    idleLogged = true;
                }
                Thread.sleep(1000);
                return null;
            }
            return readBatch();
        } catch (SQLException e) {
            String chunk = current == null ? "" : " chunk " + current.chunk();
            closeCurrent();
            throw new ConnectException("Full migration of" + chunk + " failed on the source: " + e.getMessage(), e);
        }
    }

    private boolean planIsCommitted() {
        OffsetStorageReader reader = context.offsetStorageReader();
        List<Map<String, String>> partitions = new ArrayList<>();
        partitions.add(ChunkOffsets.planPartition(prefix));
        plan.tables().forEach(t -> partitions.add(ChunkOffsets.tablePartition(prefix, plan.id(), t.table().toString())));
        Map<Map<String, String>, Map<String, Object>> stored = reader.offsets(partitions);
        Map<String, Object> header = stored.get(ChunkOffsets.planPartition(prefix));
        if (header == null || !plan.packHeader().equals(header.get(ChunkOffsets.PLAN))) {
            return false;
        }
        return partitions.stream().allMatch(p -> stored.get(p) != null);
    }

    private void skipCommittedChunks() {
        Map<Map<String, String>, Chunk> byPartition = new LinkedHashMap<>();
        chunks.forEach(c -> byPartition.put(ChunkOffsets.chunkPartition(prefix, plan.id(), c), c));
        Map<Map<String, String>, Map<String, Object>> stored = context.offsetStorageReader().offsets(byPartition.keySet());
        Set<Chunk> done = byPartition.entrySet().stream().filter(e -> ChunkOffsets.isDone(stored.get(e.getKey())))
                .map(Map.Entry::getValue).collect(Collectors.toSet());
        if (!done.isEmpty()) {
            chunks.removeAll(done);
            done.forEach(c -> metrics.chunkSkipped());
            LOG.info("Plan {}: {} chunk(s) of this task were copied before; {} left", plan.id(), done.size(), chunks.size());
        }
    }

    private boolean openNext() throws SQLException {
        Chunk chunk = chunks.poll();
        if (chunk == null) {
            return false;
        }
        clock.pin(events.jdbc(), plan.position());
        SnapshotEvents.Shape shape = shapes.get(chunk.table());
        if (shape == null) {
            shape = events.shape(chunk.table());
            if (shape == null) {
                LOG.warn("Table {} is gone from the source; its chunk {} is skipped", chunk.table(), chunk.index());
                pending.add(progress.chunkDone(plan.id(), chunk, 0));
                return openNext();
            }
            shapes.put(chunk.table(), shape);
        }
        TablePlan table = plan.table(chunk.table());
        List<String> keys = table.keyColumns().stream().map(SnapshotEvents::quote).toList();
        KeyRange range = KeyRange.of(keys, chunk.lower(), chunk.upper());
        String sql = "SELECT " + String.join(", ", shape.quotedColumns()) + " FROM " + SnapshotEvents.quote(chunk.table().database())
                + "." + SnapshotEvents.quote(chunk.table().table()) + range.where()
                + (keys.isEmpty() ? "" : " ORDER BY " + String.join(", ", keys));
        PreparedStatement ps = events.jdbc().prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        ps.setFetchSize(fetchSize);
        range.bind(ps, 1);
        ResultSet rs = ps.executeQuery();
        Map<String, String> partition = ChunkOffsets.chunkPartition(prefix, plan.id(), chunk);
        String file = plan.position().binlogFile() == null ? "" : plan.position().binlogFile();
        var source = events.source(shape, file, plan.position().binlogPosition(), Instant.now());
        current = new ChunkRead(chunk, shape, ps, rs, events.columns(rs, shape), source, partition, System.nanoTime(),
                new java.util.concurrent.atomic.AtomicLong());
        if (ddlCopies && ddlSent.add(chunk.table())) {
            // The table's CREATE TABLE ahead of this task's first row of it, so a sink creates the table from it.
            pending.add(events.createTableCopy(shape, source,
                    ChunkOffsets.tablePartition(prefix, plan.id(), chunk.table().toString()), ChunkOffsets.tableOffset(table)));
        }
        return true;
    }

    private List<SourceRecord> readBatch() throws SQLException, InterruptedException {
        List<SourceRecord> out = new ArrayList<>(Math.min(batchSize, 4096) + pending.size() + 1);
        out.addAll(pending);
        pending.clear();
        ChunkRead read = current;
        int rows = 0;
        boolean finished = false;
        while (rows < batchSize) {
            if (!read.rows().next()) {
                finished = true;
                break;
            }
            Object[] row = events.row(read.rows(), read.shape(), read.columns());
            out.add(events.read(read.shape(), row, read.source(), read.partition(), ChunkOffsets.IN_PROGRESS));
            rows++;
        }
        read.count().addAndGet(rows);
        metrics.rows(read.chunk().table(), rows);
        if (finished) {
            finishCurrent(out);
        }
        rateLimit.acquire(rows);
        return out;
    }

    private void finishCurrent(List<SourceRecord> out) {
        ChunkRead read = current;
        long rows = read.count().get();
        closeCurrent();
        out.add(progress.chunkDone(plan.id(), read.chunk(), rows));
        metrics.chunkRead();
        long ms = Math.max(1, (System.nanoTime() - read.started()) / 1_000_000);
        LOG.info("Copied chunk {} ({} rows in {} ms, {} rows/s); {} chunk(s) left in this task", read.chunk(), rows, ms,
                rows * 1000 / ms, chunks.size());
    }

    private void closeCurrent() {
        if (current == null) {
            return;
        }
        try {
            current.rows().close();
            current.statement().close();
        } catch (SQLException e) {
            LOG.debug("Closing the chunk query failed: {}", e.getMessage());
        }
        current = null;
    }

    @Override
    public void close() {
        closeCurrent();
        try {
            events.close();
        } catch (SQLException e) {
            LOG.debug("Closing the source connection failed: {}", e.getMessage());
        }
    }
}
