package dev.tandem.source.core.snapshot;

import dev.tandem.common.ServerKind;
import dev.tandem.common.TandemHeaders;
import dev.tandem.source.core.DebeziumFormat;
import io.debezium.config.Configuration;
import io.debezium.connector.SnapshotRecord;
import io.debezium.connector.SourceInfoStructMaker;
import io.debezium.connector.binlog.BinlogConnectorConfig;
import io.debezium.connector.binlog.BinlogSourceInfo;
import io.debezium.connector.binlog.charset.BinlogCharsetRegistry;
import io.debezium.connector.binlog.jdbc.BinlogConnectorConnection;
import io.debezium.connector.mariadb.MariaDbConnectorConfig;
import io.debezium.connector.mariadb.antlr.MariaDbAntlrDdlParser;
import io.debezium.connector.mariadb.jdbc.MariaDbConnection;
import io.debezium.connector.mariadb.jdbc.MariaDbConnectionConfiguration;
import io.debezium.connector.mariadb.jdbc.MariaDbDefaultValueConverter;
import io.debezium.connector.mariadb.jdbc.MariaDbFieldReader;
import io.debezium.connector.mariadb.jdbc.MariaDbValueConverters;
import io.debezium.connector.mysql.MySqlConnectorConfig;
import io.debezium.connector.mysql.antlr.MySqlAntlrDdlParser;
import io.debezium.connector.mysql.jdbc.MySqlConnection;
import io.debezium.connector.mysql.jdbc.MySqlConnectionConfiguration;
import io.debezium.connector.mysql.jdbc.MySqlDefaultValueConverter;
import io.debezium.connector.mysql.jdbc.MySqlFieldReaderResolver;
import io.debezium.connector.mysql.jdbc.MySqlValueConverters;
import io.debezium.converters.custom.CustomConverterServiceProvider;
import io.debezium.relational.CustomConverterRegistry;
import io.debezium.relational.DefaultValueConverter;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.TableSchema;
import io.debezium.relational.TableSchemaBuilder;
import io.debezium.relational.Tables;
import io.debezium.relational.ValueConverterProvider;
import io.debezium.relational.ddl.DdlParser;
import io.debezium.relational.history.ConnectTableChangeSerializer;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.TableChanges;
import io.debezium.relational.mapping.ColumnMappers;
import io.debezium.schema.SchemaFactory;
import io.debezium.spi.topic.TopicNamingStrategy;
import io.debezium.util.ColumnUtils;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds snapshot change events exactly as Debezium's own snapshot of the same connector would:
 * the table is read from its {@code SHOW CREATE TABLE} by Debezium's DDL parser, its key and value
 * schemas come from Debezium's {@link TableSchemaBuilder} with the connector's value converters,
 * column filters and mappers, values are read from the result set by Debezium's field reader,
 * and the {@code source} block is Debezium's. A consumer therefore cannot tell our chunked
 * snapshot's records from Debezium's, and the schemas match those of the streamed changes.
 */
public final class SnapshotEvents implements AutoCloseable {

    /** One captured table: its Debezium model, schemas and topic, and its CREATE TABLE. */
    public record Shape(dev.tandem.common.select.TableId id, Table table, TableSchema schema, String topic, String ddl) {

        public List<String> quotedColumns() {
            return table.columns().stream().map(c -> quote(c.name())).toList();
        }
    }

    private final BinlogConnectorConfig config;
    private final BinlogConnectorConnection connection;
    private final DdlParser parser;
    private final TableSchemaBuilder schemas;
    private final ColumnMappers mappers;
    private final TopicNamingStrategy<TableId> topics;
    private final SourceInfoStructMaker<BinlogSourceInfo> sourceStructs;
    private final java.util.function.Supplier<BinlogSourceInfo> sourceInfos;
    private final ConnectTableChangeSerializer tableChanges;
    private final Schema schemaChangeKey;
    private final Schema schemaChangeValue;
    private final Tables tables = new Tables();
    private java.util.function.UnaryOperator<String> definitions = java.util.function.UnaryOperator.identity();

