package dev.tandem.sink;

import dev.tandem.common.Project;
import dev.tandem.sink.schema.UnsupportedDdl;
import dev.tandem.sink.apply.NonEmptyTables;
import dev.tandem.common.CheckpointTable;
import dev.tandem.common.ConfigValidators;
import dev.tandem.common.TopicNames;
import dev.tandem.common.select.TableId;
import dev.tandem.sink.dialect.Dialect;
import dev.tandem.sink.conflict.ConflictSettings;
import dev.tandem.sink.conflict.Strategy;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Options of the sink connector, grouped by purpose, each declared once. */
public final class OceanBaseSinkConfig extends AbstractConfig {

    public static final String GROUP_CONNECTION = "Connection";
    public static final String GROUP_WRITES = "Writes";
    public static final String GROUP_MAPPING = "Data mapping";
    public static final String GROUP_ACTIVE_ACTIVE = "Active-active";
    public static final String GROUP_RETRIES = "Retries";
    public static final String GROUP_CONFLICTS = "Conflicts";

    public static final String URL = "connection.url";
    private static final String URL_DOC = "JDBC URL of the destination: jdbc:mariadb://host:port/ (MariaDB), "
            + "jdbc:mysql://host:port/ (MySQL, TiDB) or jdbc:oceanbase://host:port/ (OceanBase MySQL mode). No database "
            + "is needed in the URL: tables are named database.table.";
    public static final String USER = "connection.user";
    private static final String USER_DOC = "Destination user (OceanBase: user@tenant or user@tenant#cluster).";
    public static final String PASSWORD = "connection.password";
    private static final String PASSWORD_DOC = "Destination password.";

    public static final String DIALECT = "tandem.dialect";
    private static final String DIALECT_DOC = "SQL dialect of the destination: auto (from the URL and the server's "
            + "version), mariadb, mysql, oceanbase or tidb.";

    public static final String BATCH_SIZE = "tandem.batch.size";
    private static final String BATCH_SIZE_DOC = "Most records applied in one destination transaction. Within it, "
            + "changes to the same key are reduced to the last state and rows are written with multi-row statements "
            + "kept under the server's max_allowed_packet. Raise consumer.override.max.poll.records to match.";

    public static final String TRANSACTIONS = "tandem.transactions";
    private static final String TRANSACTIONS_DOC = "How source transactions become destination transactions. 'whole': "
            + "each source transaction commits as one destination transaction, whatever its size and however many tables "
            + "it touches, so a reader of the destination never sees part of one (small ones that follow one another may "
            + "share a destination transaction; none is split). Its records are written as they arrive into a destination "
            + "transaction kept open until the source transaction's last record, so memory stays bounded by "
            + "tandem.batch.size. Needs the source's transaction topic (<topic.prefix>.transaction) among the topics, "
            + "the default table topic names, and tasks.max=1 (one task reads every topic of the link). 'batched': up to "
            + "tandem.batch.size records per destination transaction, a large source transaction becoming visible in "
            + "slices; faster when transactions are small and many, as no record waits for the end of its transaction. "
            + "'auto' (the default): whole on an active-active sink (tandem.region set) with tasks.max=1 that reads its "
            + "source's transaction topic (listed in topics, or matched by a topics.regex that starts with the topic prefix, "
            + "such as east\\.(shop\\..*|transaction)), batched otherwise; the task logs which it uses and why.";

    public static final String LOAD_DATA = "tandem.load.data";
    private static final String LOAD_DATA_DOC = "Write rows the source created (snapshot reads and inserts, 100 or more "
            + "of a table in one transaction) with LOAD DATA LOCAL INFILE streamed from memory, in the same transaction "
            + "as the checkpoint row, where the destination is reached through the MariaDB driver (jdbc:mariadb://) "
            + "and is MariaDB or MySQL with local_infile=ON. A load that finds a row already there or draws any "
            + "warning is rolled back to a savepoint and written with INSERT ... ON DUPLICATE KEY UPDATE instead, so "
            + "the result is the same as without it. A server that refuses local files turns it off for the task "
            + "with a warning. Not used for OceanBase and TiDB destinations (not verified there).";

