package dev.tandem.sink;

import dev.tandem.common.Envelope;
import dev.tandem.common.TandemHeaders;
import dev.tandem.common.TandemVersion;
import dev.tandem.common.select.TableId;
import dev.tandem.sink.apply.Applier;
import dev.tandem.sink.apply.ChangeRecord;
import dev.tandem.sink.apply.Dialect;
import dev.tandem.sink.apply.Jdbc;
import dev.tandem.sink.apply.RecordReader;
import dev.tandem.sink.apply.SinkMetrics;
import dev.tandem.sink.apply.StatementWriter;
import dev.tandem.sink.checkpoint.Checkpoints;
import dev.tandem.sink.schema.DdlApplier;
import dev.tandem.sink.schema.DdlTranslator;
import dev.tandem.sink.schema.DestinationDdl;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Applies the records of its partitions to the destination, exactly once: on every assignment it
 * reads its checkpoints and seeks past what is already applied; every transaction it commits
 * carries the new checkpoint. Records that originated in the sink's own region are skipped.
 */
public class OceanBaseSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(OceanBaseSinkTask.class);

    private OceanBaseSinkConfig config;
    private RecordReader reader;
    private Checkpoints checkpoints;
    private Applier applier;
    private SinkMetrics metrics;
    private ErrantRecordReporter reporter;
    private DdlApplier ddl;
    /** The last offset applied per partition: records at or below it are not applied again. */
    private final Map<TopicPartition, Long> applied = new HashMap<>();

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new OceanBaseSinkConfig(props);
        String connector = props.getOrDefault("name", "tandem-sink");
        reader = new RecordReader(config.tableFormat(), config.sourceRegion());
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null; // a worker older than Kafka 2.6
        }
        metrics = new SinkMetrics(context.pluginMetrics());
        try {
            Connection c = openConnection();
            Dialect dialect = config.configuredDialect().orElse(detect(c));
            checkpoints = new Checkpoints(config.checkpointTable(), connector, dialect);
            checkpoints.create(c);
            checkpoints.markDdlSync(c, config.ddlSync(), config.region());
            StatementWriter writer = new StatementWriter(dialect, maxAllowedPacket(c));
            applier = new Applier(this::openConnection, c, writer, checkpoints, config.createTables(), config.nonEmptyPolicy(),
                    reporter, metrics, config.maxRetries(), config.retryBackoffMs());
            ddl = new DdlApplier(applier::connection, checkpoints,
                    new DdlTranslator(t -> reader.destination(t.database(), t.table(), ""), DestinationDdl.read(c, dialect.name())),
                    metrics, config.ddlSync(),
                    config.createTables(), config.postIndexing(), config.skipUnsupportedDdl());
            LOG.info("Sink task of '{}' started: {} dialect, checkpoints in {}", connector, dialect.name(), checkpoints.table());
        } catch (SQLException e) {
            throw new ConnectException("Cannot prepare the destination " + config.url() + ": " + e.getMessage(), e);
        }
    }

    private Connection openConnection() throws SQLException {
        return Jdbc.open(config.url(), config.user(), config.password());
    }

    private static Dialect detect(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION(), @@version_comment")) {
            rs.next();
            return Dialect.detect(rs.getString(1), rs.getString(2));
        }
    }

    private static long maxAllowedPacket(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@max_allowed_packet")) {
            return rs.next() ? rs.getLong(1) : 4L * 1024 * 1024;
        }
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        try {
            Map<TopicPartition, Long> stored = checkpoints.read(applier.connection(), partitions);
            for (var e : stored.entrySet()) {
                applied.put(e.getKey(), e.getValue());
                context.offset(e.getKey(), e.getValue() + 1);
            }
            if (!stored.isEmpty()) {
                LOG.info("Resuming after the checkpointed offsets {}", stored);
            }
        } catch (SQLException e) {
            throw new ConnectException("Cannot read the checkpoints from " + checkpoints.table() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        partitions.forEach(applied::remove);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        Run run = new Run();
        Set<TableId> loaded = new LinkedHashSet<>();
        int skipped = 0;
        for (SinkRecord record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
            Long done = applied.get(tp);
            if (done != null && record.kafkaOffset() <= done) {
                continue; // applied before a restart: the checkpoint says so
            }
            org.apache.kafka.connect.header.Header complete = record.headers().lastWithName(TandemHeaders.SNAPSHOT_COMPLETE);
            if (complete != null) {
                // A chunked snapshot's "table complete" record: every snapshot row of the table is before it.
                run.flush();
                TableId source = TableId.parse(String.valueOf(complete.value()));
                String createTable = record.value() instanceof Struct v && v.schema().field("ddl") != null ? v.getString("ddl") : null;
                ddl.tableLoaded(reader.destination(source.database(), source.table(), record.topic()), createTable,
                        source.database());
                applied.put(tp, record.kafkaOffset());
                continue;
            }
            if (DdlApplier.isSchemaChange(record)) {
                run.flush(); // a barrier: the rows before it are applied first, those after it meet the changed table
                String origin = reader.origin(record);
                if (ownOrigin(origin)) {
                    skipped++;
                    continue; // our own DDL, back from the other region
                }
                if (ddl.apply(record, origin)) {
                    applied.put(tp, record.kafkaOffset());
                }
                continue;
            }
            ChangeRecord change;
            try {
                change = reader.read(record);
            } catch (DataException e) {
                report(record, e);
                continue;
            }
            if (ownOrigin(change.origin())) {
                skipped++;
                continue;
            }
            if (ddl.hasDeferred() && ddl.waits(change.table()) && snapshotDone(record)) {
                loaded.add(change.table());
            }
            run.add(change, tp, record.kafkaOffset());
        }
        run.flush();
        loaded.forEach(ddl::tableLoaded);
        if (skipped > 0) {
            metrics.skipped(skipped);
        }
    }

    /** Whether a change was made in this sink's own region (so applying it would make a loop). */
    private boolean ownOrigin(String origin) {
        return !config.region().isEmpty() && config.region().equals(origin);
    }

    /** The records of one origin gathered into the next destination transaction (at most tandem.batch.size). */
    private final class Run {
        private List<ChangeRecord> records = new ArrayList<>();
        private Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        private String origin;

        void add(ChangeRecord change, TopicPartition tp, long offset) {
            if (origin != null && (!origin.equals(change.origin()) || records.size() >= config.batchSize())) {
                flush();
            }
            origin = change.origin();
            records.add(change);
            offsets.put(tp, offset);
        }

        void flush() {
            if (records.isEmpty()) {
                return;
            }
            applier.apply(records, origin, offsets);
            applied.putAll(offsets);
            records = new ArrayList<>();
            offsets = new LinkedHashMap<>();
            origin = null;
        }
    }

    /** The last snapshot row of its table, or a change after the snapshot: the table's snapshot rows are (being) applied. */
    private static boolean snapshotDone(SinkRecord record) {
        if (!(record.value() instanceof Struct v) || v.schema().field(Envelope.OP) == null) {
            return false;
        }
        if (!Envelope.OP_READ.equals(v.getString(Envelope.OP))) {
            return true;
        }
        Struct source = v.schema().field(Envelope.SOURCE) == null ? null : v.getStruct(Envelope.SOURCE);
        Object flag = source == null || source.schema().field(Envelope.SOURCE_SNAPSHOT) == null ? null
                : source.get(Envelope.SOURCE_SNAPSHOT);
        return flag != null && (flag.toString().equals("last") || flag.toString().equals("last_in_data_collection"));
    }

    private void report(SinkRecord record, DataException e) {
        if (reporter == null) {
            throw new ConnectException("Cannot read " + record.topic() + "-" + record.kafkaPartition() + "@"
                    + record.kafkaOffset() + ": " + e.getMessage(), e);
        }
        LOG.warn("Sending {}-{}@{} to the dead-letter queue: {}", record.topic(), record.kafkaPartition(),
                record.kafkaOffset(), e.getMessage());
        try {
            reporter.report(record, e).get();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while reporting a record", ie);
        } catch (ExecutionException ee) {
            throw new ConnectException("could not report a record to the dead-letter queue: " + ee.getMessage(), ee);
        }
    }

    @Override
    public void stop() {
        if (applier != null) {
            applier.close();
        }
    }
}
