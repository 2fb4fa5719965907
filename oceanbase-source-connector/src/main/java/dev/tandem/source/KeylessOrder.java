package dev.tandem.source;

import org.apache.kafka.connect.source.SourceRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the changes of a table without a key in order: their records have no key, so Kafka's
 * partitioner would spread them over the topic's partitions and a sink could apply an update
 * before the insert it follows. They go to partition 0 of their topic, in the order captured.
 */
final class KeylessOrder {

    private KeylessOrder() {
    }

    /** {@code records} with every keyless record not yet given a partition pinned to partition 0. */
    static List<SourceRecord> pin(List<SourceRecord> records) {
        if (records == null) {
            return null;
        }
        List<SourceRecord> out = null;
        for (int i = 0; i < records.size(); i++) {
            SourceRecord r = records.get(i);
            if (r.key() == null && r.kafkaPartition() == null) {
                if (out == null) {
                    out = new ArrayList<>(records);
                }
                out.set(i, r.newRecord(r.topic(), 0, r.keySchema(), null, r.valueSchema(), r.value(), r.timestamp(),
                        r.headers()));
            }
        }
        return out == null ? records : out;
    }
}