    public static final String TABLE_FORMAT = "tandem.table.name.format";
    private static final String TABLE_FORMAT_DOC = "The destination table of a record, as database.table, with "
            + "${db} and ${table} (from the envelope's source block, or from the topic's last two segments) and ${topic}. "
            + "E.g. 'shop_copy.${table}' moves every table into database shop_copy.";

    public static final String DDL_SYNC = "tandem.ddl.sync";
    private static final String DDL_SYNC_DOC = "Apply the DDL of schema-change events found in the table topics (the source's "
            + "tandem.ddl.table.topics): ALTER TABLE on columns and indexes, CREATE/DROP/RENAME/TRUNCATE TABLE, CREATE/DROP "
            + "INDEX, in order with the table's rows. Before each DDL the sink writes, in its own transaction, a checkpoint row "
            + "announcing it (the DDL marker), so the destination's own source tags the resulting schema change with this "
            + "origin. Enable it on one link of an active-active pair.";
    public static final String DDL_UNSUPPORTED = "tandem.ddl.unsupported";
    private static final String DDL_UNSUPPORTED_DOC = "What DDL outside the supported list does: 'fail' stops the task with "
            + "the statement in the error; 'skip' logs it and counts it (metric ddl-skipped-total).";
    public static final String DDL_MULTI_TABLE_WAIT = "tandem.ddl.multi.table.wait.ms";
    private static final String DDL_MULTI_TABLE_WAIT_DOC = "A statement that names several tables (RENAME TABLE a TO b, "
            + "c TO a, as gh-ost and pt-online-schema-change switch tables; DROP TABLE a, b) reaches the topic of each of them; "
            + "it is applied once, when every one of those topics this sink reads has reached it, so that the rows before it "
            + "in each table are in first. The longest wait, in milliseconds, before the task fails naming the statement "
            + "and the topics that did not arrive: a topic the statement creates is read only after the next metadata "
            + "refresh (consumer.override.metadata.max.age.ms), and every topic of the link must be read by the same task "
            + "(tasks.max=1).";
    public static final String POST_INDEXING = "tandem.schema.post.indexing";
    private static final String POST_INDEXING_DOC = "Create a table's non-unique secondary indexes (KEY, INDEX, FULLTEXT, "
            + "SPATIAL) only after its snapshot rows are applied, which loads large tables faster. Needs the snapshot's "
            + "CREATE TABLE from the table topic (the source's tandem.ddl.table.topics). Primary and unique keys are always "
            + "created with the table.";
    public static final String CREATE_TABLES = "tandem.schema.create";
    private static final String CREATE_TABLES_DOC = "Create a missing destination table (and database) from the "
            + "record's schema: column types from Debezium's logical types and, when the source propagates them "
            + "(column.propagate.source.type), the source column types; the primary key from the record key.";

    public static final String NON_EMPTY = "tandem.destination.nonempty";
    private static final String NON_EMPTY_DOC = "What full migration does with a destination table that already has "
            + "rows when this connector has applied nothing yet: 'fail' (stop and say which table), 'overwrite' (source "
            + "rows replace rows with the same key) or 'keep' (rows already there are kept; snapshot rows with their "
            + "keys are skipped).";

    public static final String REGION = "tandem.region";
    private static final String REGION_DOC = "The region of the destination database. Records whose tandem.origin "
            + "header names this region are not applied (they were made here): this is what stops replication loops.";
    public static final String SOURCE_REGION = "tandem.source.region";
    private static final String SOURCE_REGION_DOC = "The origin of records that carry no tandem.origin header "
            + "(e.g. from a source without the origin tagger): the region of the source database.";

