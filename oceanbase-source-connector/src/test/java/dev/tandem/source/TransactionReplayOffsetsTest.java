package dev.tandem.source;

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
}
