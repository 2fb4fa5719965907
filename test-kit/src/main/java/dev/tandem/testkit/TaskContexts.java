package dev.tandem.testkit;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The context a Connect worker gives a task, for driving one task directly in a unit test: a sink
 * task's assignment, plugin metrics, the offsets it seeks to, and (when asked for) a dead-letter
 * queue that keeps what it is given with the reason; a source task's committed offsets.
 */
public final class TaskContexts {

    private TaskContexts() {
    }

    /** A sink task's context without a dead-letter queue (errors.tolerance=none). */
    public static Sink sink(Set<TopicPartition> assigned) {
        return new Sink(assigned, false);
    }

    /** A sink task's context with a dead-letter queue. */
    public static Sink sinkWithDeadLetterQueue(Set<TopicPartition> assigned) {
        return new Sink(assigned, true);
    }

    /**
     * A source task's context whose offset reader answers with {@code committed} (source partition → source
     * offset), as a worker answers from its offset topic; its plugin metrics are not exported.
     */
    public static SourceTaskContext source(Map<? extends Map<String, ?>, Map<String, Object>> committed) {
        OffsetStorageReader reader = committedOffsets(committed);
        PluginMetrics metrics = new org.apache.kafka.common.metrics.internals.PluginMetricsImpl(
                new org.apache.kafka.common.metrics.Metrics(), Map.of("connector", "test", "task", "0"));
        return new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return Map.of();
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return reader;
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return metrics;
            }
        };
    }

    /** An offset reader that answers with {@code committed} (source partition → source offset). */
    public static OffsetStorageReader committedOffsets(Map<? extends Map<String, ?>, Map<String, Object>> committed) {
        return new OffsetStorageReader() {
            @Override
            public <T> Map<String, Object> offset(Map<String, T> partition) {
                return committed.get(partition);
            }

            @Override
            public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                Map<Map<String, T>, Map<String, Object>> found = new HashMap<>();
                partitions.forEach(p -> {
                    if (committed.containsKey(p)) {
                        found.put(p, committed.get(p));
                    }
                });
                return found;
            }
        };
    }

    /** A record sent to the dead-letter queue and why. */
    public record Reported(SinkRecord record, Throwable error) {
    }

    /** The value of the metric {@code name} in {@code registry} (a task's plugin metrics), as JMX would show it; fails when none is. */
    public static Object metricValue(org.apache.kafka.common.metrics.Metrics registry, String name) {
        return registry.metrics().entrySet().stream().filter(e -> e.getKey().name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no plugin metric " + name)).getValue().metricValue();
    }

    public static final class Sink implements SinkTaskContext {
        private final Set<TopicPartition> assigned;
        private final List<Reported> reported = new ArrayList<>();
        private final ErrantRecordReporter reporter;
        /** The worker's plugin metrics, as Connect gives them to a task (not exported over JMX here). */
        private final org.apache.kafka.common.metrics.Metrics registry = new org.apache.kafka.common.metrics.Metrics();
        private final PluginMetrics metrics = new org.apache.kafka.common.metrics.internals.PluginMetricsImpl(
                registry, Map.of("connector", "test", "task", "0"));
        private final java.util.Map<TopicPartition, Long> seeks = new java.util.HashMap<>();

        private Sink(Set<TopicPartition> assigned, boolean deadLetterQueue) {
            this.assigned = assigned;
            this.reporter = deadLetterQueue ? (record, error) -> {
                reported.add(new Reported(record, error));
                return CompletableFuture.completedFuture(null);
            } : null;
        }

        /** The value of the task's plugin metric {@code name}, as JMX would show it; fails when the task registered none. */
        public Object metricValue(String name) {
            return TaskContexts.metricValue(registry, name);
        }

        /** What went to the dead-letter queue, in order. */
        public List<Reported> reported() {
            return reported;
        }

        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        /** The offsets the task asked to be read from next (its exactly-once seek), by partition. */
        public Map<TopicPartition, Long> seeks() {
            return seeks;
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
            seeks.putAll(offsets);
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
            seeks.put(tp, offset);
        }

        @Override
        public void timeout(long timeoutMs) {
        }

        @Override
        public Set<TopicPartition> assignment() {
            return assigned;
        }

        @Override
        public void pause(TopicPartition... partitions) {
        }

        @Override
        public void resume(TopicPartition... partitions) {
        }

        @Override
        public void requestCommit() {
        }

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            return reporter;
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return metrics;
        }
    }
}
