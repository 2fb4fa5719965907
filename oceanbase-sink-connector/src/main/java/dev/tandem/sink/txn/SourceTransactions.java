package dev.tandem.sink.txn;

import dev.tandem.sink.checkpoint.Checkpoints;
import dev.tandem.common.ChangeRecords;
import dev.tandem.common.Envelope;
import dev.tandem.common.SourceRun;
import dev.tandem.common.TopicNames;
import dev.tandem.common.select.TableId;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
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
        REWIND,
        /**
         * A change of a transaction its source's reader was cut short in (begun, never ended: the
         * reader started again, and sends the transaction again whole): pass it over, writing nothing.
         */
        PASS
    }

    /**
     * The place of a change in its source transaction: the transaction (its id, and the run of the
     * source's reader that sent it when the source names it), its table and its order there.
     */
    public record Position(String id, String collection, long order, SourceRun run) {
        /** A change of a source that does not name its reader's runs. */
        public Position(String id, String collection, long order) {
            this(id, collection, order, null);
        }
    }

    /** A transaction's END: its events per table, and where the END is. */
    private record End(Map<String, Long> counts, Map<String, String> topics, SourceRun run, TopicPartition tp, long offset) {
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
    /** Transactions begun and never ended (a DDL statement's, or one a restart of the reader cut short), the latest. */
    private final Set<String> abandoned = new LinkedHashSet<>();
    /** The run of the record each partition holds next (or last took). */
    private final Map<TopicPartition, SourceRun> runAt = new HashMap<>();
    /** The END of the transaction last given up at the head, until {@link #passEmpty}: where the transaction topic is done to. */
    private End givenUp;
    /** The newest run of each source's reader its transaction topic has shown. */
    private final Map<String, SourceRun> newestRun = new HashMap<>();

    /** How many transactions cut short are remembered: their changes are read soon after their end is known. */
    static final int ABANDONED_KEPT = 10_000;

    /** @param reads whether the sink reads a topic (its topics or topics.regex) */
    public SourceTransactions(Predicate<String> reads) {
        this.reads = reads;
    }

    /** Whether a record is a BEGIN or END event of a transaction topic. */
    public static boolean isBoundary(SinkRecord record) {
        return record.originalTopic().endsWith(TopicNames.TRANSACTION_SUFFIX) && record.value() instanceof Struct
                && ChangeRecords.kind(record.value()) == ChangeRecords.Kind.TRANSACTION;
    }

    /** The record's place in its source transaction, or null (a snapshot row, a DDL, a record of another kind). */
    public static Position position(SinkRecord record) {
        Object value = record.value();
        String id = value instanceof Struct ? ChangeRecords.transactionId(value) : null;
        TableId table = id == null ? null : ChangeRecords.sourceTable(value);
        if (table == null) {
            return null;
        }
        Object n = ChangeRecords.get(ChangeRecords.get(value, Envelope.TRANSACTION), Envelope.TX_ORDER);
        SourceRun run = SourceRun.of(record.headers());
        return new Position(instance(id, run), table.toString(), n instanceof Number num ? num.longValue() : -1, run);
    }

    /**
     * A transaction as one run of its source's reader sent it: a reader that starts again sends the
     * transaction it was in the middle of again, whole, under the same id.
     */
    private static String instance(String id, SourceRun run) {
        return run == null ? id : id + " (run " + run + ")";
    }

    /**
     * Takes a BEGIN or END event. A BEGIN whose transaction topic's previous BEGIN got no END (a DDL
     * statement: Debezium begins its GTID and never ends it) forgets that one: a source's
     * transactions follow one another in its transaction topic.
     */
    public void boundary(SinkRecord record) {
        Struct v = (Struct) record.value();
        SourceRun run = SourceRun.of(record.headers());
        if (run != null) {
            newestRun.merge(run.source(), run, (a, b) -> a.before(b) ? b : a);
        }
        String id = instance(v.getString(Envelope.TX_ID), run);
        TopicPartition tp = Checkpoints.partitionOf(record);
        if (abandoned.contains(id)) {
            return; // read again after it was given up: nothing to wait for (a later END moves the topic's checkpoint past it)
        }
        boolean end = ChangeRecords.isEnd(v);
        if (!end) {
            String previous = begun.put(tp, id);
            if (previous != null && !previous.equals(id) && !ends.containsKey(previous) && !previous.equals(open)) {
                order.remove(previous);
                ordered.remove(previous);
                abandon(previous);
            }
        } else {
            begun.remove(tp, id);
        }
        if (ordered.add(id)) {
            order.addLast(id);
        }
        if (!end) {
            return;
        }
        String prefix = record.originalTopic().substring(0, record.originalTopic().length() - TopicNames.TRANSACTION_SUFFIX.length());
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, String> topics = new HashMap<>();
        List<?> collections = v.schema().field(Envelope.TX_DATA_COLLECTIONS) == null ? null
                : v.getArray(Envelope.TX_DATA_COLLECTIONS);
        if (collections != null) {
            for (Object o : collections) {
                Struct c = (Struct) o;
                String collection = c.getString(Envelope.TX_DATA_COLLECTION);
                String topic = TopicNames.collection(prefix, collection);
                if (reads.test(topic)) {
                    counts.put(collection, ((Number) c.get(Envelope.TX_EVENT_COUNT)).longValue());
                    topics.put(collection, topic);
                }
            }
        }
        ends.put(id, new End(counts, topics, run, tp, Checkpoints.offsetOf(record)));
    }

    private void abandon(String id) {
        abandoned.add(id);
        if (abandoned.size() > ABANDONED_KEPT) {
            abandoned.remove(abandoned.iterator().next());
        }
    }

    /**
     * What to do with a change of a source transaction in partition {@code tp}. A change of a
     * transaction that was cut short passes; so does one of an unknown transaction sent by an
     * earlier run of its source's reader than its transaction topic has shown since: its BEGIN came
     * before where this sink started reading, and a transaction that is not applied and was sent
     * whole lies after that, so it was cut short too.
     */
    public Verdict change(Position p, TopicPartition tp) {
        if (p.run() != null) {
            runAt.put(tp, p.run());
        }
        if (abandoned.contains(p.id())) {
            return Verdict.PASS;
        }
        if (p.run() != null && !ordered.contains(p.id())) {
            SourceRun newest = newestRun.get(p.run().source());
            if (newest != null && p.run().before(newest)) {
                return Verdict.PASS;
            }
        }
        if (open == null) {
            return p.id().equals(order.peekFirst()) && ends.containsKey(p.id()) ? Verdict.OPEN : Verdict.WAIT;
        }
        if (p.id().equals(open)) {
            return Verdict.TAKE;
        }
        SourceRun openRun = ends.get(open).run();
        if (p.run() == null || openRun == null || !openRun.before(p.run())) {
            movedOn.add(tp); // a later transaction of the same run: the open one's records in this partition are all here
        }
        return Verdict.WAIT;
    }

    /**
     * Whether the open or next transaction can no longer complete: every partition assigned to the
     * task that its missing records could be in ({@code assigned}: all of its tables' topics) holds
     * a record of a later run of its source's reader. The reader stopped after the transaction's END
     * reached its topic and before all of its records reached theirs; the later run sends the
     * transaction again, whole.
     */
    public boolean cutShort(Set<TopicPartition> assigned) {
        String head = open != null ? open : order.peekFirst();
        End end = head == null ? null : ends.get(head);
        if (end == null || end.run() == null || end.counts().isEmpty()) {
            return false;
        }
        for (var c : end.counts().entrySet()) {
            if (open != null && lastOrder.getOrDefault(c.getKey(), 0L) >= c.getValue()) {
                continue;
            }
            String topic = end.topics().get(c.getKey());
            boolean any = false;
            for (TopicPartition tp : assigned) {
                if (tp.topic().equals(topic)) {
                    SourceRun at = runAt.get(tp);
                    if (at == null || !end.run().before(at)) {
                        return false; // not read yet, or still in the transaction's run
                    }
                    any = true;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /**
     * Gives up the open or next transaction ({@link #cutShort}): its changes read again pass.
     * Returns its id.
     */
    public String giveUpHead() {
        String head = open != null ? open : order.peekFirst();
        givenUp = ends.remove(head);
        order.remove(head);
        ordered.remove(head);
        abandon(head);
        if (head.equals(open)) {
            rewind();
        }
        return head;
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
        if (givenUp != null) {
            at.put(givenUp.tp(), givenUp.offset());
            givenUp = null;
        }
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
        runAt.clear(); // the partitions are read again from their checkpoints
        givenUp = null;
        order.clear();
        ordered.clear();
        ends.clear();
        begun.clear();
    }

    /** Where the transactions stand, for a log line: the open or next one and whether its END is known. */
    public String describe() {
        String next = open != null ? open : order.peekFirst();
        if (next == null) {
            return "no transaction known to apply next";
        }
        return (open != null ? "open: " : "next: ") + next + (ends.containsKey(next) ? " (END read" : " (END not read yet")
                + ", " + order.size() + " transaction(s) known)";
    }

    /** How many transactions are known and not applied (boundaries read ahead). */
    public int pending() {
        return order.size();
    }
}
