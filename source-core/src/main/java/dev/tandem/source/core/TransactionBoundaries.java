package dev.tandem.source.core;

import dev.tandem.common.ChangeRecords;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;

import java.util.List;

/**
 * Kafka transactions that match the source's, for a worker with exactly-once source support and
 * a connector with {@code transaction.boundary=connector}: each source transaction's END marker
 * (Debezium's transaction metadata) ends a Kafka transaction, so a consumer reading committed
 * records sees a source transaction whole or not at all, and its offsets are committed with it. A
 * poll that ends outside any source transaction (copied rows, a schema change, Tandem's own
 * records) ends one after its last record. A source transaction that spans several polls stays
 * in one Kafka transaction until its END.
 */
public final class TransactionBoundaries {

    /** Inside a source transaction: its BEGIN was sent, its END not yet. */
    private boolean open;

    /**
     * Asks {@code context} to commit at the boundaries in {@code records}; does nothing when
     * {@code context} is null (Connect defines the boundaries, or the worker is not exactly-once).
     */
    public List<SourceRecord> mark(TransactionContext context, List<SourceRecord> records) {
        if (context == null || records == null || records.isEmpty()) {
            return records;
        }
        SourceRecord lastEnd = null;
        for (SourceRecord r : records) {
            if (ChangeRecords.kind(r.value()) == ChangeRecords.Kind.TRANSACTION) {
                open = !ChangeRecords.isEnd(r.value());
                if (!open) {
                    context.commitTransaction(r);
                    lastEnd = r;
                }
            }
        }
        if (!open && lastEnd != records.get(records.size() - 1)) {
            context.commitTransaction();
        }
        return records;
    }

    /** Whether a source transaction is open: its END is still to come. */
    public boolean open() {
        return open;
    }
}
