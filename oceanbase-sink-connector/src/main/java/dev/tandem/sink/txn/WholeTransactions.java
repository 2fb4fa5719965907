package dev.tandem.sink.txn;

import dev.tandem.sink.checkpoint.Checkpoints;
import dev.tandem.common.ChangeRecords;
import dev.tandem.common.Envelope;
import dev.tandem.common.select.TableId;
import dev.tandem.sink.apply.ChangeRecord;
import dev.tandem.sink.txn.SourceTransactions.Position;
import dev.tandem.sink.txn.SourceTransactions.Verdict;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies each source transaction as one destination transaction, whatever its size and however
 * many tables it touches ({@code tandem.transactions=whole}). The records of the transaction in
 * order ({@link SourceTransactions}) are written as they arrive, part by part (at most
 * {@code tandem.batch.size} records in memory), into one destination transaction kept open, which
 * commits when the transaction is complete, with its checkpoint rows as any other. Small complete
 * transactions that follow one another are grouped into one destination transaction (never split).
 * A partition whose next record belongs to a later transaction is read again from that record
 * later (held: paused, its position set back). Records outside transactions (snapshot rows, DDL)
 * go through the usual path between transactions.
 *
 * <p>When the destination transaction is lost (a deadlock, a lost connection), or a DDL turns out
 * to come before the open transaction's records of its table, the open transaction is read again
 * from its first records: nothing of it was committed.
 */
