package dev.tandem.source;

import dev.tandem.common.ChangeRecords;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.OffsetStorageReader;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored offsets as Debezium must see them when a transaction's records have to arrive under
 * one BEGIN: without the {@code event}/{@code row} counters that let Debezium resume inside a
 * transaction. Debezium's binlog offsets keep the position of the transaction's start plus how
 * many of its events were already emitted; resuming after them would begin the transaction anew
 * with only its remaining events. In an active-active link that skips the checkpoint row at the
 * transaction's head, and the origin tagger would take the rest of a replicated transaction for a
 * local one (a loop); a sink applying whole transactions would see the rest as a transaction of
 * its own. Without them the interrupted transaction is replayed from its start: its first rows
 * come twice, which the sink's upserts absorb, and every row keeps its origin. Used whenever the
 * source emits transaction metadata (the default), and always in active-active links.
 *
 * <p>A transaction's END record carries the counters too (Debezium takes its offset before it
 * closes the transaction), yet nothing of that transaction is missing after it: the task marks
 * END offsets as complete ({@link #markingEnds}) and a stored complete offset is handed to
 * Debezium as it was, so a stop after a whole transaction sends none of it again (an
 * exactly-once worker would otherwise commit the transaction twice).
 */
final class TransactionReplayOffsets implements OffsetStorageReader {

    static final String EVENTS_TO_SKIP = "event";
    static final String ROWS_TO_SKIP = "row";
    /** Set in the offset of a transaction's END: everything up to it was sent. */
    static final String TRANSACTION_COMPLETE = "tandem_transaction_complete";

    private final OffsetStorageReader stored;

    TransactionReplayOffsets(OffsetStorageReader stored) {
        this.stored = stored;
    }

    static Map<String, Object> fromTransactionStart(Map<String, Object> offset) {
        if (offset == null) {
            return null;
        }
        if (offset.containsKey(TRANSACTION_COMPLETE)) {
            Map<String, Object> after = new HashMap<>(offset);
            after.remove(TRANSACTION_COMPLETE);
            return after;
        }
        if (!offset.containsKey(EVENTS_TO_SKIP) && !offset.containsKey(ROWS_TO_SKIP)) {
            return offset;
        }
        Map<String, Object> replay = new HashMap<>(offset);
        replay.remove(EVENTS_TO_SKIP);
        replay.remove(ROWS_TO_SKIP);
        return replay;
    }

    /**
     * {@code records} with the offset of each transaction END of {@code partition} marked as
     * complete: the same list when it holds none (most polls), else a copy.
     */
    static List<SourceRecord> markingEnds(List<SourceRecord> records, Map<String, ?> partition) {
        List<SourceRecord> marked = records;
        for (int i = 0; records != null && i < records.size(); i++) {
            SourceRecord r = records.get(i);
            if (r.sourceOffset() != null && partition.equals(r.sourcePartition())
                    && ChangeRecords.kind(r.value()) == ChangeRecords.Kind.TRANSACTION && ChangeRecords.isEnd(r.value())) {
                Map<String, Object> offset = new HashMap<>(r.sourceOffset());
                offset.put(TRANSACTION_COMPLETE, true);
                if (marked == records) {
                    marked = new ArrayList<>(records);
                }
                marked.set(i, new SourceRecord(r.sourcePartition(), offset, r.topic(), r.kafkaPartition(), r.keySchema(), r.key(),
                        r.valueSchema(), r.value(), r.timestamp(), r.headers()));
            }
        }
        return marked;
    }

    @Override
    public <T> Map<String, Object> offset(Map<String, T> partition) {
        return fromTransactionStart(stored.offset(partition));
    }

    @Override
    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
        Map<Map<String, T>, Map<String, Object>> offsets = new HashMap<>();
        stored.offsets(partitions).forEach((p, o) -> offsets.put(p, fromTransactionStart(o)));
        return offsets;
    }
}