    public static final String MAX_RETRIES = "tandem.max.retries";
    private static final String MAX_RETRIES_DOC = "How often a transaction that failed on a transient error "
            + "(connection lost, lock wait timeout, deadlock, OceanBase transaction timeout) is retried before the task "
            + "fails. Nothing is skipped.";
    public static final String RETRY_BACKOFF_MS = "tandem.retry.backoff.ms";
    private static final String RETRY_BACKOFF_MS_DOC = "First wait before a retry; doubled each time, at most 60 s.";

    public static final String CONFLICT_DETECTION = "tandem.conflict.detection";
    private static final String CONFLICT_DETECTION_DOC = "With tandem.region set (active-active), compare every change of "
            + "another region with the destination row inside the apply transaction (the row locked with SELECT ... FOR "
            + "UPDATE): a row that is not the change's before image is a conflict, resolved by the table's strategy and "
            + "recorded in tandem_conflict beside the checkpoint table. Off: changes are applied blindly.";
    public static final String CONFLICT_STRATEGY = "tandem.conflict.strategy";
    private static final String CONFLICT_STRATEGY_DOC = "What a conflict does, for tables without their own rule in "
            + "tandem.conflict.tables: 'overwrite' (the incoming change is applied), 'ignore' (the destination row is kept), "
            + "'last-writer-wins' (the greater tandem.conflict.lww.column wins; ties by tandem.conflict.region.order), "
            + "'region-priority' (the region earlier in tandem.conflict.region.order wins) or 'fail' (the task stops, "
            + "naming the row). Only last-writer-wins and region-priority make every region reach the same row, given the "
            + "same settings on every link.";
    public static final String CONFLICT_LWW_COLUMN = "tandem.conflict.lww.column";
    private static final String CONFLICT_LWW_COLUMN_DOC = "The column last-writer-wins orders by: one the application "
            + "sets on every insert and update, a TIMESTAMP(6)/DATETIME(6) (e.g. updated_at ... ON UPDATE "
            + "CURRENT_TIMESTAMP(6)) or an integer version. Binlog timestamps (one-second resolution) cannot order writes.";
    public static final String CONFLICT_TABLES = "tandem.conflict.tables";
    private static final String CONFLICT_TABLES_DOC = "Per-table strategies, as destination db.table=strategy entries: "
            + "e.g. 'shop.account=last-writer-wins:updated_at,shop.audit=ignore,shop.ledger=fail'.";
    public static final String CONFLICT_REGION_ORDER = "tandem.conflict.region.order";
    private static final String CONFLICT_REGION_ORDER_DOC = "Regions, first wins: the tie-break of last-writer-wins and "
            + "the order of region-priority. Name every region of the pair or ring, in the same order on every link.";
    public static final String CONFLICT_EXCLUDE = "tandem.conflict.compare.exclude";
    private static final String CONFLICT_EXCLUDE_DOC = "Columns left out when the destination row is compared with a "
            + "change's before image (e.g. a column the destination computes itself): a name alone for every table, or "
            + "db.table.column for one table. By default every column of the before image is compared, NULL-safe; FLOAT "
            + "columns compare through their exact double value.";
    public static final String CONFLICT_TOMBSTONE_HOURS = "tandem.conflict.tombstone.retention.hours";
    private static final String CONFLICT_TOMBSTONE_HOURS_DOC = "How long the tombstones of rows deleted by other regions "
            + "are kept (table tandem_tombstone): under last-writer-wins a change arriving later that is not newer than "
            + "the deleted row does not bring it back. Keep it longer than the longest delay a link can have.";


