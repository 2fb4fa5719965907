package dev.tandem.source.core.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the connector hands one task of a chunked full migration in its task config: the plan's
 * header and the tables of the task's chunks (a sub-plan), the chunks themselves, and how to
 * copy them; or, once everything is copied, the streaming role with the plan's position.
 */
record TaskAssignment(SnapshotPlan plan, List<Chunk> chunks, String progressTopic, boolean ddlCopies, long rowsPerSecond) {

    /** Task-config key: "copy" (read chunks) or "stream" (after the copy). Absent: Debezium alone. */
    static final String ROLE = "tandem.snapshot.role";
    static final String ROLE_COPY = "copy";
    static final String ROLE_STREAM = "stream";
    static final String PLAN = "tandem.snapshot.plan";
    static final String CHUNKS = "tandem.snapshot.chunks";
    static final String PROGRESS_TOPIC = "tandem.snapshot.progress.topic";
    static final String DDL_COPIES = "tandem.snapshot.ddl.copies";
    static final String ROWS_PER_SECOND = "tandem.snapshot.rows.per.second";
    /** Stream role: tables whose "snapshot complete" record is still to be written (packed), and whether to stream. */
    static final String COMPLETE_TABLES = "tandem.snapshot.complete.tables";
    static final String STREAM = "tandem.snapshot.stream";

    static TaskAssignment from(Map<String, String> props) {
        SnapshotPlan plan = SnapshotPlan.unpack(props.get(PLAN));
        Map<String, Chunk> byId = new HashMap<>();
        plan.tables().forEach(t -> t.chunks().forEach(c -> byId.put(c.id(), c)));
        List<Chunk> chunks = new ArrayList<>();
        String packed = props.getOrDefault(CHUNKS, "");
        if (!packed.isEmpty()) {
            for (String id : Packed.unpack(packed)) {
                Chunk c = byId.get(id);
                if (c == null) {
                    throw new IllegalArgumentException("chunk " + id + " is not in the task's plan " + plan.id());
                }
                chunks.add(c);
            }
        }
        return new TaskAssignment(plan, chunks, props.get(PROGRESS_TOPIC), Boolean.parseBoolean(props.get(DDL_COPIES)),
                Long.parseLong(props.getOrDefault(ROWS_PER_SECOND, "0")));
    }

    /** The copy tasks' configs: the chunks still to copy dealt out in turn to at most {@code tasks} tasks. */
    static List<Map<String, String>> copyTasks(Map<String, String> base, SnapshotPlan plan, List<Chunk> remaining, int tasks,
                                               String progressTopic, boolean ddlCopies, long rowsPerSecondTotal) {
        int count = Math.max(1, Math.min(tasks, remaining.size()));
        List<List<Chunk>> dealt = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            dealt.add(new ArrayList<>());
        }
        for (int i = 0; i < remaining.size(); i++) {
            dealt.get(i % count).add(remaining.get(i));
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (List<Chunk> mine : dealt) {
            Map<String, String> c = new HashMap<>(base);
            c.put(ROLE, ROLE_COPY);
            c.put(PLAN, subPlan(plan, mine).pack());
            c.put(CHUNKS, Packed.pack(mine.stream().map(Chunk::id).toList()));
            c.put(PROGRESS_TOPIC, progressTopic);
            c.put(DDL_COPIES, Boolean.toString(ddlCopies));
            c.put(ROWS_PER_SECOND, Long.toString(rowsPerSecondTotal <= 0 ? 0 : Math.max(1, rowsPerSecondTotal / count)));
            configs.add(c);
        }
        return configs;
    }

    /** The plan's header with only the tables of {@code chunks} (each with all of its chunks, as the plan records need). */
    private static SnapshotPlan subPlan(SnapshotPlan plan, List<Chunk> chunks) {
        Map<String, TablePlan> tables = new LinkedHashMap<>();
        for (Chunk c : chunks) {
            tables.computeIfAbsent(c.table().toString(), t -> plan.table(c.table()));
        }
        return plan.withTables(new ArrayList<>(tables.values()));
    }
}
