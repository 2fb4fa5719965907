package dev.tandem.sink.txn;

import dev.tandem.common.Envelope;
import dev.tandem.common.TopicNames;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The source's transactions in their commit order, reassembled from Debezium's transaction
 * metadata: the BEGIN and END events of the transaction topic ({@code <topic.prefix>.transaction})
 * give the order and, per table, how many events each transaction has; every change record names
 * its transaction and its place among the transaction's events of its table
 * ({@code transaction.id}, {@code data_collection_order}).
 *
 * <p>One transaction is open at a time, the earliest not yet applied, and only once its END is
 * known. Its records are taken from every partition as they come; a record of a later
 * transaction waits (its partition holds there) until the open one is complete: every table it
 * has events in (among the topics the sink reads) has delivered its last event, or, where a
 * transform dropped that one, every partition that delivered the table's events has moved on.
 * Pure bookkeeping: the sink task holds partitions and writes.
 */
public final class SourceTransactions {

    /** What to do with a record now. */
    public enum Verdict {
        /** Take it: a boundary, a change of the open transaction, or a record outside transactions while none is open. */
        TAKE,
        /** Open its transaction (the next one), then take it. */
        OPEN,
        /** Leave it and everything after it in its partition for later. */
        WAIT,
        /**
         * A record outside transactions that comes before the open transaction's records in its
         * table (a DDL before the transaction): the open transaction is read again after it.
         */
        REWIND
    }

    /** The place of a change in its source transaction. */
    public record Position(String id, String collection, long order) {
    }

    /** A transaction's END: its events per table, and where the END is. */
    private record End(Map<String, Long> counts, TopicPartition tp, long offset) {
    }

    private final Predicate<String> reads;
    private final Deque<String> order = new ArrayDeque<>();
    private final Set<String> ordered = new HashSet<>();
    private final Map<String, End> ends = new HashMap<>();
    /** The last BEGIN per transaction topic, until its END. */
    private final Map<TopicPartition, String> begun = new HashMap<>();
    private String open;
    private final Map<String, Long> lastOrder = new HashMap<>();
    private final Map<String, Set<TopicPartition>> partitionsOf = new HashMap<>();
    private final Set<TopicPartition> movedOn = new HashSet<>();

    /** @param reads whether the sink reads a topic (its topics or topics.regex) */
    public SourceTransactions(Predicate<String> reads) {
        this.reads = reads;
    }

    /** Whether a record is a BEGIN or END event of a transaction topic. */
    public static boolean isBoundary(SinkRecord record) {
        return record.topic().endsWith(TopicNames.TRANSACTION_SUFFIX) && record.value() instanceof Struct v
                && v.schema().field("status") != null && v.schema().field("id") != null && v.schema().field(Envelope.OP) == null;
    }

    /** The record's place in its source transaction, or null (a snapshot row, a DDL, a record of another kind). */
    public static Position position(SinkRecord record) {
        if (!(record.value() instanceof Struct v) || v.schema().field(Envelope.TRANSACTION) == null
                || v.schema().field(Envelope.SOURCE) == null) {
            return null;
        }
        Struct tx = v.getStruct(Envelope.TRANSACTION);
        Struct source = v.getStruct(Envelope.SOURCE);
        if (tx == null || source == null || source.schema().field(Envelope.SOURCE_TABLE) == null || source.get(Envelope.SOURCE_TABLE) == null) {
            return null;
        }
        Object n = tx.schema().field("data_collection_order") == null ? null : tx.get("data_collection_order");
        return new Position(tx.getString("id"), source.getString(Envelope.SOURCE_DB) + "." + source.getString(Envelope.SOURCE_TABLE),
                n instanceof Number num ? num.longValue() : -1);
    }

    /**
     * Takes a BEGIN or END event. A BEGIN whose transaction topic's previous BEGIN got no END (a DDL
     * statement: Debezium begins its GTID and never ends it) forgets that one: a source's
     * transactions follow one another in its transaction topic.
     */
    public void boundary(SinkRecord record) {
        Struct v = (Struct) record.value();
        String id = v.getString("id");
        TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
        if (!"END".equals(v.getString("status"))) {
            String previous = begun.put(tp, id);
            if (previous != null && !previous.equals(id) && !ends.containsKey(previous) && !previous.equals(open)) {
                order.remove(previous);
                ordered.remove(previous);
            }
        } else {
            begun.remove(tp, id);
        }
        if (ordered.add(id)) {
            order.addLast(id);
        }
        if (!"END".equals(v.getString("status"))) {
            return;
        }
        String prefix = record.topic().substring(0, record.topic().length() - TopicNames.TRANSACTION_SUFFIX.length());
        Map<String, Long> counts = new LinkedHashMap<>();
        List<?> collections = v.schema().field("data_collections") == null ? null : v.getArray("data_collections");
        if (collections != null) {
            for (Object o : collections) {
                Struct c = (Struct) o;
                String collection = c.getString("data_collection");
                if (reads.test(TopicNames.collection(prefix, collection))) {
                    counts.put(collection, ((Number) c.get("event_count")).longValue());
                }
            }
        }
        ends.put(id, new End(counts, tp, record.kafkaOffset()));
    }