    public static final ConfigDef CONFIG_DEF = Project.define(new ConfigDef())
            .define(URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                    ConfigDef.LambdaValidator.with(OceanBaseSinkConfig::validateUrl,
                            () -> "jdbc:mariadb://, jdbc:mysql:// or jdbc:oceanbase:// URL"),
                    Importance.HIGH, URL_DOC, GROUP_CONNECTION, 1, Width.LONG, "JDBC URL")
            .define(USER, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, USER_DOC, GROUP_CONNECTION, 2, Width.MEDIUM, "User")
            .define(PASSWORD, Type.PASSWORD, "", Importance.HIGH, PASSWORD_DOC, GROUP_CONNECTION, 3, Width.MEDIUM, "Password")
            .define(DIALECT, Type.STRING, "auto",
                    ConfigDef.LambdaValidator.with(OceanBaseSinkConfig::validateDialect, OceanBaseSinkConfig::dialectChoices),
                    Importance.MEDIUM, DIALECT_DOC, GROUP_CONNECTION, 4, Width.SHORT, "Dialect")
            .define(BATCH_SIZE, Type.INT, 5000, ConfigDef.Range.between(1, 1_000_000), Importance.MEDIUM, BATCH_SIZE_DOC,
                    GROUP_WRITES, 1, Width.SHORT, "Batch size")
            .define(TRANSACTIONS, Type.STRING, "auto", ConfigDef.ValidString.in("auto", "whole", "batched"), Importance.MEDIUM,
                    TRANSACTIONS_DOC, GROUP_WRITES, 4, Width.SHORT, "Source transactions")
            .define(LOAD_DATA, Type.BOOLEAN, true, Importance.LOW, LOAD_DATA_DOC, GROUP_WRITES, 3, Width.SHORT,
                    "LOAD DATA for new rows")
            .define(NON_EMPTY, Type.STRING, "fail", ConfigDef.ValidString.in(ConfigValidators.choices(NonEmptyTables.class)), Importance.MEDIUM,
                    NON_EMPTY_DOC, GROUP_WRITES, 2, Width.SHORT, "Non-empty destination tables")
            .define(TABLE_FORMAT, Type.STRING, "${db}.${table}",
                    ConfigDef.LambdaValidator.with(OceanBaseSinkConfig::validateFormat, () -> "database.table with ${db}, ${table}, ${topic}"),
                    Importance.MEDIUM, TABLE_FORMAT_DOC, GROUP_MAPPING, 1, Width.MEDIUM, "Table name format")
            .define(DDL_SYNC, Type.BOOLEAN, false, Importance.MEDIUM, DDL_SYNC_DOC, GROUP_MAPPING, 3, Width.SHORT, "DDL sync")
            .define(DDL_UNSUPPORTED, Type.STRING, "fail", ConfigDef.ValidString.in(ConfigValidators.choices(UnsupportedDdl.class)), Importance.LOW,
                    DDL_UNSUPPORTED_DOC, GROUP_MAPPING, 4, Width.SHORT, "Unsupported DDL")
            .define(DDL_MULTI_TABLE_WAIT, Type.LONG, 300_000L, ConfigDef.Range.atLeast(1_000L), Importance.LOW,
                    DDL_MULTI_TABLE_WAIT_DOC, GROUP_MAPPING, 6, Width.SHORT, "Multi-table DDL wait")
            .define(POST_INDEXING, Type.BOOLEAN, false, Importance.LOW, POST_INDEXING_DOC, GROUP_MAPPING, 5, Width.SHORT,
                    "Post-indexing")
            .define(CREATE_TABLES, Type.BOOLEAN, true, Importance.MEDIUM, CREATE_TABLES_DOC, GROUP_MAPPING, 2, Width.SHORT,
                    "Create missing tables")
            .define(REGION, Type.STRING, "", ConfigValidators.REGION, Importance.MEDIUM, REGION_DOC, GROUP_ACTIVE_ACTIVE, 1,
                    Width.SHORT, "Region")
            .define(SOURCE_REGION, Type.STRING, "", ConfigValidators.REGION, Importance.MEDIUM, SOURCE_REGION_DOC,
                    GROUP_ACTIVE_ACTIVE, 2, Width.SHORT, "Source region")
            .define(CheckpointTable.CONFIG, Type.STRING, CheckpointTable.DEFAULT,
                    ConfigValidators.QUALIFIED_TABLE,
                    Importance.LOW, CheckpointTable.DOC, GROUP_ACTIVE_ACTIVE, 3, Width.MEDIUM, "Checkpoint table")
            .define(CONFLICT_DETECTION, Type.BOOLEAN, true, Importance.MEDIUM, CONFLICT_DETECTION_DOC, GROUP_CONFLICTS, 1,
                    Width.SHORT, "Conflict detection")
            .define(CONFLICT_STRATEGY, Type.STRING, "overwrite",
                    ConfigDef.LambdaValidator.with(OceanBaseSinkConfig::validateStrategy, () -> String.join(", ", Strategy.names())),
                    Importance.MEDIUM, CONFLICT_STRATEGY_DOC, GROUP_CONFLICTS, 2, Width.SHORT, "Conflict strategy")
            .define(CONFLICT_LWW_COLUMN, Type.STRING, "", Importance.MEDIUM, CONFLICT_LWW_COLUMN_DOC, GROUP_CONFLICTS, 3,
                    Width.SHORT, "Last-writer-wins column")
            .define(CONFLICT_TABLES, Type.LIST, "", Importance.LOW, CONFLICT_TABLES_DOC, GROUP_CONFLICTS, 4, Width.LONG,
                    "Per-table strategies")
            .define(CONFLICT_REGION_ORDER, Type.LIST, "", Importance.MEDIUM, CONFLICT_REGION_ORDER_DOC, GROUP_CONFLICTS, 5,
                    Width.MEDIUM, "Region order")
            .define(CONFLICT_EXCLUDE, Type.LIST, "", Importance.LOW, CONFLICT_EXCLUDE_DOC, GROUP_CONFLICTS, 6, Width.MEDIUM,
                    "Columns not compared")
            .define(CONFLICT_TOMBSTONE_HOURS, Type.INT, 168, ConfigDef.Range.atLeast(1), Importance.LOW,
                    CONFLICT_TOMBSTONE_HOURS_DOC, GROUP_CONFLICTS, 7, Width.SHORT, "Tombstone retention (h)")
            .define(MAX_RETRIES, Type.INT, 10, ConfigDef.Range.atLeast(0), Importance.LOW, MAX_RETRIES_DOC, GROUP_RETRIES, 1,
                    Width.SHORT, "Max retries")
            .define(RETRY_BACKOFF_MS, Type.LONG, 1000L, ConfigDef.Range.atLeast(0), Importance.LOW, RETRY_BACKOFF_MS_DOC,
                    GROUP_RETRIES, 2, Width.SHORT, "Retry backoff (ms)");

