package dev.tandem.source;

import io.debezium.connector.common.BaseSourceTask;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.meters.CommonEventMeter;
import io.debezium.pipeline.metrics.PipelineMetrics;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.pipeline.txmetadata.TransactionInfo;
import io.debezium.spi.schema.DataCollectionId;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Debezium's streaming metrics describe the last event read (the {@code LastEvent} attribute of
 * its JMX bean), and build that description for every event: the default, Debezium's {@code
 * EventMetadataProvider.toSummaryString}, writes the key as JSON with a Jackson {@code
 * ObjectMapper} created for each event. On a busy source that is a third of the binlog reader
 * thread's time and most of what it allocates (JFR, {@code benchmarks/run.sh incremental
 * --profile}). Tandem gives the meter a provider that describes the event by its position and key
 * from {@code Map.toString} and {@code Struct.toString}; every other answer (timestamps, positions,
 * transactions) still comes from Debezium's own provider.
 *
 * <p>Debezium keeps that provider in private fields of its coordinator's metrics, so they are
 * reached by reflection. Should a Debezium version lay them out differently, the metrics are left
 * as they are (said once in the log) and the stream runs as before, only slower.
 */
final class LastEventSummary {

    private static final Logger LOG = LoggerFactory.getLogger(LastEventSummary.class);
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private LastEventSummary() {
    }

    /** Replaces the event description of {@code task}'s streaming metrics (a started Debezium task); false when it cannot. */
    static boolean install(SourceTask task) {
        try {
            Object coordinator = field(BaseSourceTask.class, "coordinator").get(task);
            Object metrics = coordinator == null ? null : field(ChangeEventSourceCoordinator.class, "streamingMetrics").get(coordinator);
            if (!(metrics instanceof PipelineMetrics)) {
                return told("its streaming metrics are not there");
            }
            Object meter = field(PipelineMetrics.class, "commonEventMeter").get(metrics);
            Field providerField = field(CommonEventMeter.class, "metadataProvider");
            Object provider = providerField.get(meter);
            if (provider instanceof Plain) {
                return true;
            }
            if (!(provider instanceof EventMetadataProvider debezium)) {
                return told("its event meter has no metadata provider");
            }
            providerField.set(meter, new Plain(debezium));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return told(e.toString());
        }
    }

    /** Whether the fields {@link #install} goes through exist in the Debezium on the class path. */
    static boolean layoutPresent() {
        try {
            field(BaseSourceTask.class, "coordinator");
            field(ChangeEventSourceCoordinator.class, "streamingMetrics");
            field(PipelineMetrics.class, "commonEventMeter");
            return EventMetadataProvider.class.isAssignableFrom(field(CommonEventMeter.class, "metadataProvider").getType());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static boolean told(String why) {
        if (TOLD.compareAndSet(false, true)) {
            LOG.info("Debezium's LastEvent metric is built as Debezium builds it (a JSON text of each event's key, slower): {}", why);
        }
        return false;
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /** Debezium's provider, with an event described without JSON. */
    record Plain(EventMetadataProvider debezium) implements EventMetadataProvider {

        @Override
        public Instant getEventTimestamp(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return debezium.getEventTimestamp(source, offset, key, value);
        }

        @Override
        public Map<String, String> getEventSourcePosition(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return debezium.getEventSourcePosition(source, offset, key, value);
        }

        @Override
        public String getTransactionId(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return debezium.getTransactionId(source, offset, key, value);
        }

        @Override
        public TransactionInfo getTransactionInfo(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return debezium.getTransactionInfo(source, offset, key, value);
        }

        @Override
        public String toSummaryString(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return "position: " + getEventSourcePosition(source, offset, key, value) + ", key: " + key;
        }
    }
}
