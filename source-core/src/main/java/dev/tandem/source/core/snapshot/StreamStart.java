package dev.tandem.source.core.snapshot;

import dev.tandem.common.select.TableId;
import dev.tandem.source.core.StartPosition;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the streaming task of a chunked full migration starts: it first writes, unless already
 * recorded, one "snapshot complete" record into each table's topic (with DDL in the table
 * topics, so sinks add held-back indexes) and the end of the copy to the progress topic; then it
 * streams the binlog from the plan's position (or from Debezium's own offsets once it has some),
 * or, for a full-only migration, idles.
 */
public final class StreamStart {

    private final StartPosition position;
    private final boolean streams;
    private final List<SourceRecord> records;

    private StreamStart(StartPosition position, boolean streams, List<SourceRecord> records) {
        this.position = position;
        this.streams = streams;
        this.records = records;
    }

    /** Whether {@code taskProps} are the streaming task's after a chunked copy. */
    public static boolean isStreamTask(Map<String, String> taskProps) {
        return TaskAssignment.ROLE_STREAM.equals(taskProps.get(TaskAssignment.ROLE));
    }

    /**
     * The stream start of a streaming task after a chunked copy, or null for a task of another kind;
     * the "snapshot complete" records carry each table's CREATE TABLE as read over {@code source}
     * (null: without them).
     */
    public static StreamStart of(Map<String, String> taskProps, java.sql.Connection source) {
        return of(taskProps, table -> {
            if (source == null) {
                return null;
            }
            try {
                return SnapshotEvents.showCreateTable(source, table);
            } catch (java.sql.SQLException e) {
                org.slf4j.LoggerFactory.getLogger(StreamStart.class).warn(
                        "Cannot read the definition of {} for its 'snapshot complete' record: {}", table, e.getMessage());
                return null;
            }
        });
    }

    /** Whether {@code taskProps} are a copy task's. */
    public static boolean isCopyTask(Map<String, String> taskProps) {
        return TaskAssignment.ROLE_COPY.equals(taskProps.get(TaskAssignment.ROLE));
    }

    /**
     * The stream start of a streaming task after a chunked copy, or null for a task of another
     * kind; {@code createTable} gives a table's CREATE TABLE (null when unknown) for its "complete" record.
     */
    static StreamStart of(Map<String, String> taskProps, java.util.function.Function<TableId, String> createTable) {
        if (!isStreamTask(taskProps)) {
            return null;
        }
        String prefix = taskProps.getOrDefault("topic.prefix", "");
        SnapshotPlan plan = SnapshotPlan.unpack(taskProps.get(TaskAssignment.PLAN));
        List<SourceRecord> records = new ArrayList<>();
        String complete = taskProps.get(TaskAssignment.COMPLETE_TABLES);
        if (complete != null) {
            Map<String, String> partition = ChunkOffsets.planPartition(prefix);
            Map<String, Object> offset = ChunkOffsets.planOffset(plan.packHeader(), false);
            if (Boolean.parseBoolean(taskProps.get(TaskAssignment.DDL_COPIES)) && !complete.isEmpty()) {
                for (String name : Packed.unpack(complete)) {
                    TableId table = TableId.parse(name);
                    records.add(ProgressRecords.tableComplete(prefix + "." + table.database() + "." + table.table(), table,
                            plan.id(), createTable.apply(table), partition, offset));
                }
            }
            records.add(new ProgressRecords(taskProps.get(TaskAssignment.PROGRESS_TOPIC), prefix)
                    .copied(plan.packHeader(), plan.id()));
        }
        return new StreamStart(plan.position(), Boolean.parseBoolean(taskProps.get(TaskAssignment.STREAM)), records);
    }

    public StartPosition position() {
        return position;
    }

    /** Whether the binlog is streamed after the copy (incremental migration), or nothing follows it. */
    public boolean streams() {
        return streams;
    }

    /** The records to write before any streamed change (empty when a previous run wrote them). */
    public List<SourceRecord> records() {
        return records;
    }
}
