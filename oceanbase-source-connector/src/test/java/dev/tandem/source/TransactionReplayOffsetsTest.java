package dev.tandem.source;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionReplayOffsetsTest {

    private static final Map<String, String> PARTITION = Map.of("server", "p");

    private static OffsetStorageReader stored(Map<String, Object> offset) {
        return new OffsetStorageReader() {
            @Override
            public <T> Map<String, Object> offset(Map<String, T> partition) {
                return partition.equals(PARTITION) ? offset : null;
            }

            @Override
            public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
                partitions.forEach(p -> out.put(p, offset(p)));
                return out;
            }
        };
    }

    @Test
    void anOffsetInsideATransactionPointsBackToTheTransactionsStart() {
        Map<String, Object> inside = Map.of("file", "binlog.000003", "pos", 1359L, "gtids", "0-1-6", "event", 3L, "row", 1);
        TransactionReplayOffsets replay = new TransactionReplayOffsets(stored(inside));
        assertThat(replay.offset(PARTITION)).containsOnly(Map.entry("file", "binlog.000003"), Map.entry("pos", 1359L),
                Map.entry("gtids", "0-1-6"));
        assertThat(replay.offsets(List.of(PARTITION)).get(PARTITION)).doesNotContainKeys("event", "row");
        assertThat(inside).as("the stored offset is not changed").containsKey("event");
    }

    @Test
    void offsetsBetweenTransactionsAndMissingOffsetsStayAsTheyAre() {
        Map<String, Object> between = Map.of("file", "binlog.000003", "pos", 1807L, "gtids", "0-1-8");
        assertThat(new TransactionReplayOffsets(stored(between)).offset(PARTITION)).isSameAs(between);
        assertThat(new TransactionReplayOffsets(stored(between)).offset(Map.of("server", "other"))).isNull();
    }

    @Test
    void theOffsetOfATransactionsEndResumesAfterIt() {
        SourceRecord row = new SourceRecord(PARTITION, Map.of("file", "binlog.000003", "pos", 1359L, "event", 2L, "row", 1),
                "p.db.t", null, null, Map.of("op", "c"));
        SourceRecord end = new SourceRecord(PARTITION, Map.of("file", "binlog.000003", "pos", 1359L, "event", 3L),
                "p.transaction", null, null, Map.of("status", "END", "id", "0-1-6"));
        SourceRecord otherEnd = new SourceRecord(Map.of("server", "other"), Map.of("pos", 1L), "p.transaction", null, null,
                Map.of("status", "END", "id", "0-1-6"));
        List<SourceRecord> marked = TransactionReplayOffsets.markingEnds(List.of(row, end, otherEnd), PARTITION);
        assertThat(marked.get(0)).isSameAs(row);
        assertThat(marked.get(2)).as("only the offsets Debezium reads back are marked").isSameAs(otherEnd);
        Map<String, Object> storedEnd = new HashMap<>(marked.get(1).sourceOffset());
        assertThat(storedEnd).containsEntry(TransactionReplayOffsets.TRANSACTION_COMPLETE, true);

        assertThat(new TransactionReplayOffsets(stored(storedEnd)).offset(PARTITION)).as("Debezium skips the whole transaction")
                .containsOnly(Map.entry("file", "binlog.000003"), Map.entry("pos", 1359L), Map.entry("event", 3L));
        Map<String, Object> storedRow = new HashMap<>(marked.get(0).sourceOffset());
        assertThat(new TransactionReplayOffsets(stored(storedRow)).offset(PARTITION)).doesNotContainKeys("event", "row");
    }
}
