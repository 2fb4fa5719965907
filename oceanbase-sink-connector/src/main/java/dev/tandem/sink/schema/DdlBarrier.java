package dev.tandem.sink.schema;

import dev.tandem.sink.checkpoint.Checkpoints;
import dev.tandem.common.ChangeRecords;
import dev.tandem.common.Envelope;
import dev.tandem.common.TandemHeaders;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Holds a statement that names several tables until every topic it was copied to (and this sink
 * reads) has reached its copy: the rows before it in each of those tables are then applied before
 * it, and those after it meet the tables as it left them. The partitions that arrived wait (the
 * task pauses them); the last arrival releases the statement with the offset of every copy, which
 * the task applies once and checkpoints for all of them in one transaction.
 */
public final class DdlBarrier {

    private final Predicate<String> reads;
    private final long waitMs;
    private final LongSupplier clock;
    /** Statements waiting, by identity (DDL text, topics and source position), with the copies that arrived. */
    private final Map<String, Waiting> waiting = new LinkedHashMap<>();

    /**
     * @param reads  whether this sink reads a topic (its topics or topics.regex)
     * @param waitMs the longest wait before {@link #check} fails the task
     */
    public DdlBarrier(Predicate<String> reads, long waitMs, LongSupplier clock) {
        this.reads = reads;
        this.waitMs = waitMs;
        this.clock = clock;
    }

    /** The topics a DDL copy was sent to when it names several tables, else an empty list. */
    public static List<String> topics(SinkRecord record) {
        Header h = record.headers().lastWithName(TandemHeaders.DDL_TOPICS);
        return h == null || h.value() == null ? List.of() : Arrays.stream(h.value().toString().split(",")).filter(t -> !t.isBlank())
                .toList();
    }

    /**
     * A copy arrived in its partition: the offsets of every copy when this was the last one this sink
     * waits for (the statement is released), otherwise null (the partition waits).
     */
    public Map<TopicPartition, Long> arrive(SinkRecord copy, List<String> topics) {
        String id = identity(copy, topics);
        Waiting w = waiting.computeIfAbsent(id, k -> new Waiting(ddl(copy), topics.stream().filter(reads).toList(),
                clock.getAsLong()));
        w.arrived.put(Checkpoints.partitionOf(copy), Checkpoints.offsetOf(copy));
        boolean all = w.expected.stream().allMatch(t -> w.arrived.keySet().stream().anyMatch(tp -> tp.topic().equals(t)));
        if (!all) {
            return null;
        }
        waiting.remove(id);
        return w.arrived;
    }

    /** Forgets the copies that arrived in {@code partitions} (revoked, or read again from their checkpoints). */
    public void forget(Collection<TopicPartition> partitions) {
        waiting.values().forEach(w -> w.arrived.keySet().removeAll(partitions));
        waiting.values().removeIf(w -> w.arrived.isEmpty());
    }

    /** Fails the task when a statement waited longer than allowed, naming it and the topics that did not arrive. */
    public void check() {
        long now = clock.getAsLong();
        for (Waiting w : waiting.values()) {
            if (now - w.since > waitMs) {
                List<String> missing = w.expected.stream().filter(t -> w.arrived.keySet().stream().noneMatch(tp -> tp.topic().equals(t)))
                        .toList();
                throw new ConnectException("The statement '" + w.ddl + "' names several tables; its copies reached "
                        + w.arrived.keySet() + " but not " + missing + " within " + waitMs + " ms (" + "tandem.ddl.multi.table.wait.ms"
                        + "). Every topic of the link must be read by one sink task (tasks.max=1) and exist; a topic the "
                        + "statement created is read after the consumer's next metadata refresh");
            }
        }
    }

    private static String ddl(SinkRecord record) {
        String ddl = ChangeRecords.ddl(record.value());
        return ddl == null ? "" : ddl;
    }

    private static String identity(SinkRecord record, List<String> topics) {
        Struct v = (Struct) record.value();
        Object source = v.schema().field(Envelope.SOURCE) == null ? null : v.get(Envelope.SOURCE);
        return ddl(record) + "\n" + String.join(",", topics) + "\n" + source;
    }

    private static final class Waiting {
        final String ddl;
        final List<String> expected;
        final long since;
        final Map<TopicPartition, Long> arrived = new LinkedHashMap<>();

        Waiting(String ddl, List<String> expected, long since) {
            this.ddl = ddl;
            this.expected = expected;
            this.since = since;
        }
    }
}
