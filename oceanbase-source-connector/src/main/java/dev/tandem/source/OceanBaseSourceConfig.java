package dev.tandem.source;

import dev.tandem.common.Project;
import dev.tandem.common.Preset;
import dev.tandem.source.core.StartPosition;
import dev.tandem.common.CheckpointTable;
import dev.tandem.common.ConfigValidators;
import dev.tandem.common.select.ObjectSelection;
import dev.tandem.common.select.ObjectsCsv;
import dev.tandem.common.select.TableId;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Options of the source connector that are ours ({@code tandem.*}), and how they become Debezium
 * options. Every Debezium option of the MySQL/MariaDB connectors passes through unchanged.
 */
public final class OceanBaseSourceConfig extends AbstractConfig {

    public static final String GROUP_SERVER = "Tandem: server";
    public static final String GROUP_SELECTION = "Tandem: objects";
    public static final String GROUP_MIGRATION = "Tandem: migration";
    public static final String GROUP_PRECHECK = "Tandem: precheck";

    public static final String FLAVOR = "tandem.flavor";
    public static final String FLAVOR_DEFAULT = "auto";
    private static final String FLAVOR_DOC = "The kind of server captured: 'mariadb', 'mysql', 'oceanbase' (MySQL mode, "
            + "through the OceanBase Binlog Service) or 'auto' to detect it from the server's version string. MariaDB is "
            + "captured with Debezium's MariaDB connector, the others with Debezium's MySQL connector.";

    public static final String DDL_TABLE_TOPICS = "tandem.ddl.table.topics";
    private static final String DDL_TABLE_TOPICS_DOC = "Also write each schema-change event that concerns one table (the "
            + "snapshot's CREATE TABLE, later ALTER/CREATE/DROP/RENAME) into that table's own topic, partition 0, with header "
            + "tandem.ddl.copy: the sink then sees the DDL in order with the table's rows (schema migration with every index, "
            + "default and comment; DDL synchronization). Needs single-partition table topics and Debezium's default topic "
            + "names (prefix.db.table). The schema change topic keeps every event either way. When on, the records no "
            + "longer carry each column's source type (column.propagate.source.type): the sink creates tables from the DDL, and "
            + "records without them are smaller and faster to convert.";
    private static final String DDL_BOTH_LINKS_DOC = "Active-active: let this source carry DDL (" + DDL_TABLE_TOPICS
            + ") although a sink with DDL synchronization already writes into its database, i.e. the other link of the pair "
            + "syncs DDL too. Off, validate refuses that (DDL sync belongs on one link of a pair); the loop marker keeps a "
            + "DDL from coming back either way.";
    public static final String REGION = "tandem.region";
    private static final String REGION_DOC = "The region this source's database is in, for active-active replication. "
            + "When set, the checkpoint table is captured too so the origin tagger can recognise replicated "
            + "transactions, transaction metadata must stay on, and every captured table needs a key.";

    public static final String OBJECTS = "tandem.objects";
    private static final String OBJECTS_DOC = "Tables to capture, as database.table rules; '*' matches any run of "
            + "characters and '?' one character within a name (e.g. 'shop.orders,shop.customer_*,crm_?.*'). Empty: "
            + "every table (less tandem.objects.exclude). Names containing '$$' are refused. Do not combine with "
            + "Debezium's table.include.list / table.exclude.list.";

    public static final String OBJECTS_EXCLUDE = "tandem.objects.exclude";
    private static final String OBJECTS_EXCLUDE_DOC = "Tables not to capture, as database.table rules with the same "
            + "wildcards; they win over tandem.objects and the objects file.";

    public static final String OBJECTS_FILE = "tandem.objects.file";
    private static final String OBJECTS_FILE_DOC = "Path, on every Connect worker, of a CSV file of tables to capture: "
            + "database,table[,target[,where]] per line (RFC 4180 quoting, optional header). Its tables are added to "
            + "tandem.objects; the target renames and WHERE filters are applied by the rename and row-filter SMTs, "
            + "which read the same file.";