    @SuppressWarnings("unchecked")
    private SnapshotEvents(BinlogConnectorConfig config, ValueConverterProvider values, DefaultValueConverter defaults,
                           BinlogConnectorConnection connection, DdlParser parser,
                           java.util.function.Supplier<BinlogSourceInfo> sourceInfos) {
        this.config = config;
        this.connection = connection;
        this.parser = parser;
        this.sourceInfos = sourceInfos;
        this.topics = config.getTopicNamingStrategy(BinlogConnectorConfig.TOPIC_NAMING_STRATEGY);
        this.sourceStructs = (SourceInfoStructMaker<BinlogSourceInfo>) (SourceInfoStructMaker<?>) config.getSourceInfoStructMaker();
        this.schemas = new TableSchemaBuilder(values, defaults, config.schemaNameAdjuster(),
                config.getServiceRegistry().tryGetService(CustomConverterRegistry.class), sourceStructs.schema(),
                config.getFieldNamer(), false, config.getEventConvertingFailureHandlingMode());
        this.mappers = ColumnMappers.create(config);
        this.tableChanges = new ConnectTableChangeSerializer(config.schemaNameAdjuster());
        this.schemaChangeKey = SchemaFactory.get().schemaHistoryConnectorKeySchema(config.schemaNameAdjuster(), config);
        this.schemaChangeValue = SchemaFactory.get().schemaHistoryConnectorValueSchema(config.schemaNameAdjuster(), config,
                tableChanges);
    }

    /** For the Debezium connector of {@code format}, configured with the connector's Debezium properties. */
    public static SnapshotEvents open(DebeziumFormat format, Map<String, String> debeziumProps) throws SQLException {
        SnapshotEvents events = offline(format, debeziumProps);
        events.readServerCharsets();
        return events;
    }

    /**
     * As {@link #open}, without reading the server's charset variables: nothing connects until a
     * method needs the server. Tables come from given CREATE TABLE statements ({@link #shape(dev.tandem.common.select.TableId, String)}).
     */
    public static SnapshotEvents offline(DebeziumFormat format, Map<String, String> debeziumProps) {
        Configuration configuration = Configuration.from(debeziumProps);
        SnapshotEvents events;
        if (format == DebeziumFormat.MARIADB) {
            MariaDbConnectorConfig config = new MariaDbConnectorConfig(configuration);
            config.getServiceRegistry().registerServiceProvider(new CustomConverterServiceProvider());
            MariaDbValueConverters values = new MariaDbValueConverters(config.getDecimalMode(), config.getTemporalPrecisionMode(),
                    config.getBigIntUnsignedHandlingMode().asBigIntUnsignedMode(), config.binaryHandlingMode(),
                    config.isTimeAdjustedEnabled() ? MariaDbValueConverters::adjustTemporal : x -> x,
                    config.getEventConvertingFailureHandlingMode(), config.getServiceRegistry());
            events = new SnapshotEvents(config, values, new MariaDbDefaultValueConverter(values),
                    new MariaDbConnection(new MariaDbConnectionConfiguration(configuration), new MariaDbFieldReader(config)),
                    new MariaDbAntlrDdlParser(true, false, config.isSchemaCommentsHistoryEnabled(),
                            config.getTableFilters().dataCollectionFilter(),
                            config.getServiceRegistry().getService(BinlogCharsetRegistry.class)),
                    () -> new io.debezium.connector.mariadb.SourceInfo(config));
        } else {
            MySqlConnectorConfig config = new MySqlConnectorConfig(configuration);
            config.getServiceRegistry().registerServiceProvider(new CustomConverterServiceProvider());
            MySqlValueConverters values = new MySqlValueConverters(config.getDecimalMode(), config.getTemporalPrecisionMode(),
                    config.getBigIntUnsignedHandlingMode().asBigIntUnsignedMode(), config.binaryHandlingMode(),
                    config.isTimeAdjustedEnabled() ? MySqlValueConverters::adjustTemporal : x -> x,
                    config.getEventConvertingFailureHandlingMode(), config.getServiceRegistry());
            events = new SnapshotEvents(config, values, new MySqlDefaultValueConverter(values),
                    new MySqlConnection(new MySqlConnectionConfiguration(configuration), MySqlFieldReaderResolver.resolve(config)),
                    new MySqlAntlrDdlParser(true, false, config.isSchemaCommentsHistoryEnabled(),
                            config.getTableFilters().dataCollectionFilter(),
                            config.getServiceRegistry().getService(BinlogCharsetRegistry.class)),
                    () -> new io.debezium.connector.mysql.SourceInfo(config));
        }
        return events;
    }

