package dev.tandem.tidb;

import dev.tandem.common.Project;
import dev.tandem.common.CheckpointTable;
import dev.tandem.common.select.ObjectSelection;
import dev.tandem.common.select.TableId;
import dev.tandem.tidb.cdc.CdcProtocol;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The TiDB source's options; Debezium MySQL connector options on value handling pass through. */
public final class TidbSourceConfig extends AbstractConfig {

    static final String GROUP_SERVER = "TiDB: server";
    static final String GROUP_SNAPSHOT = "TiDB: snapshot";
    static final String GROUP_STREAM = "TiDB: change stream";
    static final String GROUP_TANDEM = "Tandem";

    public static final String HOST = "database.hostname";
    public static final String PORT = "database.port";
    public static final String USER = "database.user";
    public static final String PASSWORD = "database.password";
    public static final String PREFIX = "topic.prefix";
    public static final String OBJECTS = "tandem.objects";
    public static final String OBJECTS_EXCLUDE = "tandem.objects.exclude";

    public static final String SNAPSHOT_MODE = "tidb.snapshot.mode";
    public static final String SNAPSHOT_DIALECT = "tidb.snapshot.dialect";
    public static final String DIALECT_TIDB = "tidb";
    public static final String DIALECT_MARIADB = "mariadb-system-versioning";
    public static final String SNAPSHOT_MINUTES = "tidb.snapshot.expected.minutes";
    public static final String START_TSO = "tidb.start.tso";
    public static final String FULL_TASKS = "tidb.full.tasks";
    public static final String FULL_CHUNK_SIZE = "tidb.full.chunk.size";
    public static final String FULL_ROWS_PER_SECOND = "tidb.full.rows.per.second";
    public static final String FULL_PROGRESS_TOPIC = "tidb.full.progress.topic";

    public static final String CDC_TOPIC = "tidb.cdc.topic";
    public static final String CDC_PROTOCOL = "tidb.cdc.protocol";
    public static final String CDC_BOOTSTRAP = "tidb.cdc.bootstrap.servers";
    public static final String CDC_TIME_ZONE = "tidb.cdc.time.zone";
    public static final String CDC_CONSUMER_PREFIX = "tidb.cdc.consumer.";

    public static final String DDL_TABLE_TOPICS = "tandem.ddl.table.topics";
    public static final String REGION = "tandem.region";
    public static final String BATCH = "max.batch.size";

    /** initial: snapshot at a TSO, then the change stream from it; never: the stream from tidb.start.tso; initial_only. */
    public enum SnapshotMode { INITIAL, NEVER, INITIAL_ONLY }