public final class WholeTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(WholeTransactions.class);

    /** What the sink task does for this class. */
    public interface Target {
        /**
         * Handles a record outside transactions as the batched path does; false when its partition
         * now waits there (a statement naming several tables): it is read again from that record.
         */
        boolean other(SinkRecord record, TopicPartition tp);

        /** Ends the batched path's work of this put (its last batch submitted, its waits checked). */
        void flushOther();

        /** Reads a change; null when it names no row or went to the dead-letter queue. */
        ChangeRecord read(SinkRecord record);

        /** Whether a change was made in the sink's own region (not applied: it would loop). */
        boolean own(String origin);

        /** Writes part of the open transaction (in order after anything submitted before). */
        void applyPart(List<ChangeRecord> part, String origin, Map<TopicPartition, Long> offsets);

        /** Commits the destination transaction, its checkpoints at {@code offsets} (applied once it is done). */
        void commit(String origin, Map<TopicPartition, Long> offsets, int records, long sourceTimestampMs);

        /** Rolls back the destination transaction kept open, once everything submitted is done. */
        void abandon();
    }

    private final SourceTransactions txns;
    private final Target target;
    private final SinkTaskContext context;
    private final int batchSize;
    /** The last applied offset per partition (the task's, updated as commits complete). */
    private final Map<TopicPartition, Long> applied;
    /** The first offset read per partition since it was assigned: where it is read again from when nothing is applied. */
    private final Map<TopicPartition, Long> initial = new HashMap<>();

    /** The destination transaction being built: its origin, last offsets, records written. */
    private String origin;
    private final Map<TopicPartition, Long> last = new LinkedHashMap<>();
    private int records;
    private long sourceTs = -1;
    /** The part not yet written. */
    private List<ChangeRecord> part = new ArrayList<>();
    private final Map<TopicPartition, Long> partOffsets = new LinkedHashMap<>();
    /** Records read and not taken yet, per partition in their order. */
    private final Map<TopicPartition, Deque<Queued>> queues = new LinkedHashMap<>();
    /** Records queued per transaction: whether a small next transaction is all here (to group it). */
    private final Map<String, Integer> available = new HashMap<>();
    /** Partitions paused because too much of them is queued. */
    private final Map<TopicPartition, Long> waiting = new HashMap<>();
    /** Records outside transactions that must be taken before a transaction opens (a DDL before its records). */
    private final Map<TopicPartition, Long> before = new HashMap<>();
    /** The offset of the last delete taken per partition: the tombstone after it is taken with it. */
    private final Map<TopicPartition, Long> deletes = new HashMap<>();
    /** How long records may wait before {@link #reportStall} says why. */
    static final long STALL_REPORT_MS = 30_000;
    /** Since when nothing was taken while records waited; when that was last said. */
    private long waitingSince = System.currentTimeMillis();
    private long stallReported;
    /** The transaction cut short whose changes were last passed over (said once in the log). */
    private String lastPassedOver;
    /** Offsets passed over without writing (transactions with nothing for this sink): Kafka may commit them. */
    private final Map<TopicPartition, Long> passed = new HashMap<>();

    public WholeTransactions(SourceTransactions txns, Target target, SinkTaskContext context, int batchSize,
                             Map<TopicPartition, Long> applied) {
        this.txns = txns;
        this.target = target;
        this.context = context;
        this.batchSize = batchSize;
        this.applied = applied;
    }

    /** One put: the records taken in transaction order; the rest stay queued for the next puts. */
    public void put(Collection<SinkRecord> batch, Set<TopicPartition> skip) {
        for (SinkRecord r : batch) {
            TopicPartition tp = Checkpoints.partitionOf(r);
            initial.putIfAbsent(tp, Checkpoints.offsetOf(r));
            Long done = applied.get(tp);
            if (done != null && Checkpoints.offsetOf(r) <= done || skip.contains(tp)) {
                continue;
            }
            Queued queued = new Queued(r, SourceTransactions.position(r));
            queues.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(queued);
            if (queued.position() != null) {
                available.merge(queued.position().id(), 1, Integer::sum);
            }
        }
        boolean progress = true;
        boolean tookAny = false;
        while (progress) {
            progress = false;
            for (var q : queues.entrySet()) {
                while (!q.getValue().isEmpty()) {
                    Queued r = q.getValue().peekFirst();
                    Step step = step(r.record(), r.position(), q.getKey());
                    if (step == Step.WAIT) {
                        break;
                    }
                    if (step == Step.READ_AGAIN) {
                        forgetQueued(q.getValue()); // the partition is read again from this record
                        break;
                    }
                    if (step == Step.RESTART) {
                        before.put(q.getKey(), Checkpoints.offsetOf(r.record()));
                        target.abandon();
                        readAgain();
                        target.flushOther();
                        return;
                    }
                    unqueued(q.getValue().pollFirst());
                    progress = true;
                    tookAny = true;
                    if (txns.complete()) {
                        close();
                    }
                }
            }
            if (!progress && txns.cutShort(context.assignment())) {
                boolean wasOpen = txns.open() != null;
                String id = txns.giveUpHead();
                LOG.info("Source transaction {} will not arrive whole: its source's reader stopped after its END and before all "
                        + "of its changes reached their topics, and the next run sends it again{}", id,
                        wasOpen ? "; the destination transaction holding its first changes is rolled back" : "");
                if (wasOpen) {
                    target.abandon();
                    readAgain();
                    target.flushOther();
                    return;
                }
                passEmpty();
                progress = true;
            }
        }
        writePart();
        if (txns.open() == null) {
            commit();
        }
        target.flushOther();
        hold();
        reportStall(tookAny);
    }

    /**
     * Says, once every {@link #STALL_REPORT_MS} while it lasts, why records read are not taken:
     * the transaction waited for and what each partition holds next.
     */
    private void reportStall(boolean tookAny) {
        long now = System.currentTimeMillis();
        if (tookAny || queues.values().stream().allMatch(Deque::isEmpty)) {
            waitingSince = now;
            return;
        }
        if (now - waitingSince < STALL_REPORT_MS || now - stallReported < STALL_REPORT_MS) {
            return;
        }
        stallReported = now;
        StringBuilder heads = new StringBuilder();
        for (var q : queues.entrySet()) {
            Queued head = q.getValue().peekFirst();
            if (head != null) {
                Position p = head.position();
                heads.append(heads.isEmpty() ? "" : "; ").append(q.getKey()).append('@').append(Checkpoints.offsetOf(head.record()))
                        .append(p == null ? " (outside transactions)" : " (transaction " + p.id() + ")")
                        .append(", ").append(q.getValue().size()).append(" queued");
            }
        }
        LOG.warn("Nothing applied for {} s: {}; partitions hold next: {}{}", (now - waitingSince) / 1000, txns.describe(), heads,
                waiting.isEmpty() ? "" : "; paused: " + waiting.keySet());
    }

    private enum Step { TAKEN, WAIT, RESTART, READ_AGAIN }

    /** A record read and not taken yet, with its place in its source transaction (null: outside transactions). */
    private record Queued(SinkRecord record, Position position) {
    }

    private Step step(SinkRecord r, Position p, TopicPartition tp) {
        if (SourceTransactions.isBoundary(r)) {
            txns.boundary(r);
            passEmpty();
            return Step.TAKEN;
        }
        if (r.value() == null && (txns.open() != null || Long.valueOf(Checkpoints.offsetOf(r) - 1).equals(deletes.get(tp)))) {
            // Debezium's tombstone after a delete (for log compaction), between records of a source transaction or right
            // after the delete: nothing to write, it goes with the transaction (it must not hold its partition there)
            if (txns.open() != null || last.containsKey(tp)) {
                last.put(tp, Checkpoints.offsetOf(r));
            } else {
                passed.put(tp, Checkpoints.offsetOf(r));
            }
            return Step.TAKEN;
        }
        if (p == null) {
            Verdict v = txns.other(collection(r), tp);
            if (v == Verdict.REWIND) {
                LOG.info("{}-{}@{} comes before the open source transaction {} in its table: the transaction is read again "
                        + "after it", tp.topic(), tp.partition(), Checkpoints.offsetOf(r), txns.open());
                return Step.RESTART;
            }
            if (v == Verdict.WAIT) {
                return Step.WAIT;
            }
            writePart();
            commit(); // the transactions grouped before it commit first
            before.remove(tp, Checkpoints.offsetOf(r));
            if (!target.other(r, tp)) {
                return Step.READ_AGAIN;
            }
            return Step.TAKEN;
        }
        Verdict v = txns.change(p, tp);
        if (v == Verdict.PASS) {
            passOver(r, tp, p);
            return Step.TAKEN;
        }
        if (v == Verdict.WAIT || v == Verdict.OPEN && !before.isEmpty()) {
            return Step.WAIT;
        }
        ChangeRecord change = target.read(r);
        boolean write = change != null && !target.own(change.origin());
        if (v == Verdict.OPEN) {
            if (write && origin != null && !origin.equals(change.origin())) {
                writePart();
                commit(); // one origin per destination transaction: its checkpoint row names it
            }
            if (origin == null) {
                target.flushOther(); // records outside transactions taken before it (snapshot rows, say) commit first
            }
            txns.open(p.id());
        }
        txns.took(p, tp);
        last.put(tp, Checkpoints.offsetOf(r));
        if (change != null && Envelope.OP_DELETE.equals(change.op())) {
            deletes.put(tp, Checkpoints.offsetOf(r));
        }
        partOffsets.put(tp, Checkpoints.offsetOf(r));
        if (write) {
            origin = change.origin();
            part.add(change);
            records++;
            sourceTs = Math.max(sourceTs, change.sourceTimestampMs());
            if (part.size() >= batchSize) {
                writePart();
            }
        }
        return Step.TAKEN;
    }

    /**
     * A change of a transaction the source's reader was cut short in: nothing is written (the next
     * run sends the transaction again, whole); its offset goes with whatever is being built.
     */
    private void passOver(SinkRecord r, TopicPartition tp, Position p) {
        if (!p.id().equals(lastPassedOver)) {
            lastPassedOver = p.id();
            LOG.info("Passing over {}-{}@{} and what follows of source transaction {}: its source's reader stopped in the "
                    + "middle of it and sent it again, whole", tp.topic(), tp.partition(), Checkpoints.offsetOf(r), p.id());
        }
        if (txns.open() != null || !last.isEmpty()) {
            last.put(tp, Checkpoints.offsetOf(r));
        } else {
            passed.put(tp, Checkpoints.offsetOf(r));
        }
        if (Envelope.OP_DELETE.equals(ChangeRecords.get(r.value(), Envelope.OP))) {
            deletes.put(tp, Checkpoints.offsetOf(r)); // its tombstone goes with it
        }
    }

    /** The open transaction is complete: it commits now, or with the next one when that is small and all here. */
    private void close() {
        last.putAll(txns.close());
        String next = txns.next();
        long size = next == null ? -1 : txns.size(next);
        boolean group = size >= 0 && records + size <= batchSize && available.getOrDefault(next, 0) >= size;
        if (!group) {
            writePart();
            commit();
        }
    }

    private void passEmpty() {
        Map<TopicPartition, Long> at = txns.passEmpty();
        if (txns.open() == null && last.isEmpty()) {
            passed.putAll(at);
        } else {
            last.putAll(at);
        }
    }

    private void writePart() {
        if (part.isEmpty()) {
            return;
        }
        target.applyPart(part, origin, new LinkedHashMap<>(partOffsets));
        part = new ArrayList<>();
        partOffsets.clear();
    }

    private void commit() {
        if (last.isEmpty()) {
            return;
        }
        if (origin == null) {
            passed.putAll(last); // nothing written (this region's own changes, say): no transaction
        } else {
            target.commit(origin, new LinkedHashMap<>(last), records, sourceTs);
        }
        last.clear();
        partOffsets.clear();
        records = 0;
        sourceTs = -1;
        origin = null;
    }

    private void forgetQueued(Deque<Queued> queue) {
        queue.forEach(this::unqueued);
        queue.clear();
    }

    /** A record leaves its queue: its transaction has one record fewer here. */
    private void unqueued(Queued r) {
        if (r.position() != null) {
            available.computeIfPresent(r.position().id(), (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /**
     * Records that wait stay queued here (read once); a partition with more than the batch size
     * queued is paused until its queue is down to half of it, which bounds memory.
     */
    private void hold() {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (var q : queues.entrySet()) {
            int n = q.getValue().size();
            if (n > batchSize && waiting.put(q.getKey(), (long) n) == null) {
                pause.add(q.getKey());
            } else if (n <= batchSize / 2 && waiting.remove(q.getKey()) != null) {
                resume.add(q.getKey());
            }
        }
        if (!pause.isEmpty()) {
            context.pause(pause.toArray(new TopicPartition[0]));
        }
        if (!resume.isEmpty()) {
            context.resume(resume.toArray(new TopicPartition[0]));
        }
    }

    /**
     * Everything not committed is read again, as after a restart: every partition from after its
     * last applied offset (or from where it was first read), the transaction topic included.
     */
    public void readAgain() {
        for (var e : initial.entrySet()) {
            Long done = applied.get(e.getKey());
            context.offset(e.getKey(), done != null ? done + 1 : e.getValue());
        }
        if (!waiting.isEmpty()) {
            context.resume(waiting.keySet().toArray(new TopicPartition[0]));
            waiting.clear();
        }
        txns.clear();
        queues.clear();
        deletes.clear();
        available.clear();
        last.clear();
        part = new ArrayList<>();
        partOffsets.clear();
        records = 0;
        sourceTs = -1;
        origin = null;
    }

    /** Offsets Kafka may commit besides the applied ones (passed over without writing). */
    public Map<TopicPartition, Long> passed() {
        return passed;
    }

    /** Forgets partitions no longer assigned; everything in progress is read again from the checkpoints. */
    public void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            initial.remove(tp);
            queues.remove(tp);
            passed.remove(tp);
            before.remove(tp);
            if (waiting.remove(tp) != null) {
                try {
                    context.resume(tp); // Connect pauses it again on its next assignment otherwise
                } catch (RuntimeException notAssigned) {
                    LOG.debug("{} was not assigned any more when released: {}", tp, notAssigned.getMessage());
                }
            }
        }
        readAgain(); // the partitions still assigned; the others are read from their checkpoints by whoever gets them
    }

    private static String collection(SinkRecord r) {
        TableId table = r.value() instanceof Struct ? ChangeRecords.sourceTable(r.value()) : null;
        return table == null ? null : table.toString();
    }
}