    public static final String MIGRATION_TYPES = "tandem.migration.types";
    public static final String MIGRATION_TYPES_DEFAULT = "schema,full,incremental";
    private static final String MIGRATION_TYPES_DOC = "What the link migrates: 'schema' (table definitions, as "
            + "schema-change events), 'full' (a snapshot of the existing rows), 'incremental' (changes from the binlog). "
            + "Combinations: full,incremental (snapshot, then the binlog from the snapshot's position); full only "
            + "(snapshot, then stop capturing); incremental only (from tandem.incremental.start). 'schema' goes with "
            + "either and is implied by them.";

    public static final String INCREMENTAL_START = StartPosition.OPTION;
    public static final String INCREMENTAL_START_DEFAULT = "now";
    private static final String INCREMENTAL_START_DOC = "Where incremental-only migration starts the first time the "
            + "connector runs (afterwards it resumes from its offsets): 'now' (the current end of the binlog), "
            + "'binlog:<file>:<position>' (e.g. binlog:mysql-bin.000042:4), 'gtid:<gtid set>' "
            + "(e.g. gtid:0-1-1200 on MariaDB, gtid:3E11FA47-71CA-11E1-9E33-C80AA9429562:1-23 on MySQL), or "
            + "'timestamp:<instant>' (ISO-8601 such as 2026-11-25T08:00:00Z, or epoch seconds: the first transaction "
            + "committed at or after it, found by reading the binlog; binlog times are whole seconds, so transactions of the "
            + "second before are included too). "
            + "Ignored when 'full' is among the migration types.";

    public static final String DML_TYPES = "tandem.dml.types";
    public static final String DML_TYPES_DEFAULT = "insert,update,delete";
    private static final String DML_TYPES_DOC = "The row changes forwarded: any of insert, update, delete. "
            + "Snapshot rows are always forwarded.";

    public static final String GROUP_FULL = "Tandem: full migration";

    public static final String FULL_READER = "tandem.full.reader";
    public static final String FULL_READER_CHUNKED = "chunked";
    public static final String FULL_READER_DEBEZIUM = "debezium";
    private static final String FULL_READER_DOC = "How 'full' migration reads the existing rows. 'chunked' (default): "
            + "Tandem's own reader records the binlog position, splits every table into primary-key chunks, copies them "
            + "in parallel on up to tandem.full.tasks tasks (at most tasks.max), records each finished chunk in Connect's "
            + "offsets (a restart reads no finished chunk again), then streams the binlog from the recorded position on "
            + "one task. The records are the same as Debezium's snapshot records (op=r). 'debezium': Debezium's own "
            + "snapshot (one task; an interrupted snapshot starts again from the beginning). DDL on captured tables "
            + "during a chunked copy is not supported.";

    public static final String FULL_CONCURRENCY = "tandem.full.concurrency";
    public static final String FULL_CONCURRENCY_DEFAULT = "normal";
    private static final String FULL_CONCURRENCY_DOC = "Preset for the chunked full migration, like the "
            + "Smooth/Normal/Fast of OceanBase Migration Service: 'smooth' = 1 task, chunks of 10,000 rows, at most 5,000 rows/s (spares the source); "
            + "'normal' = 2 tasks, chunks of 20,000 rows, no rate limit; 'fast' = 4 tasks, chunks of 50,000 rows, no "
            + "rate limit. tandem.full.tasks, tandem.full.chunk.size and tandem.full.rows.per.second override the "
            + "preset's values; tasks.max caps the number of tasks.";

    public static final String FULL_TASKS = "tandem.full.tasks";
    private static final String FULL_TASKS_DOC = "Tasks that copy chunks in parallel (0: the preset's, capped by tasks.max). May not exceed "
            + "tasks.max; streaming afterwards always runs on one task.";

    public static final String FULL_CHUNK_SIZE = "tandem.full.chunk.size";
    private static final String FULL_CHUNK_SIZE_DOC = "Rows per chunk (0: the preset's). A chunk is read by one SELECT "
            + "over its key range and is the unit a restart resumes from.";

    public static final String FULL_ROWS_PER_SECOND = "tandem.full.rows.per.second";
    private static final String FULL_ROWS_PER_SECOND_DOC = "Upper bound on rows read per second by all copy tasks "
            + "together (-1: the preset's; 0: no limit).";

