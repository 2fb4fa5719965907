package dev.tandem.source;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KeylessOrderTest {

    private static SourceRecord record(Object key, Integer partition) {
        return new SourceRecord(Map.of("server", "s"), Map.of("pos", 1), "p.db.t", partition,
                key == null ? null : Schema.STRING_SCHEMA, key, Schema.STRING_SCHEMA, "v");
    }

    @Test
    void keylessRecordsGoToPartitionZeroInOrderAndOthersAreUntouched() {
        SourceRecord keyed = record("k", null);
        SourceRecord placed = record(null, 3);
        List<SourceRecord> in = List.of(record(null, null), keyed, placed, record(null, null));
        List<SourceRecord> out = KeylessOrder.pin(in);
        assertThat(out).hasSize(4);
        assertThat(out.get(0).kafkaPartition()).isZero();
        assertThat(out.get(0).sourceOffset()).isEqualTo(Map.of("pos", 1));
        assertThat(out.get(1)).isSameAs(keyed);
        assertThat(out.get(2)).isSameAs(placed);
        assertThat(out.get(3).kafkaPartition()).isZero();
    }

    @Test
    void aBatchWithoutKeylessRecordsIsReturnedAsItIs() {
        List<SourceRecord> in = List.of(record("a", null), record("b", null));
        assertThat(KeylessOrder.pin(in)).isSameAs(in);
        assertThat(KeylessOrder.pin(null)).isNull();
    }
}