    /** The server's charset variables, as Debezium's snapshot gives them to its parser before any CREATE TABLE. */
    private void readServerCharsets() throws SQLException {
        parser.parse(connection.setStatementFor(connection.readCharsetSystemVariables()), tables);
    }

    /** The JDBC connection Debezium's snapshot would read with (same URL, time zone and driver settings). */
    public Connection jdbc() throws SQLException {
        return connection.connection();
    }

    /**
     * The end of the binlog now ({@code SHOW MASTER STATUS} or, on MySQL 8.4, {@code SHOW BINARY LOG
     * STATUS}): file, position and the executed GTID set where the server reports one (MySQL).
     */
    public dev.tandem.source.core.StartPosition binlogEnd() throws SQLException {
        try (Statement s = jdbc().createStatement(); ResultSet rs = s.executeQuery(connection.binaryLogStatusStatement())) {
            if (!rs.next()) {
                throw new SQLException("the server reports no binlog status: is log_bin on?");
            }
            String gtids = null;
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                if (rs.getMetaData().getColumnLabel(i).equalsIgnoreCase("Executed_Gtid_Set")) {
                    String set = rs.getString(i);
                    gtids = set == null || set.isBlank() ? null : set.replaceAll("\\s+", "");
                }
            }
            return new dev.tandem.source.core.StartPosition(rs.getString(1), rs.getLong(2), gtids);
        }
    }


    /**
     * The base tables Debezium's filters capture, outside the system databases and other than
     * {@code excluded} (may be null), with the server's estimate of their row counts.
     */
    public Map<dev.tandem.common.select.TableId, Long> capturedTables(dev.tandem.common.select.TableId excluded)
            throws SQLException {
        Map<dev.tandem.common.select.TableId, Long> out = new java.util.LinkedHashMap<>();
        try (Statement s = jdbc().createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES "
                     + "WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_SCHEMA, TABLE_NAME")) {
            while (rs.next()) {
                var id = new dev.tandem.common.select.TableId(rs.getString(1), rs.getString(2));
                if (!ServerKind.isSystemDatabase(id.database()) && !id.equals(excluded)
                        && captures(id)) {
                    out.put(id, rs.getLong(3));
                }
            }
        }
        return out;
    }

    /** Whether Debezium's table filters capture {@code id}. */
    public boolean captures(dev.tandem.common.select.TableId id) {
        return config.getTableFilters().dataCollectionFilter().isIncluded(debeziumId(id));
    }

    /** The table's {@code SHOW CREATE TABLE}, or null when there is no such table. */
    public static String showCreateTable(Connection c, dev.tandem.common.select.TableId id) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + quote(id.database()) + "." + quote(id.table()))) {
            return rs.next() ? rs.getString(2) : null;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146) {
                return null; // no such table
            }
            throw e;
        }
    }

    /**
     * Has {@link #shape(dev.tandem.common.select.TableId)} pass each {@code SHOW CREATE TABLE} through
     * {@code rewrite} before Debezium's parser reads it ({@link SnapshotClock#definition}).
     */
    public void readDefinitionsThrough(java.util.function.UnaryOperator<String> rewrite) {
        this.definitions = rewrite;
    }

    /** Reads the table's definition and builds its schemas; null when the table is gone. */
    public Shape shape(dev.tandem.common.select.TableId id) throws SQLException {
        String ddl = showCreateTable(jdbc(), id);
        return ddl == null ? null : shape(id, definitions.apply(ddl));
    }

    /** The table defined by {@code ddl} (its CREATE TABLE), with its schemas. */
    public Shape shape(dev.tandem.common.select.TableId id, String ddl) throws SQLException {
        parser.setCurrentDatabase(id.database());
        parser.parse(ddl, tables);
        Table table = tables.forTable(debeziumId(id));
        if (table == null) {
            throw new SQLException("Debezium's DDL parser did not understand the definition of " + id + ": " + ddl);
        }
        return shapeOf(id, table, ddl);
    }

    private Shape shapeOf(dev.tandem.common.select.TableId id, Table table, String ddl) {
        TableSchema schema = schemas.create(topics, table, config.getColumnFilter(), mappers, config.getKeyMapper());
        return new Shape(id, table, schema, topics.dataChangeTopic(table.id()), ddl);
    }

    /** What one DDL statement did to the known tables: their new shapes, the tables it dropped, the change list. */
    public record DdlEffect(List<Shape> changed, List<dev.tandem.common.select.TableId> dropped, TableChanges changes) {
    }

    /**
     * Applies {@code ddl}, run in {@code database}, to the tables known so far (as Debezium's
     * schema history would): the shapes of the tables it created or altered, and those it dropped.
     */
    public DdlEffect applyDdl(String database, String ddl) {
        Map<TableId, Table> before = new java.util.HashMap<>();
        tables.tableIds().forEach(t -> before.put(t, tables.forTable(t)));
        tables.drainChanges();
        if (database != null && !database.isEmpty()) {
            parser.setCurrentDatabase(database);
        }
        parser.parse(ddl, tables);
        List<Shape> changed = new ArrayList<>();
        List<dev.tandem.common.select.TableId> dropped = new ArrayList<>();
        TableChanges changes = new TableChanges();
        for (TableId t : tables.drainChanges()) {
            var id = new dev.tandem.common.select.TableId(t.catalog(), t.table());
            Table now = tables.forTable(t);
            if (now == null) {
                dropped.add(id);
                if (before.containsKey(t)) {
                    changes.drop(before.get(t).id());
                }
            } else {
                changed.add(shapeOf(id, now, null));
                if (before.containsKey(t)) {
                    changes.alter(now);
                } else {
                    changes.create(now);
                }
            }
        }
        return new DdlEffect(changed, dropped, changes);
    }

    /** The key columns Debezium keys records by (the primary key, or message.key.columns). */
    public List<String> keyColumns(Shape shape) {
        List<String> names = new ArrayList<>();
        new io.debezium.relational.Key.Builder(shape.table()).customKeyMapper(config.getKeyMapper()).build().keyColumns()
                .forEach(c -> names.add(c.name()));
        return names;
    }

    /** The {@code source} block of a snapshot row of {@code shape} read at {@code position}. */
    Struct source(Shape shape, String binlogFile, long binlogPosition, Instant readAt) {
        return source(shape.id(), binlogFile, binlogPosition, readAt, true);
    }

    /**
     * The {@code source} block of an event of {@code table} (of its database alone when the table is
     * null) at {@code position}, changed at {@code time}; a snapshot row's or a streamed change's.
     */
    public Struct source(dev.tandem.common.select.TableId table, String binlogFile, long binlogPosition, Instant time,
                         boolean snapshot) {
        BinlogSourceInfo info = sourceInfos.get();
        info.setBinlogPosition(binlogFile, binlogPosition);
        info.setSnapshot(snapshot ? SnapshotRecord.TRUE : SnapshotRecord.FALSE);
        if (table.table() == null || table.table().isEmpty()) {
            info.databaseEvent(table.database());
        } else {
            info.tableEvent(debeziumId(table));
        }
        info.setSourceTime(time);
        return sourceStructs.struct(info);
    }

    /** Maps result-set columns to the table's columns (once per query). */
    public ColumnUtils.ColumnArray columns(ResultSet rs, Shape shape) throws SQLException {
        return ColumnUtils.toArray(rs, shape.table());
    }

    /** The current row as Debezium's snapshot reads it. */
    public Object[] row(ResultSet rs, Shape shape, ColumnUtils.ColumnArray columns) throws SQLException {
        return connection.rowToArray(shape.table(), rs, columns);
    }

    /** A snapshot read event ({@code op=r}) of {@code row}. */
    SourceRecord read(Shape shape, Object[] row, Struct source, Map<String, ?> partition, Map<String, ?> offset) {
        Struct key = shape.schema().keyFromColumnData(row);
        Struct after = shape.schema().valueFromColumnData(row);
        Struct envelope = shape.schema().getEnvelopeSchema().read(after, source, Instant.now());
        return new SourceRecord(partition, offset, shape.topic(), null, shape.schema().keySchema(), key,
                shape.schema().getEnvelopeSchema().schema(), envelope);
    }

    /**
     * A streamed change event of {@code shape} ({@code op} c, u or d; {@code before} null for c,
     * {@code after} null for d), keyed as Debezium keys it, in its table's topic; with a
     * {@code transaction} block when {@code transaction} is not null.
     */
    public SourceRecord change(Shape shape, io.debezium.data.Envelope.Operation op, Object[] before, Object[] after,
                               Struct source, Struct transaction, Map<String, ?> partition, Map<String, ?> offset) {
        TableSchema schema = shape.schema();
        Struct key = schema.keyFromColumnData(after != null ? after : before);
        Struct beforeValue = before == null ? null : schema.valueFromColumnData(before);
        Struct afterValue = after == null ? null : schema.valueFromColumnData(after);
        io.debezium.data.Envelope envelope = schema.getEnvelopeSchema();
        Instant now = Instant.now();
        Struct value = switch (op) {
            case CREATE -> envelope.create(afterValue, source, now);
            case UPDATE -> envelope.update(beforeValue, afterValue, source, now);
            case DELETE -> envelope.delete(beforeValue, source, now);
            default -> throw new IllegalArgumentException("not a change operation: " + op);
        };
        if (transaction != null && value.schema().field(io.debezium.data.Envelope.FieldName.TRANSACTION) != null) {
            value.put(io.debezium.data.Envelope.FieldName.TRANSACTION, transaction);
        }
        return new SourceRecord(partition, offset, shape.topic(), null, schema.keySchema(), key, envelope.schema(), value);
    }

    /** The tombstone Debezium writes after a delete (same topic and key, null value). */
    public static SourceRecord tombstone(SourceRecord delete) {
        return new SourceRecord(delete.sourcePartition(), delete.sourceOffset(), delete.topic(), null, delete.keySchema(),
                delete.key(), null, null);
    }

    /** Debezium's transaction topic for this connector's prefix. */
    public String transactionTopic() {
        return topics.transactionTopic();
    }

    /** Debezium's schema change topic (the prefix). */
    public String schemaChangeTopic() {
        return topics.schemaChangeTopic();
    }

    /**
     * A schema change event as Debezium's binlog connectors write it to the schema change topic:
     * keyed by database, with the statement and the table changes it made.
     */
    public SourceRecord schemaChange(String database, String ddl, TableChanges changes, Struct source,
                                     Map<String, ?> partition, Map<String, ?> offset) {
        Struct key = new Struct(schemaChangeKey).put(HistoryRecord.Fields.DATABASE_NAME, database);
        Struct value = new Struct(schemaChangeValue)
                .put(HistoryRecord.Fields.SOURCE, source)
                .put(HistoryRecord.Fields.TIMESTAMP, System.currentTimeMillis())
                .put(HistoryRecord.Fields.DATABASE_NAME, database)
                .put(HistoryRecord.Fields.SCHEMA_NAME, null)
                .put(HistoryRecord.Fields.DDL_STATEMENTS, ddl)
                .put(HistoryRecord.Fields.TABLE_CHANGES, tableChanges.serialize(changes));
        return new SourceRecord(partition, offset, schemaChangeTopic(), 0, schemaChangeKey, key, schemaChangeValue, value);
    }

    /**
     * The table's CREATE TABLE as Debezium's snapshot emits it on the schema change topic, addressed
     * to the table's own topic with header {@link TandemHeaders#DDL_COPY} and no key (as the source's DDL copies).
     */
    SourceRecord createTableCopy(Shape shape, Struct source, Map<String, ?> partition, Map<String, ?> offset) throws SQLException {
        SourceRecord change = schemaChange(shape.id().database(), shape.ddl(), new TableChanges().create(shape.table()), source,
                partition, offset);
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBoolean(TandemHeaders.DDL_COPY, true);
        Map<String, String> defaults = databaseDefaults(jdbc(), shape.id().database());
        if (defaults != null) {
            defaults.forEach(headers::addString);
        }
        return new SourceRecord(partition, offset, shape.topic(), 0, null, null, change.valueSchema(),
                change.value(), null, headers);
    }

    private static TableId debeziumId(dev.tandem.common.select.TableId id) {
        return new TableId(id.database(), null, id.table());
    }

    /**
     * A database's default character set and collation as DDL-copy headers ({@link TandemHeaders#DATABASE_CHARSET},
     * {@link TandemHeaders#DATABASE_COLLATION}), or null when there is no such database.
     */
    public static Map<String, String> databaseDefaults(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME "
                + "FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Map.of(TandemHeaders.DATABASE_CHARSET, rs.getString(1), TandemHeaders.DATABASE_COLLATION,
                        rs.getString(2)) : null;
            }
        }
    }

    public static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
