package dev.tandem.smt.origin;

import dev.tandem.common.ChangeRecords;
import dev.tandem.common.CheckpointTable;
import dev.tandem.common.ConfigValidators;
import dev.tandem.common.DdlNames;
import dev.tandem.common.Envelope;
import dev.tandem.common.TandemHeaders;
import dev.tandem.common.select.TableId;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.transforms.Transformation;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Source-side SMT that sets the {@code tandem.origin} header: the region where a change was first
 * made. A transaction that begins with a row of the sink's checkpoint table was applied by a Tandem
 * sink, so its records get the origin named in that row; other records get this source's region.
 * The checkpoint rows themselves are not forwarded. A checkpoint row that announces a DDL gives
 * its origin to the next schema-change event with the same (normalised) statement. Transaction
 * boundaries come from Debezium's transaction metadata; state is per task and bounded.
 */
public class OriginTagger<R extends ConnectRecord<R>> implements Transformation<R> {

    public static final String OVERVIEW_DOC = "Sets the " + TandemHeaders.ORIGIN + " header of every change record: the "
            + "origin named by the checkpoint row that begins a transaction applied by a Tandem sink, otherwise this "
            + "source's region. Drops the checkpoint rows. Needs Debezium's transaction metadata "
            + "(provide.transaction.metadata=true) and the checkpoint table among the captured tables.";

    public static final String REGION = "region";
    public static final String CHECKPOINT_TABLE = "checkpoint.table";
    public static final String MAX_OPEN_TRANSACTIONS = "max.open.transactions";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(REGION, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigValidators.REGION, ConfigDef.Importance.HIGH,
                    "The region of the captured database: the origin of changes made there by applications.")
            .define(CHECKPOINT_TABLE, ConfigDef.Type.STRING, CheckpointTable.DEFAULT, ConfigValidators.QUALIFIED_TABLE,
                    ConfigDef.Importance.MEDIUM, "The sink's checkpoint table in the captured database, as database.table.")
            .define(MAX_OPEN_TRANSACTIONS, ConfigDef.Type.INT, 10_000, ConfigDef.Range.atLeast(1), ConfigDef.Importance.LOW,
                    "How many transactions' origins are remembered at once (a transaction is forgotten at its END event; "
                    + "the oldest are forgotten beyond this).");

    private static final int MAX_PENDING_DDL = 100;

    private String region;
    private TableId checkpoint;
    private int maxOpen;
    /** Origin of each open transaction that began with a checkpoint row, oldest first. */
    private Map<String, String> origins;
    /** DDL announced by checkpoint rows and not yet seen: normalised statement and origin, oldest first. */
    private final Deque<String[]> pendingDdl = new ArrayDeque<>();
    /** The last schema-change event's normalised DDL and origin, for its copy in the table's topic. */
    private String[] lastDdl;
    /** The origin and key of the last delete, for the tombstone that follows it. */
    private Object lastDeleteKey;
    private String lastDeleteOrigin;

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        region = config.getString(REGION).trim();
        if (region.isEmpty()) {
            throw new ConfigException(REGION, region, "the origin tagger needs this source's region, e.g. region=west");
        }
        checkpoint = CheckpointTable.parse(config.getString(CHECKPOINT_TABLE));
        maxOpen = config.getInt(MAX_OPEN_TRANSACTIONS);
        origins = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > maxOpen;
            }
        };
    }

    @Override
    public R apply(R record) {
        Object value = record.value();
        if (value == null) {
            String origin = Objects.equals(record.key(), lastDeleteKey) && lastDeleteOrigin != null ? lastDeleteOrigin : region;
            return tagged(record, origin);
        }
        if (!(value instanceof Struct struct)) {
            return tagged(record, region); // schemaless: no transaction metadata to read
        }
        ChangeRecords.Kind kind = ChangeRecords.kind(struct);
        if (kind == ChangeRecords.Kind.TRANSACTION) {
            if (ChangeRecords.isEnd(struct)) {
                origins.remove(struct.getString(Envelope.TX_ID));
            }
            return record; // a transaction metadata event: forwarded as it is
        }
        if (kind == ChangeRecords.Kind.SCHEMA_CHANGE) {
            String ddl = ChangeRecords.ddl(struct);
            if (record.headers().lastWithName(TandemHeaders.DDL_COPY) != null && ddl != null && lastDdl != null
                    && DdlNames.clauses(normalise(ddl)).contains(lastDdl[0])) {
                // The copy in the table topic follows its original (a multi-table RENAME's copy, its last pair).
                return tagged(record, lastDdl[1]);
            }
            String origin = ddlOrigin(ddl);
            lastDdl = ddl == null ? null : new String[] {normalise(ddl), origin};
            return tagged(record, origin);
        }
        if (kind != ChangeRecords.Kind.ROW_CHANGE) {
            return tagged(record, region);
        }
        String transaction = ChangeRecords.transactionId(struct);
        if (checkpoint.equals(ChangeRecords.sourceTable(struct))) {
            Struct row = struct.getStruct(Envelope.AFTER);
            if (row != null) {
                String origin = row.getString(CheckpointTable.ORIGIN);
                if (transaction != null && origin != null && !origin.isEmpty()) {
                    origins.put(transaction, origin);
                }
                Object ddl = row.schema().field(CheckpointTable.DDL) == null ? null : row.get(CheckpointTable.DDL);
                if (ddl != null && origin != null) {
                    // A multi-table RENAME is captured as one event per pair: each pair is announced.
                    for (String statement : DdlNames.clauses(normalise(ddl.toString()))) {
                        pendingDdl.addLast(new String[] {statement, origin});
                    }
                    while (pendingDdl.size() > MAX_PENDING_DDL) {
                        pendingDdl.removeFirst();
                    }
                }
            }
            return null; // the marker is not a change of the application's data
        }
        String origin = transaction == null ? region : origins.getOrDefault(transaction, region);
        if (Envelope.OP_DELETE.equals(struct.getString(Envelope.OP))) {
            lastDeleteKey = record.key();
            lastDeleteOrigin = origin;
        }
        return tagged(record, origin);
    }

    private String ddlOrigin(String ddl) {
        if (ddl == null) {
            return region;
        }
        String normalised = normalise(ddl);
        for (Iterator<String[]> it = pendingDdl.iterator(); it.hasNext(); ) {
            String[] announced = it.next();
            if (announced[0].equals(normalised)) {
                it.remove();
                return announced[1];
            }
        }
        return region;
    }

    static String normalise(String ddl) {
        return CheckpointTable.normaliseDdl(ddl);
    }

    private R tagged(R record, String origin) {
        Headers headers = record.headers().duplicate();
        headers.remove(TandemHeaders.ORIGIN);
        headers.addString(TandemHeaders.ORIGIN, origin);
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                record.valueSchema(), record.value(), record.timestamp(), headers);
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
        if (origins != null) {
            origins.clear();
        }
        pendingDdl.clear();
    }
}