    public OceanBaseSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    public String url() {
        return getString(URL).trim();
    }

    public String user() {
        return getString(USER);
    }

    public String password() {
        Password p = getPassword(PASSWORD);
        return p == null ? "" : p.value();
    }

    public Optional<Dialect> configuredDialect() {
        String v = getString(DIALECT).trim().toLowerCase(Locale.ROOT);
        return v.equals("auto") ? Optional.empty() : Optional.of(Dialect.named(v));
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public String tableFormat() {
        return getString(TABLE_FORMAT).trim();
    }

    public boolean ddlSync() {
        return getBoolean(DDL_SYNC);
    }

    public UnsupportedDdl unsupportedDdl() {
        return ConfigValidators.choice(UnsupportedDdl.class, getString(DDL_UNSUPPORTED));
    }

    public long multiTableDdlWaitMs() {
        return getLong(DDL_MULTI_TABLE_WAIT);
    }

    public boolean postIndexing() {
        return getBoolean(POST_INDEXING);
    }

    public boolean loadData() {
        return getBoolean(LOAD_DATA);
    }

    public boolean createTables() {
        return getBoolean(CREATE_TABLES);
    }

    public NonEmptyTables nonEmptyPolicy() {
        return ConfigValidators.choice(NonEmptyTables.class, getString(NON_EMPTY));
    }

    public String region() {
        return getString(REGION).trim();
    }

    public String sourceRegion() {
        return getString(SOURCE_REGION).trim();
    }

    public TableId checkpointTable() {
        return CheckpointTable.parse(getString(CheckpointTable.CONFIG));
    }

    public int maxRetries() {
        return getInt(MAX_RETRIES);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    /** Whether changes are compared with the destination rows (an active-active sink with detection on). */
    public boolean detectsConflicts() {
        return !region().isEmpty() && getBoolean(CONFLICT_DETECTION);
    }

    /** The conflict options, parsed ({@link IllegalArgumentException} with the fix when they do not parse). */
    public ConflictSettings conflictSettings() {
        return ConflictSettings.parse(getString(CONFLICT_STRATEGY), getString(CONFLICT_LWW_COLUMN), getList(CONFLICT_TABLES),
                getList(CONFLICT_REGION_ORDER), getList(CONFLICT_EXCLUDE), getInt(CONFLICT_TOMBSTONE_HOURS));
    }

    /** Field to message for rules between fields. */
    public Map<String, String> crossFieldErrors() {
        Map<String, String> errors = new LinkedHashMap<>();
        if (!region().isEmpty() && region().equals(sourceRegion())) {
            errors.put(REGION, "the sink's region (" + region() + ") equals " + SOURCE_REGION + ": every record without an "
                    + "origin header would be taken for a change made here and dropped; name the source's region");
        }
        conflictErrors(errors);
        transactionErrors(errors);
        return errors;
    }

    /** Whether each source transaction is applied as one destination transaction ('auto' resolved). */
    public boolean wholeTransactions() {
        String mode = getString(TRANSACTIONS);
        return "whole".equals(mode) || "auto".equals(mode) && !region().isEmpty() && oneTask() && readsTransactionTopic();
    }

    /** Which way source transactions are applied, and why: for the task's log. */
    public String transactionsChoice() {
        String mode = getString(TRANSACTIONS);
        if (!"auto".equals(mode)) {
            return mode + " (" + TRANSACTIONS + "=" + mode + ")";
        }
        if (wholeTransactions()) {
            return "whole (the default for an active-active sink that reads its source's transaction topic with one task)";
        }
        String why = region().isEmpty() ? "a one-way sink (" + REGION + " not set)"
                : !oneTask() ? "tasks.max is not 1" : "the source's transaction topic is not among the topics";
        return "batched (" + TRANSACTIONS + "=auto: " + why + "; set " + TRANSACTIONS + "=whole or batched to choose)";
    }

    private boolean oneTask() {
        Object tasks = originals().get("tasks.max");
        return tasks == null || "1".equals(tasks.toString().trim());
    }

    private boolean readsTransactionTopic() {
        Object topics = originals().get("topics");
        Object regex = originals().get("topics.regex");
        return TopicNames.readsTransactionTopic(topics == null ? null : topics.toString(), regex == null ? null : regex.toString());
    }

    private void transactionErrors(Map<String, String> errors) {
        if (!"whole".equals(getString(TRANSACTIONS))) {
            return; // 'auto' chooses whole only where it can work
        }
        if (!oneTask()) {
            errors.put(TRANSACTIONS, "whole transactions need tasks.max=1: a transaction's records are spread over the topics "
                    + "of its tables, and one task must read them all to commit them together (tasks.max is "
                    + originals().get("tasks.max") + ")");
            return;
        }
        Object regex = originals().get("topics.regex");
        String pattern = regex == null ? "" : regex.toString().trim();
        // A regex that does not start with the topic prefix cannot be checked here: it is taken as it is.
        boolean unknown = !pattern.isEmpty() && TopicNames.leadingPrefix(pattern).isEmpty();
        if (!unknown && !readsTransactionTopic()) {
            errors.put(TRANSACTIONS, "whole transactions need the source's transaction topic among the topics: add "
                    + "<topic.prefix>.transaction to topics, or let topics.regex match it (east\\.(shop\\..*|transaction), "
                    + "say); its BEGIN and END events say where each transaction ends");
        }
    }

    private void conflictErrors(Map<String, String> errors) {
        ConflictSettings settings;
        try {
            settings = conflictSettings();
        } catch (IllegalArgumentException e) {
            errors.put(CONFLICT_TABLES, e.getMessage());
            return;
        }
        boolean handled = settings.rules().stream().anyMatch(r -> r.strategy() != Strategy.OVERWRITE);
        if (handled && region().isEmpty()) {
            errors.put(CONFLICT_STRATEGY, "conflict strategies other than overwrite need " + REGION + " (the region of this "
                    + "sink's destination in an active-active pair or ring)");
            return;
        }
        if (settings.rules().stream().anyMatch(r -> r.strategy() == Strategy.LAST_WRITER_WINS && r.column().isEmpty())) {
            errors.put(CONFLICT_LWW_COLUMN, "last-writer-wins needs the column it orders by: set " + CONFLICT_LWW_COLUMN
                    + " (e.g. updated_at), or name it per table (db.table=last-writer-wins:column)");
        }
        boolean ordered = settings.rules().stream().anyMatch(r -> r.strategy().converges());
        if (ordered && !region().isEmpty()) {
            List<String> missing = new java.util.ArrayList<>();
            for (String r : List.of(region(), sourceRegion())) {
                if (!r.isEmpty() && !settings.regionOrder().contains(r)) {
                    missing.add(r);
                }
            }
            if (!missing.isEmpty()) {
                errors.put(CONFLICT_REGION_ORDER, "the region order " + settings.regionOrder() + " omits " + missing
                        + ": name every region of the pair or ring, in the same order on every link (e.g. "
                        + CONFLICT_REGION_ORDER + "=" + String.join(",", new java.util.LinkedHashSet<>(
                                java.util.stream.Stream.concat(settings.regionOrder().stream(),
                                        java.util.stream.Stream.of(region(), sourceRegion()).filter(r -> !r.isEmpty())).toList()))
                        + ")");
            }
        }
    }

    private static void validateStrategy(String name, Object value) {
        try {
            Strategy.of(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    private static String dialectChoices() {
        return "auto, " + Arrays.stream(Dialect.NAMES).collect(Collectors.joining(", "));
    }

    private static void validateDialect(String name, Object value) {
        String v = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
        if (!v.equals("auto") && !Arrays.asList(Dialect.NAMES).contains(v)) {
            throw new ConfigException(name, value, "choose one of " + dialectChoices());
        }
    }

    private static void validateUrl(String name, Object value) {
        String v = value == null ? "" : value.toString().trim();
        if (!(v.startsWith("jdbc:mariadb://") || v.startsWith("jdbc:mysql://") || v.startsWith("jdbc:oceanbase://"))) {
            throw new ConfigException(name, value, "use a jdbc:mariadb://, jdbc:mysql:// or jdbc:oceanbase:// URL, "
                    + "e.g. jdbc:mariadb://db.example:3306/");
        }
    }

    private static void validateFormat(String name, Object value) {
        String v = String.valueOf(value);
        String probe = v.replace("${db}", "d").replace("${table}", "t").replace("${topic}", "x");
        if (probe.contains("${") || probe.indexOf('.') <= 0 || probe.endsWith(".")) {
            throw new ConfigException(name, value, "must name database.table using only ${db}, ${table} and ${topic}, "
                    + "e.g. ${db}.${table} or shop_copy.${table}");
        }
    }
}
