package dev.tandem.tidb.cdc;

import dev.tandem.common.select.TableId;
import dev.tandem.source.core.DdlCopies;
import dev.tandem.source.core.snapshot.SnapshotEvents;
import io.debezium.data.Envelope.Operation;
import io.debezium.pipeline.txmetadata.DefaultTransactionStructMaker;
import io.debezium.relational.Column;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the records of one TiCDC transaction as Debezium's MySQL connector writes a binlog
 * transaction with {@code provide.transaction.metadata=true}: BEGIN on the transaction topic, each
 * row change in its table's topic with a {@code transaction} block (id = the commit ts), END with
 * the per-table event counts; a DDL becomes a schema change event (and its copy in the table's
 * topic when asked). Envelopes come from Debezium's own schemas and value converters for the table
 * as its DDL defines it, so they equal those of a MySQL source with the same table.
 */
public final class ChangeEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeEvents.class);

    private final String prefix;
    private final SnapshotEvents events;
    private final ColumnValues values;
    private final boolean ddlTableTopics;
    private final Map<String, String> partition;
    private final DefaultTransactionStructMaker tx;
    private final Map<TableId, SnapshotEvents.Shape> shapes = new HashMap<>();

    public ChangeEvents(String prefix, SnapshotEvents events, ColumnValues values, boolean ddlTableTopics,
                        Map<String, String> debeziumProps) {
        this.prefix = prefix;
        this.events = events;
        this.values = values;
        this.ddlTableTopics = ddlTableTopics;
        this.partition = Map.of("server", prefix);
        this.tx = new DefaultTransactionStructMaker(io.debezium.config.Configuration.from(debeziumProps));
    }

    /** The source partition of every record. */
    public Map<String, String> partition() {
        return partition;
    }

    /** Registers a table's definition (as of the stream's start; DDL events update it). */
    public void table(SnapshotEvents.Shape shape) {
        shapes.put(shape.id(), shape);
    }

    /**
     * The records of one transaction's events (same commit ts, in emission order); every record
     * carries {@code offset} but the last, which carries {@code endOffset}.
     */
    public List<SourceRecord> transaction(List<CdcEvent> txn, Map<String, ?> offset, Map<String, ?> endOffset) {
        List<SourceRecord> out = new ArrayList<>();
        long commitTs = txn.get(0).commitTs();
        Instant time = Instant.ofEpochMilli(CdcEvent.physicalMillis(commitTs));
        String id = Long.toUnsignedString(commitTs);
        List<SourceRecord> rows = new ArrayList<>();
        Map<String, Long> perTable = new LinkedHashMap<>();
        long order = 0;
        for (int i = 0; i < txn.size(); i++) {
            CdcEvent e = txn.get(i);
            if (e.kind() == CdcEvent.Kind.DDL) {
                out.addAll(flush(rows, perTable, id, time, offset));
                rows.clear();
                perTable.clear();
                out.addAll(ddl(e, commitTs, time, i == txn.size() - 1 ? endOffset : offset));
                continue;
            }
            SnapshotEvents.Shape shape = shape(e.table());
            if (shape == null) {
                continue; // not captured
            }
            long tableOrder = perTable.merge(e.table().toString(), 1L, Long::sum);
            order++;
            Struct block = new Struct(tx.getTransactionBlockSchema())
                    .put("id", id).put("total_order", order).put("data_collection_order", tableOrder);
            rows.addAll(changeRecords(shape, e, commitTs, time, block, offset));
        }
        out.addAll(flush(rows, perTable, id, time, endOffset));
        return out;
    }

    /** BEGIN, the transaction's change records, END; nothing when it had no change records. */
    private List<SourceRecord> flush(List<SourceRecord> rows, Map<String, Long> perTable, String id, Instant time,
                                     Map<String, ?> endOffset) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<SourceRecord> out = new ArrayList<>(rows.size() + 2);
        Schema keySchema = tx.getTransactionKeySchema();
        Schema valueSchema = tx.getTransactionValueSchema();
        Struct key = new Struct(keySchema).put("id", id);
        Struct begin = new Struct(valueSchema).put("status", "BEGIN").put("id", id).put("ts_ms", time.toEpochMilli());
        out.add(new SourceRecord(partition, rows.get(0).sourceOffset(), events.transactionTopic(), null, keySchema, key,
                valueSchema, begin));
        out.addAll(rows);
        List<Struct> collections = new ArrayList<>();
        long total = 0;
        for (var e : perTable.entrySet()) {
            collections.add(new Struct(tx.getEventCountPerDataCollectionSchema()).put("data_collection", e.getKey())
                    .put("event_count", e.getValue()));
            total += e.getValue();
        }
        Struct end = new Struct(valueSchema).put("status", "END").put("id", id).put("ts_ms", time.toEpochMilli())
                .put("event_count", total).put("data_collections", collections);
        out.add(new SourceRecord(partition, endOffset, events.transactionTopic(), null, keySchema, key, valueSchema, end));
        return out;
    }

    private List<SourceRecord> changeRecords(SnapshotEvents.Shape shape, CdcEvent e, long commitTs, Instant time,
                                             Struct block, Map<String, ?> offset) {
        Object[] before = e.before() == null ? null : row(shape, e.before(), e, commitTs);
        Object[] after = e.after() == null ? null : row(shape, e.after(), e, commitTs);
        Struct source = events.source(shape.id(), "", commitTs, time, false);
        List<SourceRecord> out = new ArrayList<>(3);
        switch (e.op()) {
            case "c" -> out.add(events.change(shape, Operation.CREATE, null, after, source, block, partition, offset));
            case "d" -> {
                SourceRecord delete = events.change(shape, Operation.DELETE, before, null, source, block, partition, offset);
                out.add(delete);
                out.add(SnapshotEvents.tombstone(delete));
            }
            default -> {
                Object keyBefore = shape.schema().keyFromColumnData(before);
                Object keyAfter = shape.schema().keyFromColumnData(after);
                if (Objects.equals(keyBefore, keyAfter)) {
                    out.add(events.change(shape, Operation.UPDATE, before, after, source, block, partition, offset));
                } else {
                    // As Debezium: a change of the key is a delete of the old key, its tombstone, a create of the new one.
                    SourceRecord delete = events.change(shape, Operation.DELETE, before, null, source, block, partition,
                            offset);
                    out.add(delete);
                    out.add(SnapshotEvents.tombstone(delete));
                    out.add(events.change(shape, Operation.CREATE, null, after, source, block, partition, offset));
                }
            }
        }
        return out;
    }

    private Object[] row(SnapshotEvents.Shape shape, Map<String, Object> columns, CdcEvent e, long commitTs) {
        List<Column> cols = shape.table().columns();
        Object[] row = new Object[cols.size()];
        int matched = 0;
        for (int i = 0; i < cols.size(); i++) {
            Column c = cols.get(i);
            if (columns.containsKey(c.name())) {
                matched++;
                try {
                    row[i] = values.convert(c, columns.get(c.name()));
                } catch (IllegalArgumentException ex) {
                    throw new ConnectException("TiCDC " + e.op() + " event of " + e.table() + " at commit ts " + commitTs
                            + ": " + ex.getMessage(), ex);
                }
            }
        }
        if (matched != columns.size()) {
            List<String> unknown = columns.keySet().stream().filter(n -> shape.table().columnWithName(n) == null).toList();
            throw new ConnectException("TiCDC " + e.op() + " event of " + e.table() + " at commit ts " + commitTs
                    + " has column(s) " + unknown + " that the table's known definition lacks "
                    + shape.table().retrieveColumnNames() + ": a DDL event is missing from the stream, or the stream "
                    + "started from a definition newer than its first change");
        }
        return row;
    }

    private SnapshotEvents.Shape shape(TableId table) {
        SnapshotEvents.Shape shape = shapes.get(table);
        if (shape != null) {
            return shape;
        }
        if (!events.captures(table)) {
            return null;
        }
        try {
            shape = events.shape(table);
        } catch (SQLException ex) {
            throw new ConnectException("Cannot read the definition of " + table + " from TiDB: " + ex.getMessage(), ex);
        }
        if (shape == null) {
            throw new ConnectException("A change of " + table + " arrived, but the table neither exists in TiDB nor was "
                    + "created by a DDL event of the stream");
        }
        LOG.warn("Table {} appeared in the stream without a CREATE TABLE event; its current definition is used", table);
        shapes.put(table, shape);
        return shape;
    }

    /** The schema change event of a DDL, and its copy in the table's topic when asked for. */
    private List<SourceRecord> ddl(CdcEvent e, long commitTs, Instant time, Map<String, ?> offset) {
        SnapshotEvents.DdlEffect effect = events.applyDdl(e.table().database(), e.ddl());
        effect.changed().forEach(s -> shapes.put(s.id(), s));
        effect.dropped().forEach(shapes::remove);
        String table = e.table().table();
        if ((table == null || table.isEmpty()) && !effect.changed().isEmpty()) {
            table = effect.changed().get(0).id().table();
        }
        TableId scope = new TableId(e.table().database(), table == null ? "" : table);
        if (!scope.table().isEmpty() && !events.captures(scope)) {
            return List.of();
        }
        Struct source = events.source(scope, "", commitTs, time, false);
        SourceRecord change = events.schemaChange(e.table().database(), e.ddl(), effect.changes(), source, partition, offset);
        List<SourceRecord> out = new ArrayList<>(List.of(change));
        if (ddlTableTopics) {
            out.addAll(DdlCopies.copiesOf(change, prefix, events::captures));
        }
        LOG.info("DDL at commit ts {} in {}: {}", commitTs, e.table().database(), e.ddl());
        return out;
    }
}
