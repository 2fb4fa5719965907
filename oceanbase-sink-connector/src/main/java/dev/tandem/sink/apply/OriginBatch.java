package dev.tandem.sink.apply;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes of one origin gathered into the next destination transaction, at most {@code batchSize}
 * of them: a change of another origin, or one more than the size, hands the gathered ones on
 * first (one origin per transaction, since its checkpoint row names it).
 */
public final class OriginBatch {

    /** Where gathered changes go: one destination transaction. */
    public interface Sink {
        void apply(List<ChangeRecord> records, String origin, Map<TopicPartition, Long> offsets);
    }

    private final int batchSize;
    private final Sink sink;
    private List<ChangeRecord> records = new ArrayList<>();
    private Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    private String origin;

    public OriginBatch(int batchSize, Sink sink) {
        this.batchSize = batchSize;
        this.sink = sink;
    }

    /** A change read at {@code offset} of {@code tp}. */
    public void add(ChangeRecord change, TopicPartition tp, long offset) {
        if (origin != null && (!origin.equals(change.origin()) || records.size() >= batchSize)) {
            flush();
        }
        origin = change.origin();
        records.add(change);
        offsets.put(tp, offset);
    }

    /** Hands on what is gathered, if anything. */
    public void flush() {
        if (records.isEmpty()) {
            return;
        }
        sink.apply(records, origin, offsets);
        records = new ArrayList<>();
        offsets = new LinkedHashMap<>();
        origin = null;
    }
}