    public static final String FULL_PROGRESS_TOPIC = "tandem.full.progress.topic";
    private static final String FULL_PROGRESS_TOPIC_DOC = "Topic of the chunked full migration's progress records (its "
            + "plan, every finished chunk with its row count, the end of the copy); they carry the migration's offsets. "
            + "Empty: __tandem-snapshot.<topic.prefix>.";


    public static final String RETENTION_MIN_HOURS = "tandem.precheck.binlog.retention.min.hours";
    private static final String RETENTION_MIN_HOURS_DOC = "Precheck warns (in the worker log) when the server keeps "
            + "binlogs for less than this many hours, since a connector stopped for longer cannot resume. -1 (the default) "
            + "asks for 48 hours on an incremental-only link and 168 hours (7 days) when a full migration runs first, "
            + "as OceanBase Migration Service does.";

    public static final String BINLOG_PURGED = "tandem.binlog.purged";
    public static final String BINLOG_PURGED_FAIL = "fail";
    public static final String BINLOG_PURGED_RECOPY = "recopy";
    private static final String BINLOG_PURGED_DOC = "What the link does when the server no longer has the binlog after "
            + "the position the link stopped at (it was stopped, or behind, for longer than the server keeps binlogs): 'fail' "
            + "(the default, as OceanBase Migration Service does: the task fails, naming the lost position and what to do) or "
            + "'recopy' (when the connector starts, it copies every selected table again with the chunked full migration, "
            + "the copied rows replacing the destination's, then streams from the new copy's position). With 'recopy', rows "
            + "deleted at the source while the binlog was lost stay in the destination: the verifier finds them and its "
            + "repair removes them. One-way links only, with the chunked reader.";

    /** Task-side key carrying the flavour the connector resolved, so tasks do not detect it again. */
    public static final String RESOLVED_FLAVOR = "tandem.flavor.resolved";

    private static final List<String> MIGRATION_TYPE_VALUES = List.of("schema", "full", "incremental");
    private static final Map<String, String> DML_OPERATIONS = Map.of("insert", "c", "update", "u", "delete", "d");