    public static final ConfigDef CONFIG_DEF = Project.define(new ConfigDef())
            .define(HOST, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Host name of a TiDB server (the MySQL protocol port serves the snapshot and the table definitions).",
                    GROUP_SERVER, 1, Width.MEDIUM, "Host")
            .define(PORT, Type.INT, 4000, ConfigDef.Range.between(1, 65535), Importance.HIGH, "TiDB's MySQL protocol port.",
                    GROUP_SERVER, 2, Width.SHORT, "Port")
            .define(USER, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "User to read with: needs SELECT on the captured tables, and PROCESS for the precheck's look at GC "
                            + "settings.", GROUP_SERVER, 3, Width.MEDIUM, "User")
            .define(PASSWORD, Type.PASSWORD, "", Importance.HIGH, "The user's password.", GROUP_SERVER, 4, Width.MEDIUM,
                    "Password")
            .define(PREFIX, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Prefix of the change topics, as Debezium's topic.prefix: rows go to <prefix>.<db>.<table>, DDL to "
                            + "<prefix>, transaction boundaries to <prefix>.transaction.", GROUP_SERVER, 5, Width.MEDIUM,
                    "Topic prefix")
            .define(OBJECTS, Type.LIST, "", Importance.HIGH, "Tables to capture, as match rules db.table with * and ? "
                    + "(e.g. shop.*,crm.customer); empty: every table outside the system databases.", GROUP_SERVER, 6,
                    Width.LONG, "Tables")
            .define(OBJECTS_EXCLUDE, Type.LIST, "", Importance.MEDIUM, "Match rules of tables not to capture.",
                    GROUP_SERVER, 7, Width.LONG, "Excluded tables")
            .define(SNAPSHOT_MODE, Type.STRING, "initial", ConfigDef.CaseInsensitiveValidString.in("initial", "never",
                            "initial_only"), Importance.HIGH,
                    "initial: copy every captured table as of one TSO (chunked, across tasks), then stream the TiCDC "
                            + "topic from that TSO; initial_only: the copy alone; never: stream from " + START_TSO + ".",
                    GROUP_SNAPSHOT, 1, Width.SHORT, "Snapshot mode")
            .define(SNAPSHOT_DIALECT, Type.STRING, DIALECT_TIDB, ConfigDef.CaseInsensitiveValidString.in(DIALECT_TIDB,
                            DIALECT_MARIADB), Importance.LOW,
                    "How the snapshot pins its reads to one point in time. tidb: the TSO from @@tidb_current_ts and SET "
                            + "@@tidb_snapshot on every reading connection. " + DIALECT_MARIADB + ": MariaDB's "
                            + "system_versioning_asof on system-versioned tables, the stand-in Tandem's own tests use "
                            + "where no TiDB server can run; not for production.", GROUP_SNAPSHOT, 2, Width.MEDIUM,
                    "Snapshot dialect")
            .define(SNAPSHOT_MINUTES, Type.INT, 60, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "How long the snapshot is expected to take, in minutes. TiDB keeps old versions only for "
                            + "tidb_gc_life_time: the precheck fails when that is shorter, since a snapshot read older "
                            + "than the GC safe point fails. Raise it for the copy (SET GLOBAL tidb_gc_life_time = '2h') "
                            + "and restore it afterwards.", GROUP_SNAPSHOT, 3, Width.SHORT, "Expected snapshot minutes")
            .define(START_TSO, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "With " + SNAPSHOT_MODE + "=never: the TSO the stream starts after (changes committed after it are "
                            + "emitted), the --start-ts of the changefeed.", GROUP_SNAPSHOT, 4, Width.MEDIUM, "Start TSO")
            .define(FULL_TASKS, Type.INT, 2, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "Tasks copying chunks in parallel during the snapshot (capped by tasks.max).", GROUP_SNAPSHOT, 5,
                    Width.SHORT, "Copy tasks")
            .define(FULL_CHUNK_SIZE, Type.INT, 20_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Rows per chunk: each chunk is one SELECT over a primary-key range.", GROUP_SNAPSHOT, 6, Width.SHORT,
                    "Chunk size")
            .define(FULL_ROWS_PER_SECOND, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Rows per second all copy tasks read together at most; 0: no limit.", GROUP_SNAPSHOT, 7, Width.SHORT,
                    "Rows per second")
            .define(FULL_PROGRESS_TOPIC, Type.STRING, "", Importance.LOW,
                    "Topic of the snapshot's plan and progress records (they also hold its offsets); empty: "
                            + "__tandem-snapshot.<prefix>.", GROUP_SNAPSHOT, 8, Width.LONG, "Progress topic")
            .define(CDC_TOPIC, Type.STRING, "", Importance.HIGH,
                    "The Kafka topic the TiCDC changefeed writes (its sink URI's topic). Required unless " + SNAPSHOT_MODE
                            + "=initial_only.", GROUP_STREAM, 1, Width.LONG, "TiCDC topic")
            .define(CDC_PROTOCOL, Type.STRING, CdcProtocol.CANAL_JSON.configValue(),
                    ConfigDef.CaseInsensitiveValidString.in(CdcProtocol.choices().toArray(String[]::new)), Importance.HIGH,
                    "The changefeed's protocol: canal-json (with enable-tidb-extension=true: commit ts and watermarks, "
                            + "so transactions are complete) or debezium.", GROUP_STREAM, 2, Width.SHORT, "Protocol")
            .define(CDC_BOOTSTRAP, Type.STRING, "", Importance.HIGH,
                    "Bootstrap servers of the Kafka cluster holding the TiCDC topic. Other consumer settings (security, "
                            + "for instance) are given as " + CDC_CONSUMER_PREFIX + "<consumer option>.", GROUP_STREAM, 3,
                    Width.LONG, "TiCDC Kafka")
            .define(CDC_TIME_ZONE, Type.STRING, "UTC", Importance.MEDIUM,
                    "The changefeed's time zone (cdc cli --tz / the server's): canal-json writes TIMESTAMP values in it.",
                    GROUP_STREAM, 4, Width.SHORT, "Changefeed time zone")
            .define(DDL_TABLE_TOPICS, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Also write each table's DDL (and its CREATE TABLE before its snapshot rows) to the table's own topic, "
                            + "so a sink applies it between the rows before and after it.", GROUP_TANDEM, 1, Width.SHORT,
                    "DDL in table topics")
            .define(REGION, Type.STRING, "", Importance.MEDIUM,
                    "The region of this TiDB in an active-active pair: the checkpoint table is then captured (its rows "
                            + "lead their transaction, for the origin tagger) and never copied.", GROUP_TANDEM, 2,
                    Width.SHORT, "Region")
            .define(CheckpointTable.CONFIG, Type.STRING, CheckpointTable.DEFAULT, Importance.LOW, CheckpointTable.DOC,
                    GROUP_TANDEM, 3, Width.MEDIUM, "Checkpoint table")
            .define(BATCH, Type.INT, 2048, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Rows per poll of a copy task; the stream returns whole transactions.", GROUP_TANDEM, 4, Width.SHORT,
                    "Batch size");

