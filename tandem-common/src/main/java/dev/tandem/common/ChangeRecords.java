package dev.tandem.common;

import dev.tandem.common.select.TableId;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Struct;

import java.util.Map;

/**
 * What a record of a change topic is, and which table it is about: one answer for every plugin
 * (sources, sink, transforms). Works on Struct values (a converter with schemas) and Map values
 * (JSON without schemas) alike. A row change is Debezium's envelope ({@code op}, {@code before},
 * {@code after}, {@code source}); a schema change carries {@code ddl} and no {@code op}; a
 * transaction's BEGIN or END carries {@code status} and {@code id}; Tandem's own markers travel
 * as headers ({@link TandemHeaders}).
 */
public final class ChangeRecords {

    /** What a record is. */
    public enum Kind {
        /** A row's change: Debezium's envelope, with {@code op}. */
        ROW_CHANGE,
        /** A schema change: its DDL statement, no {@code op}. */
        SCHEMA_CHANGE,
        /** A BEGIN or END of a transaction topic. */
        TRANSACTION,
        /** A table's copy is complete (header {@link TandemHeaders#SNAPSHOT_COMPLETE}): every copied row is before it. */
        SNAPSHOT_COMPLETE,
        /** The source stopped on something it cannot go past (header {@link TandemHeaders#SOURCE_STOPPED}). */
        SOURCE_STOPPED,
        /** No value: the tombstone after a delete. */
        TOMBSTONE,
        /** Anything else: a flattened row, say. */
        OTHER
    }

    private ChangeRecords() {
    }

    /** What {@code record} is: Tandem's markers by their headers, the rest by the value's fields. */
    public static Kind kind(ConnectRecord<?> record) {
        if (record.headers().lastWithName(TandemHeaders.SOURCE_STOPPED) != null) {
            return Kind.SOURCE_STOPPED;
        }
        if (record.headers().lastWithName(TandemHeaders.SNAPSHOT_COMPLETE) != null) {
            return Kind.SNAPSHOT_COMPLETE;
        }
        return kind(record.value());
    }

    /** What a record's value is, by its fields (Tandem's header markers aside). */
    public static Kind kind(Object value) {
        if (value == null) {
            return Kind.TOMBSTONE;
        }
        if (has(value, Envelope.OP)) {
            return Kind.ROW_CHANGE;
        }
        if (has(value, Envelope.DDL)) {
            return Kind.SCHEMA_CHANGE;
        }
        if (has(value, Envelope.TX_STATUS) && has(value, Envelope.TX_ID)) {
            return Kind.TRANSACTION;
        }
        return Kind.OTHER;
    }

    /** Whether a record is a schema change or a transaction's BEGIN or END: no row to filter, rename or tag. */
    public static boolean isMetadata(Object value) {
        Kind kind = kind(value);
        return kind == Kind.SCHEMA_CHANGE || kind == Kind.TRANSACTION;
    }

    /** Whether a transaction event is an END. */
    public static boolean isEnd(Object value) {
        return Envelope.TX_END.equals(get(value, Envelope.TX_STATUS));
    }

    /** The table a record is about: its {@code source} block's db and table, else the topic's last two parts; null when neither names one. */
    public static TableId table(Object value, String topic) {
        TableId table = sourceTable(value);
        return table != null ? table : TableId.ofTopic(topic);
    }

    /** The table a value's {@code source} block names (db and table both set), or null. */
    public static TableId sourceTable(Object value) {
        Object source = get(value, Envelope.SOURCE);
        Object db = get(source, Envelope.SOURCE_DB);
        Object table = get(source, Envelope.SOURCE_TABLE);
        return db == null || table == null ? null : new TableId(db.toString(), table.toString());
    }

    /** The DDL statement of a schema change, or null. */
    public static String ddl(Object value) {
        Object ddl = get(value, Envelope.DDL);
        return ddl == null ? null : ddl.toString();
    }

    /** The id of the source transaction a row change belongs to (its {@code transaction} block), or null. */
    public static String transactionId(Object value) {
        Object id = get(get(value, Envelope.TRANSACTION), Envelope.TX_ID);
        return id == null ? null : id.toString();
    }

    /** The {@code source.snapshot} marker of a row change ({@code true}, {@code last}, ...; {@code false} when streamed), or null. */
    public static String snapshotMarker(Object value) {
        Object marker = get(get(value, Envelope.SOURCE), Envelope.SOURCE_SNAPSHOT);
        return marker == null ? null : marker.toString();
    }

    /** Whether a record was read by a snapshot (its marker is set and not {@code false}). */
    public static boolean isSnapshot(Object value) {
        String marker = snapshotMarker(value);
        return marker != null && !"false".equals(marker);
    }

    /** Whether a row is the last a snapshot read of its table ({@code last}, {@code last_in_data_collection}). */
    public static boolean isLastSnapshotRow(Object value) {
        String marker = snapshotMarker(value);
        return "last".equals(marker) || "last_in_data_collection".equals(marker);
    }

    /** Whether a Struct or Map value has a field (null or not). */
    public static boolean has(Object value, String field) {
        if (value instanceof Struct s) {
            return s.schema().field(field) != null;
        }
        return value instanceof Map<?, ?> m && m.containsKey(field);
    }

    /** A field of a Struct or Map value; null when absent, null or the value is neither. */
    public static Object get(Object value, String field) {
        if (value instanceof Struct s) {
            return s.schema().field(field) == null ? null : s.get(field);
        }
        return value instanceof Map<?, ?> m ? m.get(field) : null;
    }
}