    public static final ConfigDef CONFIG_DEF = Project.define(new ConfigDef())
            .define(FLAVOR, Type.STRING, FLAVOR_DEFAULT,
                    ConfigDef.LambdaValidator.with(OceanBaseSourceConfig::validateFlavor, OceanBaseSourceConfig::flavorChoices),
                    Importance.HIGH, FLAVOR_DOC, GROUP_SERVER, 1, Width.SHORT, "Server flavour")
            .define(DDL_TABLE_TOPICS, Type.BOOLEAN, false, Importance.MEDIUM, DDL_TABLE_TOPICS_DOC)
            .define(CheckpointTable.DDL_BOTH_LINKS, Type.BOOLEAN, false, Importance.LOW, DDL_BOTH_LINKS_DOC)
            .define(REGION, Type.STRING, "",
                    ConfigValidators.REGION,
                    Importance.MEDIUM, REGION_DOC, GROUP_SERVER, 2, Width.SHORT, "Region")
            .define(CheckpointTable.CONFIG, Type.STRING, CheckpointTable.DEFAULT,
                    ConfigValidators.QUALIFIED_TABLE,
                    Importance.LOW, CheckpointTable.DOC, GROUP_SERVER, 3, Width.MEDIUM, "Checkpoint table")
            .define(OBJECTS, Type.LIST, "", Importance.HIGH, OBJECTS_DOC, GROUP_SELECTION, 1, Width.LONG, "Tables")
            .define(OBJECTS_EXCLUDE, Type.LIST, "", Importance.MEDIUM, OBJECTS_EXCLUDE_DOC, GROUP_SELECTION, 2, Width.LONG,
                    "Excluded tables")
            .define(OBJECTS_FILE, Type.STRING, "", Importance.LOW, OBJECTS_FILE_DOC, GROUP_SELECTION, 3, Width.LONG,
                    "Objects file")
            .define(MIGRATION_TYPES, Type.LIST, MIGRATION_TYPES_DEFAULT,
                    ConfigDef.LambdaValidator.with(OceanBaseSourceConfig::validateMigrationTypes,
                            () -> "a non-empty list of schema, full, incremental with full and/or incremental"),
                    Importance.HIGH, MIGRATION_TYPES_DOC, GROUP_MIGRATION, 1, Width.MEDIUM, "Migration types")
            .define(INCREMENTAL_START, Type.STRING, INCREMENTAL_START_DEFAULT,
                    ConfigDef.LambdaValidator.with(OceanBaseSourceConfig::validateStart,
                            () -> "now, binlog:<file>:<position>, gtid:<gtid set> or timestamp:<instant>"),
                    Importance.MEDIUM, INCREMENTAL_START_DOC, GROUP_MIGRATION, 2, Width.MEDIUM, "Incremental start")
            .define(DML_TYPES, Type.LIST, DML_TYPES_DEFAULT,
                    ConfigDef.LambdaValidator.with(OceanBaseSourceConfig::validateDmlTypes,
                            () -> "a non-empty list of insert, update, delete"),
                    Importance.MEDIUM, DML_TYPES_DOC, GROUP_MIGRATION, 3, Width.MEDIUM, "DML types")
            .define(FULL_READER, Type.STRING, FULL_READER_CHUNKED,
                    ConfigDef.ValidString.in(FULL_READER_CHUNKED, FULL_READER_DEBEZIUM),
                    Importance.MEDIUM, FULL_READER_DOC, GROUP_FULL, 1, Width.SHORT, "Full migration reader")
            .define(FULL_CONCURRENCY, Type.STRING, FULL_CONCURRENCY_DEFAULT,
                    ConfigDef.LambdaValidator.with(OceanBaseSourceConfig::validatePreset, () -> "smooth, normal or fast"),
                    Importance.MEDIUM, FULL_CONCURRENCY_DOC, GROUP_FULL, 2, Width.SHORT, "Full migration concurrency")
            .define(FULL_TASKS, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.LOW, FULL_TASKS_DOC, GROUP_FULL, 3,
                    Width.SHORT, "Copy tasks")
            .define(FULL_CHUNK_SIZE, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.LOW, FULL_CHUNK_SIZE_DOC, GROUP_FULL,
                    4, Width.SHORT, "Rows per chunk")
            .define(FULL_ROWS_PER_SECOND, Type.LONG, -1L, ConfigDef.Range.atLeast(-1), Importance.LOW,
                    FULL_ROWS_PER_SECOND_DOC, GROUP_FULL, 5, Width.SHORT, "Rows per second")
            .define(FULL_PROGRESS_TOPIC, Type.STRING, "", Importance.LOW, FULL_PROGRESS_TOPIC_DOC, GROUP_FULL, 6, Width.LONG,
                    "Progress topic")
            .define(BINLOG_PURGED, Type.STRING, BINLOG_PURGED_FAIL,
                    ConfigDef.CaseInsensitiveValidString.in(BINLOG_PURGED_FAIL, BINLOG_PURGED_RECOPY),
                    Importance.LOW, BINLOG_PURGED_DOC, GROUP_MIGRATION, 4, Width.SHORT, "When the binlog was purged")
            .define(RETENTION_MIN_HOURS, Type.INT, -1, ConfigDef.Range.atLeast(-1), Importance.LOW,
                    RETENTION_MIN_HOURS_DOC, GROUP_PRECHECK, 1, Width.SHORT, "Minimum binlog retention (hours)");

    private final Map<String, String> originals;