    private final Map<String, String> originals;

    public TidbSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props, false);
        this.originals = Map.copyOf(props);
    }

    public String prefix() {
        return getString(PREFIX);
    }

    public SnapshotMode snapshotMode() {
        return SnapshotMode.valueOf(getString(SNAPSHOT_MODE).toUpperCase(Locale.ROOT));
    }

    public boolean streams() {
        return snapshotMode() != SnapshotMode.INITIAL_ONLY;
    }

    public String dialect() {
        return getString(SNAPSHOT_DIALECT).toLowerCase(Locale.ROOT);
    }

    public CdcProtocol protocol() {
        return CdcProtocol.fromConfigValue(getString(CDC_PROTOCOL));
    }

    public ZoneId changefeedZone() {
        return ZoneId.of(getString(CDC_TIME_ZONE));
    }

    public boolean ddlTableTopics() {
        return getBoolean(DDL_TABLE_TOPICS);
    }

    public boolean activeActive() {
        return !getString(REGION).isBlank();
    }

    public TableId checkpointTable() {
        return CheckpointTable.parse(getString(CheckpointTable.CONFIG));
    }

    public String progressTopic() {
        String t = getString(FULL_PROGRESS_TOPIC).trim();
        return t.isEmpty() ? "__tandem-snapshot." + prefix() : t;
    }

    public ObjectSelection selection() {
        ObjectSelection s = new ObjectSelection(ObjectSelection.of(getList(OBJECTS), List.of()).includes(),
                ObjectSelection.of(List.of(), getList(OBJECTS_EXCLUDE)).excludes());
        return activeActive() && !s.includes().isEmpty() ? s.including(List.of(checkpointTable())) : s;
    }

    /** The consumer settings for the TiCDC topic (assigned partitions, no group commits). */
    public Map<String, Object> consumerProperties() {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", getString(CDC_BOOTSTRAP));
        c.put("enable.auto.commit", "false");
        c.put("auto.offset.reset", "earliest");
        c.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        c.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        c.put("client.id", "tandem-tidb-" + prefix());
        originals.forEach((k, v) -> {
            if (k.startsWith(CDC_CONSUMER_PREFIX)) {
                c.put(k.substring(CDC_CONSUMER_PREFIX.length()), v);
            }
        });
        return c;
    }

    /**
     * The properties of Debezium's MySQL connector that builds the envelopes (its DDL parser, value
     * converters, topic naming and source block): the originals with Tandem's defaults.
     */
    public Map<String, String> debeziumProperties() {
        Map<String, String> out = new HashMap<>(originals);
        out.put("database.password", getPassword(PASSWORD).value());
        out.putIfAbsent("database.port", Integer.toString(getInt(PORT)));
        out.putIfAbsent("database.server.id", "1");
        out.putIfAbsent("provide.transaction.metadata", "true");
        out.putIfAbsent("bigint.unsigned.handling.mode", "precise");
        if (!ddlTableTopics()) {
            out.putIfAbsent("column.propagate.source.type", ".*");
        }
        ObjectSelection s = selection();
        if (!s.isEmpty()) {
            out.put("table.include.list", s.toDebeziumTableRegex());
        }
        return out;
    }

    /** Errors between options, by field. */
    public Map<String, String> crossFieldErrors() {
        Map<String, String> errors = new LinkedHashMap<>();
        if (streams() && getString(CDC_TOPIC).isBlank()) {
            errors.put(CDC_TOPIC, "name the Kafka topic the TiCDC changefeed writes (or set " + SNAPSHOT_MODE
                    + "=initial_only for a copy without changes)");
        }
        if (streams() && getString(CDC_BOOTSTRAP).isBlank()) {
            errors.put(CDC_BOOTSTRAP, "give the bootstrap servers of the Kafka cluster the changefeed writes to");
        }
        if (snapshotMode() == SnapshotMode.NEVER && getLong(START_TSO) == 0) {
            errors.put(START_TSO, "without a snapshot the stream needs the TSO it continues after: the changefeed's "
                    + "--start-ts");
        }
        try {
            ZoneId.of(getString(CDC_TIME_ZONE));
        } catch (DateTimeException e) {
            errors.put(CDC_TIME_ZONE, "'" + getString(CDC_TIME_ZONE) + "' is not a time zone id (e.g. UTC, Asia/Shanghai)");
        }
        try {
            selection();
        } catch (IllegalArgumentException e) {
            errors.put(OBJECTS, e.getMessage());
        }
        return errors;
    }

    public Password password() {
        return getPassword(PASSWORD);
    }

    static void requireValid(Map<String, String> errors) {
        if (!errors.isEmpty()) {
            var first = errors.entrySet().iterator().next();
            throw new ConfigException(first.getKey(), null, String.join("; ", errors.values()));
        }
    }
}
