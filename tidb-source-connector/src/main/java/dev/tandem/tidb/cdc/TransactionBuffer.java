package dev.tandem.tidb.cdc;

import dev.tandem.common.select.TableId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gathers the events of a TiCDC topic's partitions into whole transactions (one commit ts) and
 * releases them in commit-ts order once no partition can still deliver a part of them.
 *
 * <p>TiCDC writes each partition in commit-ts order, and a transaction's rows may be spread over
 * partitions (rows are dispatched by table or key). So once partition p has delivered an event
 * with commit ts T (a row, a DDL, or a watermark meaning "everything before T is sent"), nothing
 * older than T will follow in p. A transaction is complete when every partition has passed its
 * commit ts. Without watermarks (the Debezium protocol) a partition read to its end is taken as
 * passed, since an idle partition would otherwise stall the stream; a transaction TiCDC is still
 * writing at that moment may then be released in two parts (the rows and their order are the
 * same, only the grouping differs).
 *
 * <p>Within a transaction the events are ordered by partition and offset, except that rows of
 * the checkpoint table come first: a Tandem sink writes its checkpoint row first, and the origin
 * tagger downstream reads the transaction's origin from it.
 */
public final class TransactionBuffer {

    /** An event with where it was read. */
    public record Pending(CdcEvent event, int partition, long offset) {
    }

    private final TreeMap<Long, List<Pending>> open = new TreeMap<>();
    private final Map<Integer, Long> passed = new HashMap<>();
    private final Map<Integer, Boolean> idle = new HashMap<>();
    private final List<Integer> partitions;
    private boolean watermarks;
    private final TableId checkpoint;
    private volatile long released;
    private volatile int pending;

    /**
     * @param partitions the topic's partitions, all read by this buffer's consumer
     * @param watermarks whether the protocol always sends watermarks to every partition (if not, seeing one turns them on)
     * @param checkpoint the checkpoint table (its rows lead their transaction), or null
     * @param releasedUpTo commit ts up to which transactions were released already (later duplicates are dropped)
     */
    public TransactionBuffer(List<Integer> partitions, boolean watermarks, TableId checkpoint, long releasedUpTo) {
        this.partitions = List.copyOf(partitions);
        this.watermarks = watermarks;
        this.checkpoint = checkpoint;
        this.released = releasedUpTo;
    }

    /** Adds an event read from {@code partition} at {@code offset}; returns false when it is dropped as already released. */
    public boolean add(CdcEvent event, int partition, long offset) {
        long ts = event.commitTs();
        passed.merge(partition, ts, Math::max);
        if (event.kind() == CdcEvent.Kind.WATERMARK) {
            watermarks = true; // the stream has them: from now on partitions complete by them alone
            return true;
        }
        if (ts <= released) {
            return false; // TiCDC delivers at least once: a repeat of a released transaction
        }
        List<Pending> tx = open.computeIfAbsent(ts, t -> new ArrayList<>());
        if (event.kind() == CdcEvent.Kind.DDL && tx.stream().anyMatch(p -> event.equals(p.event()))) {
            return false; // a DDL event goes to every partition in some protocols: once is enough
        }
        tx.add(new Pending(event, partition, offset));
        pending++;
        return true;
    }

    /** Marks whether {@code partition} is read up to its end (used only without watermarks). */
    public void idle(int partition, boolean caughtUp) {
        idle.put(partition, caughtUp);
    }

    /** The commit ts below which every partition has delivered everything, or -1 when some partition has said nothing yet. */
    long horizon() {
        long min = Long.MAX_VALUE;
        for (int p : partitions) {
            Long ts = passed.get(p);
            if (!watermarks && Boolean.TRUE.equals(idle.get(p))) {
                continue; // read to its end: without watermarks nothing says more is coming
            }
            if (ts == null) {
                return -1;
            }
            min = Math.min(min, ts);
        }
        return min == Long.MAX_VALUE ? Long.MAX_VALUE : min;
    }

    /**
     * The next complete transaction, its events in emission order, or null. A transaction at T is
     * complete when every partition has passed T: with watermarks, a watermark above T (or an event
     * after T); otherwise an event at or after T, since events at T itself may still follow in the
     * partition until one with a later commit ts arrives.
     */
    public List<Pending> nextComplete() {
        if (open.isEmpty()) {
            return null;
        }
        long first = open.firstKey();
        long horizon = horizon();
        if (horizon < 0 || first >= horizon) {
            return null;
        }
        List<Pending> tx = open.remove(first);
        pending -= tx.size();
        tx.sort(Comparator.comparing((Pending e) -> !isCheckpoint(e)).thenComparingInt(Pending::partition)
                .thenComparingLong(Pending::offset));
        released = first;
        return tx;
    }

    /** The first offset of {@code partition} still to be read again after a restart (its oldest pending event), or -1. */
    public long oldestPending(int partition) {
        long min = -1;
        for (List<Pending> tx : open.values()) {
            for (Pending e : tx) {
                if (e.partition() == partition && (min < 0 || e.offset() < min)) {
                    min = e.offset();
                }
            }
        }
        return min;
    }

    /** How many events wait for their transaction to complete (readable from any thread). */
    /** The commit ts up to which transactions are released: the resume point, then the last one {@link #nextComplete} gave. */
    public long releasedUpTo() {
        return released;
    }

    public int pendingEvents() {
        return pending;
    }

    private boolean isCheckpoint(Pending e) {
        return checkpoint != null && e.event().kind() == CdcEvent.Kind.ROW && checkpoint.equals(e.event().table());
    }
}
