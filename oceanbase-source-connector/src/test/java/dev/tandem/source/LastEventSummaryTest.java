package dev.tandem.source;

import io.debezium.connector.mariadb.MariaDbConnectorTask;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.spi.schema.DataCollectionId;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LastEventSummaryTest {

    /** Debezium's default describes the position and the key as JSON; the plain one the same from Map and Struct text. */
    private static final EventMetadataProvider DEBEZIUM = new EventMetadataProvider() {
        @Override
        public Instant getEventTimestamp(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return Instant.ofEpochMilli(5);
        }

        @Override
        public Map<String, String> getEventSourcePosition(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return Map.of("pos", "154");
        }

        @Override
        public String getTransactionId(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return "0-1-7";
        }
    };

    @Test
    void theFieldsItGoesThroughExistInTheDebeziumWeShip() {
        // A Debezium upgrade that moves them makes the stream slower, not wrong: this says so before a user sees it.
        assertThat(LastEventSummary.layoutPresent()).isTrue();
    }

    @Test
    void describesTheEventWithoutJsonAndAnswersEverythingElseAsDebezium() {
        Schema keySchema = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        Struct key = new Struct(keySchema).put("id", 42L);
        LastEventSummary.Plain plain = new LastEventSummary.Plain(DEBEZIUM);
        assertThat(plain.toSummaryString(null, null, key, null)).isEqualTo("position: {pos=154}, key: Struct{id=42}");
        assertThat(DEBEZIUM.toSummaryString(null, null, key, null)).contains("154").contains("42");
        assertThat(plain.getTransactionId(null, null, key, null)).isEqualTo("0-1-7");
        assertThat(plain.getEventTimestamp(null, null, key, null)).isEqualTo(Instant.ofEpochMilli(5));
        assertThat(plain.getTransactionInfo(null, null, key, null).getTransactionId()).isEqualTo("0-1-7");
    }

    @Test
    void aTaskThatDidNotStartIsLeftAsItIs() {
        assertThat(LastEventSummary.install(new MariaDbConnectorTask())).isFalse();
    }
}
