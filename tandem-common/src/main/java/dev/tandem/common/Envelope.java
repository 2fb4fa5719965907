package dev.tandem.common;

/**
 * Field names of the Debezium change-event envelope that Tandem's plugins read and write, and of
 * the other records of change topics: schema changes and transaction events ({@link ChangeRecords}).
 */
public final class Envelope {

    public static final String BEFORE = "before";
    public static final String AFTER = "after";
    public static final String SOURCE = "source";
    public static final String OP = "op";
    public static final String TS_MS = "ts_ms";
    public static final String TRANSACTION = "transaction";

    /** Fields of the {@code source} block. */
    public static final String SOURCE_DB = "db";
    public static final String SOURCE_TABLE = "table";
    public static final String SOURCE_TS_MS = "ts_ms";
    public static final String SOURCE_SNAPSHOT = "snapshot";

    /** Values of {@code op}. */
    public static final String OP_READ = "r";
    public static final String OP_CREATE = "c";
    public static final String OP_UPDATE = "u";
    public static final String OP_DELETE = "d";
    public static final String OP_TRUNCATE = "t";

    /** The field ExtractNewRecordState adds with delete.handling.mode=rewrite. */
    public static final String FLAT_DELETED = "__deleted";

    /** Schema parameters Debezium adds with column.propagate.source.type. */
    public static final String SOURCE_COLUMN_TYPE = "__debezium.source.column.type";
    public static final String SOURCE_COLUMN_LENGTH = "__debezium.source.column.length";
    public static final String SOURCE_COLUMN_SCALE = "__debezium.source.column.scale";

    /** Fields of a schema-change event. */
    public static final String DDL = "ddl";
    public static final String DATABASE_NAME = "databaseName";
    public static final String TABLE_CHANGES = "tableChanges";

    /** Fields of a transaction metadata event (BEGIN or END), and of an envelope's {@code transaction} block. */
    public static final String TX_STATUS = "status";
    public static final String TX_ID = "id";
    public static final String TX_END = "END";
    public static final String TX_DATA_COLLECTIONS = "data_collections";
    public static final String TX_DATA_COLLECTION = "data_collection";
    public static final String TX_EVENT_COUNT = "event_count";
    public static final String TX_ORDER = "data_collection_order";

    private Envelope() {
    }
}
