package dev.tandem.source.core.snapshot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the full migration keeps its state in Connect's source offsets, next to Debezium's
 * ({@code {"server": prefix}}): the plan's header (id, binlog position, tables), each table's
 * chunk bounds, and each chunk's completion. The rows of a chunk carry the chunk's partition with
 * an "in progress" offset and the chunk's completion record the "done" one; Connect commits a
 * partition's offset only once every record before it is acknowledged, so a chunk counts as done
 * only when all its rows are in Kafka.
 */
final class ChunkOffsets {

    static final String SERVER = "server";
    static final String SNAPSHOT = "tandem.snapshot";
    static final String TABLE = "table";
    static final String CHUNK = "chunk";

    static final String PLAN = "plan";
    static final String PHASE = "phase";
    static final String PHASE_STREAMING = "streaming";
    static final String CHUNKS = "chunks";
    static final String DONE = "done";
    static final String ROWS = "rows";

    /** The offset of every row of a chunk being read: one shared map, as it says the same for each. */
    static final Map<String, Object> IN_PROGRESS = Map.of(DONE, false);

    private ChunkOffsets() {
    }

    /*
     * Connect finds a stored offset by the serialized bytes of its partition, and JSON serializes a
     * map in its iteration order: partitions are built in one fixed order (Map.of's order changes
     * from one JVM to the next, so a restarted worker would not find what the previous one stored).
     */
    private static Map<String, String> partition(String... keysAndValues) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(p);
    }

    static Map<String, String> planPartition(String prefix) {
        return partition(SERVER, prefix, SNAPSHOT, PLAN);
    }

    static Map<String, Object> planOffset(String packedHeader, boolean streaming) {
        return streaming ? Map.of(PLAN, packedHeader, PHASE, PHASE_STREAMING) : Map.of(PLAN, packedHeader);
    }

    static Map<String, String> tablePartition(String prefix, String planId, String table) {
        return partition(SERVER, prefix, SNAPSHOT, planId, TABLE, table);
    }

    static Map<String, Object> tableOffset(TablePlan plan) {
        return Map.of(CHUNKS, plan.pack());
    }

    static Map<String, String> chunkPartition(String prefix, String planId, Chunk chunk) {
        return partition(SERVER, prefix, SNAPSHOT, planId, CHUNK, chunk.id());
    }

    static Map<String, Object> chunkDone(long rows) {
        return Map.of(DONE, true, ROWS, rows);
    }

    static boolean isDone(Map<String, Object> offset) {
        return offset != null && Boolean.TRUE.equals(offset.get(DONE));
    }

    static long rows(Map<String, Object> offset) {
        return offset != null && offset.get(ROWS) instanceof Number n ? n.longValue() : 0;
    }
}
