package dev.tandem.sink.apply;

import dev.tandem.common.Envelope;
import dev.tandem.common.TandemHeaders;
import dev.tandem.common.select.TableId;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads a sink record into a {@link ChangeRecord}: Debezium envelopes ({@code op} with
 * {@code before}/{@code after}), flattened rows (ExtractNewRecordState, with {@code __deleted}
 * when deletes are rewritten) and tombstones (a delete by key). A record it cannot read raises a
 * {@link DataException} saying why, for the dead-letter queue.
 */
public final class RecordReader {

    /** Bounds of the caches below: more distinct tables or row schemas than this clear them. */
    private static final int CACHE_LIMIT = 10_000;

    private final String tableFormat;
    private final String defaultOrigin;
    /** Destination tables by source database, table and topic: the format is applied once per table. */
    private final Map<String, TableId> tables = new HashMap<>();
    /** Flattened row schemas without their {@code __deleted} field, built once per schema. */
    private final Map<Schema, Schema> withoutDeleted = new HashMap<>();

    public RecordReader(String tableFormat, String defaultOrigin) {
        this.tableFormat = tableFormat;
        this.defaultOrigin = defaultOrigin;
    }

    /** The change the record carries, or null for a tombstone without a key (it names no row). */
    public ChangeRecord read(SinkRecord record) {
        if (record.key() == null) {
            return readKeyless(record);
        }
        if (!(record.key() instanceof Struct key)) {
            throw new DataException("record " + where(record) + " has no struct key: the sink writes by primary key, so the "
                    + "source table needs a primary key (or set message.key.columns on the source)");
        }
        String origin = origin(record);
        Object value = record.value();
        if (value == null) {
            return new ChangeRecord(record, table(record, null), key, null, null, timestamp(record, null), origin);
        }
        if (!(value instanceof Struct struct)) {
            throw new DataException("record " + where(record) + " has a " + value.getClass().getSimpleName()
                    + " value; the sink needs structured values (a converter with schemas, e.g. JsonConverter with "
                    + "schemas.enable=true, or Avro)");
        }
        Schema schema = struct.schema();
        if (schema.field(Envelope.OP) != null && schema.field(Envelope.AFTER) != null) {
            return readEnvelope(record, key, struct, origin);
        }
        Field deleted = schema.field(Envelope.FLAT_DELETED);
        boolean isDelete = deleted != null && "true".equalsIgnoreCase(String.valueOf(struct.get(deleted)));
        Struct row = isDelete ? null : withoutField(struct, Envelope.FLAT_DELETED);
        return new ChangeRecord(record, table(record, null), key, row, null, timestamp(record, null), origin);
    }

    /**
     * A change of a table without a key (the source sends those without one): inserts carry the
     * new row, updates and deletes the old one too, to find the row by.
     */
    private ChangeRecord readKeyless(SinkRecord record) {
        if (record.value() == null) {
            return null;
        }
        if (!(record.value() instanceof Struct envelope) || envelope.schema().field(Envelope.OP) == null
                || envelope.schema().field(Envelope.BEFORE) == null) {
            throw new DataException("record " + where(record) + " has no key and is not a change event with a before "
                    + "image: the sink applies changes of tables without a key from Debezium envelopes only (the row as it "
                    + "was identifies the row to change); do not flatten them, or give the table a key");
        }
        String op = envelope.getString(Envelope.OP);
        Struct source = envelope.schema().field(Envelope.SOURCE) == null ? null : envelope.getStruct(Envelope.SOURCE);
        TableId table = table(record, source);
        Struct before = envelope.getStruct(Envelope.BEFORE);
        Struct after = envelope.getStruct(Envelope.AFTER);
        boolean needsBefore = Envelope.OP_UPDATE.equals(op) || Envelope.OP_DELETE.equals(op);
        boolean needsAfter = !Envelope.OP_DELETE.equals(op);
        if ((needsBefore && before == null) || (needsAfter && after == null)) {
            throw new DataException("record " + where(record) + " (op=" + op + ") of a table without a key lacks its "
                    + (needsBefore && before == null ? "'before'" : "'after'") + " row: the source must log full rows "
                    + "(binlog_row_image=FULL)");
        }
        if (!Envelope.OP_CREATE.equals(op) && !Envelope.OP_READ.equals(op) && !Envelope.OP_UPDATE.equals(op)
                && !Envelope.OP_DELETE.equals(op)) {
            throw new DataException("record " + where(record) + " has op='" + op + "', which the sink does not apply");
        }
        return new ChangeRecord(record, table, null, needsAfter ? after : null, before, op, timestamp(record, envelope),
                origin(record));
    }