    /** What to do with a change of a source transaction in partition {@code tp}. */
    public Verdict change(Position p, TopicPartition tp) {
        if (open == null) {
            return p.id().equals(order.peekFirst()) && ends.containsKey(p.id()) ? Verdict.OPEN : Verdict.WAIT;
        }
        if (p.id().equals(open)) {
            return Verdict.TAKE;
        }
        movedOn.add(tp);
        return Verdict.WAIT;
    }

    /** What to do with a record outside transactions (a DDL, say) of {@code collection} (db.table, or null) in {@code tp}. */
    public Verdict other(String collection, TopicPartition tp) {
        if (open == null) {
            return Verdict.TAKE;
        }
        End end = ends.get(open);
        if (collection != null && end.counts().containsKey(collection) && !partitionsOf.getOrDefault(collection, Set.of()).contains(tp)
                && lastOrder.getOrDefault(collection, 0L) < end.counts().get(collection)) {
            return Verdict.REWIND;
        }
        movedOn.add(tp);
        return Verdict.WAIT;
    }

    /** Opens the next transaction: the one {@link #change} answered OPEN for. */
    public void open(String id) {
        open = id;
        lastOrder.clear();
        partitionsOf.clear();
        movedOn.clear();
    }

    /** A change of the open transaction, taken. */
    public void took(Position p, TopicPartition tp) {
        lastOrder.merge(p.collection(), p.order(), Math::max);
        partitionsOf.computeIfAbsent(p.collection(), c -> new HashSet<>()).add(tp);
    }

    /** The open transaction, or null. */
    public String open() {
        return open;
    }

    /** Whether the open transaction has all its records (see the class comment). */
    public boolean complete() {
        if (open == null) {
            return false;
        }
        for (var e : ends.get(open).counts().entrySet()) {
            if (lastOrder.getOrDefault(e.getKey(), 0L) >= e.getValue()) {
                continue;
            }
            Set<TopicPartition> from = partitionsOf.get(e.getKey());
            if (from == null || !movedOn.containsAll(from)) {
                return false;
            }
        }
        return true;
    }

    /** How many records of the sink's topics the transaction {@code id} has, or -1 while its END is not known. */
    public long size(String id) {
        End end = ends.get(id);
        return end == null ? -1 : end.counts().values().stream().mapToLong(Long::longValue).sum();
    }

    /** The transaction after the open one (or the next, when none is open), or null. */
    public String next() {
        var it = order.iterator();
        if (open != null && it.hasNext()) {
            it.next();
        }
        return it.hasNext() ? it.next() : null;
    }

    /**
     * Closes the open transaction (applied) and passes over those after it that have no records in
     * the sink's topics; returns where the transaction topic is applied to: its END, or the last
     * END passed over.
     */
    public Map<TopicPartition, Long> close() {
        Map<TopicPartition, Long> at = new HashMap<>();
        if (open != null) {
            End end = ends.remove(open);
            at.put(end.tp(), end.offset());
            order.remove(open);
            ordered.remove(open);
            open = null;
        }
        at.putAll(passEmpty());
        return at;
    }

    /** Passes over the transactions at the head that have no records in the sink's topics (while none is open). */
    public Map<TopicPartition, Long> passEmpty() {
        Map<TopicPartition, Long> at = new HashMap<>();
        while (open == null && !order.isEmpty() && size(order.peekFirst()) == 0) {
            End end = ends.remove(order.peekFirst());
            ordered.remove(order.removeFirst());
            at.put(end.tp(), end.offset());
        }
        return at;
    }

    /** Forgets the open transaction's progress: it is read again from its first records. */
    public void rewind() {
        open = null;
        lastOrder.clear();
        partitionsOf.clear();
        movedOn.clear();
    }

    /** Forgets everything (the partitions are read again from the checkpoints). */
    public void clear() {
        rewind();
        order.clear();
        ordered.clear();
        ends.clear();
        begun.clear();
    }

    /** How many transactions are known and not applied (boundaries read ahead). */
    public int pending() {
        return order.size();
    }
}
