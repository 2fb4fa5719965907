package dev.tandem.source.core.snapshot;

import dev.tandem.common.select.TableId;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.Map;

/**
 * The records of the full migration's progress topic (default {@code __tandem-snapshot.<prefix>}):
 * the plan, each table's chunks, each chunk done with its row count, and the end of the copy.
 * They carry the migration's offsets, and show a user (or a test) how the copy went. A table's
 * topic gets one record too when its copy is complete, so a sink can add held-back indexes.
 */
final class ProgressRecords {

    // The schema names are part of the topics' format (Avro subjects, sinks that match them): they keep the
    // package the classes had when these records were first written.
    static final Schema VALUE = SchemaBuilder.struct().name("dev.tandem.source.snapshot.Progress")
            .doc("A step of a Tandem full migration")
            .field("event", Schema.STRING_SCHEMA)
            .field("plan", Schema.STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("chunk", Schema.OPTIONAL_INT32_SCHEMA)
            .field("chunks", Schema.OPTIONAL_INT32_SCHEMA)
            .field("rows", Schema.OPTIONAL_INT64_SCHEMA)
            .field("detail", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    static final Schema TABLE_COMPLETE = SchemaBuilder.struct().name("dev.tandem.source.snapshot.TableSnapshotComplete")
            .doc("Every snapshot row of the table is in this topic before this record")
            .field("database", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("plan", Schema.STRING_SCHEMA)
            .field("ddl", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    private final String topic;
    private final String prefix;

    ProgressRecords(String topic, String prefix) {
        this.topic = topic;
        this.prefix = prefix;
    }

    SourceRecord plan(SnapshotPlan plan) {
        Struct v = value("plan", plan.id()).put("chunks", plan.chunkCount())
                .put("detail", "binlog position " + plan.position() + "; tables " + plan.tables().size());
        return record(ChunkOffsets.planPartition(prefix), ChunkOffsets.planOffset(plan.packHeader(), false), plan.id(), v);
    }

    SourceRecord table(String planId, TablePlan table) {
        Struct v = value("table", planId).put("table", table.table().toString()).put("chunks", table.chunks().size())
                .put("rows", table.estimatedRows())
                .put("detail", table.keyColumns().isEmpty() ? "no usable key: read whole" : "key " + table.keyColumns());
        return record(ChunkOffsets.tablePartition(prefix, planId, table.table().toString()), ChunkOffsets.tableOffset(table),
                planId + "/" + table.table(), v);
    }

    SourceRecord chunkDone(String planId, Chunk chunk, long rows) {
        Struct v = value("chunk", planId).put("table", chunk.table().toString()).put("chunk", chunk.index()).put("rows", rows)
                .put("detail", KeyValues.describe(chunk.lower()) + ".." + KeyValues.describe(chunk.upper()));
        return record(ChunkOffsets.chunkPartition(prefix, planId, chunk), ChunkOffsets.chunkDone(rows), planId + "/" + chunk.id(), v);
    }

    SourceRecord copied(String packedHeader, String planId) {
        return record(ChunkOffsets.planPartition(prefix), ChunkOffsets.planOffset(packedHeader, true), planId,
                value("copied", planId).put("detail", "every chunk is in Kafka; streaming from the plan's binlog position"));
    }

    /**
     * The record in a table's topic (partition 0, as its DDL) after all of its snapshot rows, with
     * the table's CREATE TABLE, so a sink that lost the indexes it held back (a restart) can add them.
     */
    static SourceRecord tableComplete(String tableTopic, TableId table, String planId, String createTable,
                                      Map<String, ?> partition, Map<String, ?> offset) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(dev.tandem.common.TandemHeaders.SNAPSHOT_COMPLETE, table.toString());
        Struct v = new Struct(TABLE_COMPLETE).put("database", table.database()).put("table", table.table()).put("plan", planId)
                .put("ddl", createTable);
        return new SourceRecord(partition, offset, tableTopic, 0, null, null, TABLE_COMPLETE, v, null, headers);
    }

    private static Struct value(String event, String planId) {
        return new Struct(VALUE).put("event", event).put("plan", planId);
    }

    private SourceRecord record(Map<String, ?> partition, Map<String, ?> offset, String key, Struct value) {
        return new SourceRecord(partition, offset, topic, 0, Schema.STRING_SCHEMA, key, VALUE, value);
    }
}