    private ChangeRecord readEnvelope(SinkRecord record, Struct key, Struct envelope, String origin) {
        String op = envelope.getString(Envelope.OP);
        Struct source = envelope.schema().field(Envelope.SOURCE) == null ? null : envelope.getStruct(Envelope.SOURCE);
        TableId table = table(record, source);
        long ts = timestamp(record, envelope);
        return switch (op) {
            case Envelope.OP_CREATE, Envelope.OP_UPDATE, Envelope.OP_READ -> {
                Struct after = envelope.getStruct(Envelope.AFTER);
                if (after == null) {
                    throw new DataException("record " + where(record) + " (op=" + op + ") has no 'after' row");
                }
                yield new ChangeRecord(record, table, key, after, before(envelope), op, ts, origin);
            }
            case Envelope.OP_DELETE -> new ChangeRecord(record, table, key, null, before(envelope), op, ts, origin);
            default -> throw new DataException("record " + where(record) + " has op='" + op + "', which the sink does not "
                    + "apply (truncates are not replicated; skip them on the source with skipped.operations=t)");
        };
    }

    /** The envelope's before image (null for inserts and snapshot reads): what conflict detection compares with. */
    private static Struct before(Struct envelope) {
        return envelope.schema().field(Envelope.BEFORE) == null ? null : envelope.getStruct(Envelope.BEFORE);
    }

    /** The record's origin: its tandem.origin header, else the configured source region. */
    public String origin(SinkRecord record) {
        Header h = record.headers().lastWithName(TandemHeaders.ORIGIN);
        return h == null || h.value() == null ? defaultOrigin : h.value().toString();
    }

    private static long timestamp(SinkRecord record, Struct envelope) {
        if (envelope != null) {
            Struct source = envelope.schema().field(Envelope.SOURCE) == null ? null : envelope.getStruct(Envelope.SOURCE);
            if (source != null && source.schema().field(Envelope.SOURCE_TS_MS) != null && source.get(Envelope.SOURCE_TS_MS) != null) {
                return source.getInt64(Envelope.SOURCE_TS_MS);
            }
        }
        return record.timestamp() == null ? -1 : record.timestamp();
    }

    /** The destination of a source table as records of {@code topic} name it. */
    public TableId destination(String db, String table, String topic) {
        return TableId.parse(tableFormat.replace("${db}", db).replace("${table}", table).replace("${topic}", topic));
    }

    /** The destination table from the format: ${db}/${table} from the source block or the topic's last two segments. */
    TableId table(SinkRecord record, Struct source) {
        String db;
        String table;
        if (source != null && source.schema().field(Envelope.SOURCE_DB) != null && source.get(Envelope.SOURCE_DB) != null
                && source.schema().field(Envelope.SOURCE_TABLE) != null && source.get(Envelope.SOURCE_TABLE) != null) {
            db = source.getString(Envelope.SOURCE_DB);
            table = source.getString(Envelope.SOURCE_TABLE);
        } else {
            String[] parts = record.topic().split("\\.");
            if (parts.length < 2 && (tableFormat.contains("${db}") || tableFormat.contains("${table}"))) {
                throw new DataException("topic '" + record.topic() + "' does not end in <database>.<table> and the record has no "
                        + "source block: set tandem.table.name.format without ${db}/${table}");
            }
            db = parts.length >= 2 ? parts[parts.length - 2] : "";
            table = parts[parts.length - 1];
        }
        String cacheKey = db + '\u0000' + table + '\u0000' + record.topic();
        TableId id = tables.get(cacheKey);
        if (id == null) {
            id = TableId.parse(tableFormat.replace("${db}", db).replace("${table}", table).replace("${topic}", record.topic()));
            if (tables.size() >= CACHE_LIMIT) {
                tables.clear();
            }
            tables.put(cacheKey, id);
        }
        return id;
    }

    private Struct withoutField(Struct struct, String field) {
        if (struct.schema().field(field) == null) {
            return struct;
        }
        Schema schema = withoutDeleted.get(struct.schema());
        if (schema == null) {
            SchemaBuilder b = SchemaBuilder.struct().name(struct.schema().name());
            for (Field f : struct.schema().fields()) {
                if (!f.name().equals(field)) {
                    b.field(f.name(), f.schema());
                }
            }
            schema = b.build();
            if (withoutDeleted.size() >= CACHE_LIMIT) {
                withoutDeleted.clear();
            }
            withoutDeleted.put(struct.schema(), schema);
        }
        Struct out = new Struct(schema);
        for (Field f : schema.fields()) {
            out.put(f.name(), struct.get(f.name()));
        }
        return out;
    }

    private static String where(SinkRecord r) {
        return r.topic() + "-" + r.kafkaPartition() + "@" + r.kafkaOffset();
    }
}
