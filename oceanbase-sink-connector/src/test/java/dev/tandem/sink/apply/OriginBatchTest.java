package dev.tandem.sink.apply;

import dev.tandem.common.select.TableId;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OriginBatchTest {

    private record Handed(int records, String origin, Map<TopicPartition, Long> offsets) {
    }

    private static ChangeRecord change(String origin) {
        return new ChangeRecord(null, new TableId("shop", "t"), null, null, "c", 0, origin);
    }

    @Test
    void aTransactionHoldsOneOriginAndAtMostTheBatchSize() {
        List<Handed> handed = new ArrayList<>();
        OriginBatch batch = new OriginBatch(3, (records, origin, offsets) -> handed.add(new Handed(records.size(), origin,
                Map.copyOf(offsets))));
        TopicPartition a = new TopicPartition("east.shop.t", 0);
        TopicPartition b = new TopicPartition("east.shop.t", 1);
        batch.add(change("east"), a, 0);
        batch.add(change("east"), b, 0);
        batch.add(change("west"), a, 1);
        for (long o = 2; o < 6; o++) {
            batch.add(change("west"), a, o);
        }
        batch.flush();
        batch.flush();
        assertThat(handed).containsExactly(
                new Handed(2, "east", Map.of(a, 0L, b, 0L)),
                new Handed(3, "west", Map.of(a, 3L)),
                new Handed(2, "west", Map.of(a, 5L)));
    }
}