    public OceanBaseSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        this.originals = Map.copyOf(props);
    }

    /** The flavour configured, or empty for 'auto'. */
    public Optional<SourceFlavor> configuredFlavor() {
        String value = getString(FLAVOR).trim();
        return FLAVOR_DEFAULT.equalsIgnoreCase(value) ? Optional.empty() : Optional.of(SourceFlavor.fromConfigValue(value));
    }

    public boolean ddlTableTopics() {
        return getBoolean(DDL_TABLE_TOPICS);
    }

    public String region() {
        return getString(REGION).trim();
    }

    public boolean activeActive() {
        return !region().isEmpty();
    }

    public TableId checkpointTable() {
        return CheckpointTable.parse(getString(CheckpointTable.CONFIG));
    }

    public Set<String> migrationTypes() {
        return getList(MIGRATION_TYPES).stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /**
     * The tables the user selected, from the rule lists and the objects file; with a region, the
     * checkpoint table too. Throws {@link ConfigException} naming the field at fault.
     */
    public ObjectSelection selection() {
        List<String> includes = new ArrayList<>(getList(OBJECTS));
        String file = getString(OBJECTS_FILE).trim();
        if (!file.isEmpty()) {
            try {
                ObjectsCsv.read(Path.of(file)).forEach(e -> includes.add(e.source().toString()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(OBJECTS_FILE, file, e.getMessage());
            }
        }
        ObjectSelection selection;
        try {
            selection = ObjectSelection.of(includes, List.of());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(OBJECTS, getList(OBJECTS), e.getMessage());
        }
        try {
            selection = new ObjectSelection(selection.includes(), ObjectSelection.of(List.of(), getList(OBJECTS_EXCLUDE)).excludes());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(OBJECTS_EXCLUDE, getList(OBJECTS_EXCLUDE), e.getMessage());
        }
        if (activeActive() && !selection.includes().isEmpty()) {
            selection = selection.including(List.of(checkpointTable()));
        }
        return selection;
    }

    /** The binlog retention the precheck asks for, in hours: the option, or by the migration types when it is -1. */
    public int retentionMinHours() {
        int hours = getInt(RETENTION_MIN_HOURS);
        if (hours >= 0) {
            return hours;
        }
        return migrationTypes().contains("full") ? 168 : 48;
    }

    /**
     * Whether Tandem's chunked reader runs the full migration: 'full' is among the migration types
     * (and the user did not choose a Debezium snapshot mode instead) and the reader is 'chunked'.
     */
    public boolean chunkedFullMigration() {
        boolean debeziumModeChosen = originals.containsKey("snapshot.mode") && !originals.containsKey(MIGRATION_TYPES);
        return !debeziumModeChosen && migrationTypes().contains("full")
                && FULL_READER_CHUNKED.equalsIgnoreCase(getString(FULL_READER).trim());
    }

    /** Whether the tables are copied again when the binlog after the link's position was purged ({@link #BINLOG_PURGED}). */
    public boolean recopyWhenPurged() {
        return BINLOG_PURGED_RECOPY.equalsIgnoreCase(getString(BINLOG_PURGED).trim());
    }

    /** Whether binlog changes are streamed ('incremental' among the migration types, or Debezium's own choice). */
    public boolean streams() {
        return migrationTypes().contains("incremental");
    }

    private Preset preset() {
        return Preset.named(getString(FULL_CONCURRENCY));
    }

    public int fullTasks() {
        int tasks = getInt(FULL_TASKS);
        return tasks > 0 ? tasks : preset().concurrency;
    }

    public int fullChunkSize() {
        int size = getInt(FULL_CHUNK_SIZE);
        return size > 0 ? size : preset().chunkRows;
    }

    public long fullRowsPerSecond() {
        long limit = getLong(FULL_ROWS_PER_SECOND);
        return limit >= 0 ? limit : preset().rowsPerSecond;
    }

    public String fullProgressTopic() {
        String topic = getString(FULL_PROGRESS_TOPIC).trim();
        return topic.isEmpty() ? "__tandem-snapshot." + originals.getOrDefault("topic.prefix", "") : topic;
    }

    /** Debezium's snapshot mode for the chosen migration types. */
    public String snapshotMode() {
        Set<String> types = migrationTypes();
        boolean full = types.contains("full");
        boolean incremental = types.contains("incremental");
        if (full && incremental) {
            return "initial";
        }
        if (full) {
            return "initial_only";
        }
        return "no_data";
    }

    /** The start position for incremental-only migration, when one was given. */
    public Optional<StartPosition> startPosition() {
        if (migrationTypes().contains("full")) {
            return Optional.empty();
        }
        return StartPosition.parse(getString(INCREMENTAL_START));
    }

    /** Debezium's skipped.operations for the chosen DML types (truncates stay skipped, as in Debezium). */
    public String skippedOperations() {
        Set<String> forwarded = getList(DML_TYPES).stream().map(s -> DML_OPERATIONS.get(s.trim().toLowerCase(Locale.ROOT)))
                .collect(Collectors.toSet());
        Set<String> skipped = new LinkedHashSet<>();
        for (String op : List.of("c", "u", "d")) {
            if (!forwarded.contains(op)) {
                skipped.add(op);
            }
        }
        skipped.add("t");
        return String.join(",", skipped);
    }

    /**
     * Field to message for rules that span fields: our options against the Debezium options they
     * replace. Empty when all is well.
     */
    public Map<String, String> crossFieldErrors() {
        Map<String, String> errors = new LinkedHashMap<>();
        boolean selecting = !getList(OBJECTS).isEmpty() || !getList(OBJECTS_EXCLUDE).isEmpty() || !getString(OBJECTS_FILE).isBlank();
        if (selecting) {
            for (String debeziumKey : List.of("table.include.list", "table.exclude.list")) {
                if (!originals.getOrDefault(debeziumKey, "").isBlank()) {
                    errors.put(OBJECTS, "set either " + OBJECTS + "/" + OBJECTS_EXCLUDE + "/" + OBJECTS_FILE
                            + " or Debezium's " + debeziumKey + ", not both");
                }
            }
            try {
                selection();
            } catch (ConfigException e) {
                errors.put(fieldOf(e), e.getMessage());
            }
        }
        if (originals.containsKey("snapshot.mode") && originals.containsKey(MIGRATION_TYPES)) {
            errors.put(MIGRATION_TYPES, "set either " + MIGRATION_TYPES + " or Debezium's snapshot.mode, not both");
        }
        if (originals.containsKey("skipped.operations") && originals.containsKey(DML_TYPES)) {
            errors.put(DML_TYPES, "set either " + DML_TYPES + " or Debezium's skipped.operations, not both");
        }
        int maxTasks = parseIntOr(originals.get("tasks.max"), 1);
        if (originals.containsKey(FULL_TASKS) && getInt(FULL_TASKS) > maxTasks) {
            errors.put(FULL_TASKS, FULL_TASKS + "=" + getInt(FULL_TASKS) + " copy tasks, but tasks.max=" + maxTasks
                    + " allows no more than " + maxTasks + ": raise tasks.max to " + getInt(FULL_TASKS) + " or lower " + FULL_TASKS);
        }
        if (recopyWhenPurged() && activeActive()) {
            errors.put(BINLOG_PURGED, BINLOG_PURGED + "=recopy replaces the destination's rows with the source's, which in "
                    + "active-active would overwrite the other region's changes: use 'fail' and copy the tables anew by hand");
        } else if (recopyWhenPurged() && !FULL_READER_CHUNKED.equalsIgnoreCase(getString(FULL_READER).trim())) {
            errors.put(BINLOG_PURGED, BINLOG_PURGED + "=recopy copies the tables with the chunked reader: set "
                    + FULL_READER + "=" + FULL_READER_CHUNKED + " or " + BINLOG_PURGED + "=fail");
        }
        if (activeActive() && "false".equalsIgnoreCase(originals.getOrDefault("provide.transaction.metadata", "true"))) {
            errors.put(REGION, "active-active (" + REGION + "=" + region() + ") needs transaction metadata: remove "
                    + "provide.transaction.metadata=false");
        }
        return errors;
    }

    private static int parseIntOr(String value, int otherwise) {
        try {
            return value == null ? otherwise : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return otherwise; // Connect reports a malformed tasks.max itself
        }
    }

    private static String fieldOf(ConfigException e) {
        for (String field : List.of(OBJECTS_FILE, OBJECTS_EXCLUDE, OBJECTS)) {
            if (e.getMessage() != null && e.getMessage().contains(field)) {
                return field;
            }
        }
        return OBJECTS;
    }

    /**
     * The properties handed to Debezium: the user's, translated from ours, plus what Tandem relies
     * on unless the user has said otherwise: transaction metadata on, BIGINT UNSIGNED kept exact,
     * source column types propagated, a schema history topic named after the prefix, no
     * Debezium context headers on the records, and a 50 ms poll interval. (Topic creation settings, topic.creation.*, are
     * read by the worker from the submitted config, so users set them there.)
     */
    public Map<String, String> debeziumProperties() {
        Map<String, String> out = new HashMap<>(originals);
        out.putIfAbsent("provide.transaction.metadata", "true");
        out.putIfAbsent("bigint.unsigned.handling.mode", "precise");
        // Debezium's context headers name the connector and task on every record: Connect converts them into text for
        // every record written and parses them back for every record a sink reads (a quarter of a sink task's time,
        // benchmarks/README.md, incremental). Nothing in Tandem reads them; a user who wants them sets this to true.
        out.putIfAbsent("extended.headers.enabled", "false");
        // Debezium hands Connect a batch when max.batch.size (2,048) changes are queued or poll.interval.ms has passed:
        // with its 500 ms a change waits up to that long at any rate under ~4,000 changes a second. 50 ms took the
        // median latency at 10,000 rows/s from 237 to 67 ms (benchmarks/README.md, incremental).
        out.putIfAbsent("poll.interval.ms", "50");
        // Source column types (e.g. INT UNSIGNED, VARCHAR(64)) travel as schema parameters, so a sink can create
        // faithful tables. Not when the table's DDL travels in its topic: the sink creates the table from that, and the
        // parameters on every column of every record cost conversion time (benchmarks/README.md, full-migration).
        if (!ddlTableTopics()) {
            out.putIfAbsent("column.propagate.source.type", ".*");
        }
        String prefix = originals.get("topic.prefix");
        if (prefix != null && !prefix.isBlank()) {
            out.putIfAbsent("schema.history.internal.kafka.topic", prefix + ".schema-history");
        }
        if (!originals.containsKey("snapshot.mode") || originals.containsKey(MIGRATION_TYPES)) {
            out.put("snapshot.mode", snapshotMode());
        }
        if (!originals.containsKey("skipped.operations") || originals.containsKey(DML_TYPES)) {
            out.put("skipped.operations", skippedOperations());
        }
        ObjectSelection selection = selection();
        if (!selection.isEmpty()) {
            out.put("table.include.list", selection.toDebeziumTableRegex());
            out.remove("table.exclude.list");
        }
        return out;
    }

    private static String flavorChoices() {
        return FLAVOR_DEFAULT + ", " + Arrays.stream(SourceFlavor.values()).map(SourceFlavor::configValue)
                .collect(Collectors.joining(", "));
    }

    private static void validateFlavor(String name, Object value) {
        String v = value == null ? "" : value.toString().trim().toLowerCase(Locale.ROOT);
        if (!v.equals(FLAVOR_DEFAULT) && Arrays.stream(SourceFlavor.values()).noneMatch(f -> f.configValue().equals(v))) {
            throw new ConfigException(name, value, "choose one of " + flavorChoices());
        }
    }

    private static void validatePreset(String name, Object value) {
        try {
            Preset.named(value == null ? null : value.toString());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, "choose smooth, normal or fast");
        }
    }

    private static void validateMigrationTypes(String name, Object value) {
        List<?> types = (List<?>) value;
        Set<String> seen = new LinkedHashSet<>();
        for (Object t : types) {
            String type = t.toString().trim().toLowerCase(Locale.ROOT);
            if (!MIGRATION_TYPE_VALUES.contains(type)) {
                throw new ConfigException(name, value, "unknown migration type '" + t + "'; choose from " + MIGRATION_TYPE_VALUES);
            }
            seen.add(type);
        }
        if (!seen.contains("full") && !seen.contains("incremental")) {
            throw new ConfigException(name, value, "choose 'full' and/or 'incremental' (schema alone moves no rows; "
                    + "the sink creates missing tables from the captured schema)");
        }
    }

    private static void validateDmlTypes(String name, Object value) {
        List<?> types = (List<?>) value;
        if (types.isEmpty()) {
            throw new ConfigException(name, value, "forward at least one of insert, update, delete");
        }
        for (Object t : types) {
            if (!DML_OPERATIONS.containsKey(t.toString().trim().toLowerCase(Locale.ROOT))) {
                throw new ConfigException(name, value, "unknown DML type '" + t + "'; choose from insert, update, delete");
            }
        }
    }

    private static void validateStart(String name, Object value) {
        try {
            StartPosition.parse(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }
}
