package dev.tandem.sink.apply;

import dev.tandem.common.Envelope;
import dev.tandem.common.select.TableId;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * One change to apply, whatever shape it came in (Debezium envelope, flattened row, tombstone):
 * the destination table, the key, and the row to upsert, or none for a delete; {@code op} the
 * envelope's operation (null for flattened rows and tombstones). A change of a table without a
 * key has no key and, for updates and deletes, the row as it was ({@code before}), which
 * identifies the row to change.
 */
public record ChangeRecord(SinkRecord source, TableId table, Struct key, Struct row, Struct before, String op,
                           long sourceTimestampMs, String origin) {

    /** A change of a keyed table (the usual case): the key identifies the row. */
    public ChangeRecord(SinkRecord source, TableId table, Struct key, Struct row, String op, long sourceTimestampMs,
                        String origin) {
        this(source, table, key, row, null, op, sourceTimestampMs, origin);
    }

    /** A change of a table without a key: applied in order, matched by its whole before image. */
    public boolean keyless() {
        return key == null;
    }

    /** A snapshot read (op r). */
    public boolean snapshot() {
        return Envelope.OP_READ.equals(op);
    }

    /** Read or inserted by the source (op r or c): probably new to the destination. */
    public boolean created() {
        return Envelope.OP_READ.equals(op) || Envelope.OP_CREATE.equals(op);
    }

    public boolean isDelete() {
        return row == null;
    }

    /** The key's schema, or null for a table without a key. */
    public Schema keySchema() {
        return key == null ? null : key.schema();
    }

    /** The key's values in key-field order: what identifies the row, for reduction and deletes. */
    public List<Object> keyValues() {
        List<Object> values = new ArrayList<>();
        for (var f : key.schema().fields()) {
            Object v = key.get(f);
            values.add(v instanceof byte[] b ? java.nio.ByteBuffer.wrap(b) : v);
        }
        return values;
    }

    /** Where the record came from, for error messages and the dead-letter queue. */
    public String describe() {
        return source.topic() + "-" + source.kafkaPartition() + "@" + source.kafkaOffset() + " (table " + table
                + (key != null ? ", key " + key : ", no key, row " + (before != null ? before : row)) + ")";
    }
}
