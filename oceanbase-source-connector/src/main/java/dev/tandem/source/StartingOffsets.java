package dev.tandem.source;

import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The offsets the Debezium task reads at start, as a view over Connect's: where Connect has none
 * for the connector's partition and the user gave a start position (or the one stored is lost and
 * the tables were copied again), the task sees that position as if Debezium had stored it.
 * Everything else is Connect's own.
 */
final class StartingOffsets implements OffsetStorageReader {

    private final OffsetStorageReader stored;
    private final Map<String, ?> partition;
    private final Map<String, Object> start;
    /** Whether {@code start} replaces a stored offset too (one the server no longer has the binlog for). */
    private final boolean replacing;

    StartingOffsets(OffsetStorageReader stored, Map<String, ?> partition, Map<String, Object> start) {
        this(stored, partition, start, false);
    }

    StartingOffsets(OffsetStorageReader stored, Map<String, ?> partition, Map<String, Object> start, boolean replacing) {
        this.stored = stored;
        this.partition = partition;
        this.start = start;
        this.replacing = replacing;
    }

    /** The partition under which Debezium's binlog connectors store their offset. */
    static Map<String, String> debeziumPartition(Map<String, String> taskProps) {
        return Map.of("server", taskProps.getOrDefault("topic.prefix", ""));
    }

    @Override
    public <T> Map<String, Object> offset(Map<String, T> requested) {
        Map<String, Object> offset = stored.offset(requested);
        return (offset == null || replacing) && partition.equals(requested) ? new HashMap<>(start) : offset;
    }

    @Override
    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
        Map<Map<String, T>, Map<String, Object>> offsets = new HashMap<>(stored.offsets(partitions));
        for (Map<String, T> p : partitions) {
            if ((offsets.get(p) == null || replacing) && partition.equals(p)) {
                offsets.put(p, new HashMap<>(start));
            }
        }
        return offsets;
    }

    /** A task context identical to {@code context} but reading offsets through {@code reader}. */
    static SourceTaskContext contextWith(SourceTaskContext context, OffsetStorageReader reader) {
        return new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return context.configs();
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return reader;
            }

            @Override
            public org.apache.kafka.connect.source.TransactionContext transactionContext() {
                return context.transactionContext();
            }

            @Override
            public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
                return context.pluginMetrics();
            }
        };
    }
}
