package dev.tandem.sink.schema;

import dev.tandem.common.TandemHeaders;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DdlBarrierTest {

    private static final Schema SOURCE = SchemaBuilder.struct().field("pos", Schema.INT64_SCHEMA).build();
    private static final Schema VALUE = SchemaBuilder.struct().field("ddl", Schema.STRING_SCHEMA).field("source", SOURCE).build();
    private static final String SWAP = "RENAME TABLE shop.products TO shop._products_del, shop._products_gho TO shop.products";
    private static final List<String> TOPICS = List.of("east.shop.products", "east.shop._products_del", "east.shop._products_gho");

    private final AtomicLong now = new AtomicLong(1_000);
    private final DdlBarrier barrier = new DdlBarrier(t -> t.startsWith("east.shop."), 60_000, now::get);

    private static SinkRecord copy(String topic, long offset, long pos) {
        Struct value = new Struct(VALUE).put("ddl", SWAP).put("source", new Struct(SOURCE).put("pos", pos));
        SinkRecord r = new SinkRecord(topic, 0, null, null, VALUE, value, offset);
        r.headers().addString(TandemHeaders.DDL_TOPICS, String.join(",", TOPICS));
        return r;
    }

    @Test
    void theStatementIsReleasedOnceWithEveryCopysOffsetWhenTheLastTopicArrives() {
        SinkRecord first = copy("east.shop.products", 120, 7);
        assertThat(DdlBarrier.topics(first)).isEqualTo(TOPICS);
        assertThat(barrier.arrive(first, TOPICS)).isNull();
        assertThat(barrier.arrive(copy("east.shop._products_gho", 9_000, 7), TOPICS)).isNull();
        assertThat(barrier.arrive(copy("east.shop._products_del", 2, 7), TOPICS)).containsExactly(
                java.util.Map.entry(new TopicPartition("east.shop.products", 0), 120L),
                java.util.Map.entry(new TopicPartition("east.shop._products_gho", 0), 9_000L),
                java.util.Map.entry(new TopicPartition("east.shop._products_del", 0), 2L));
        // The same statement text at another position (the next cut-over) is a new statement.
        assertThat(barrier.arrive(copy("east.shop.products", 500, 8), TOPICS)).isNull();
    }

    @Test
    void topicsThisSinkDoesNotReadAreNotWaitedFor() {
        List<String> topics = List.of("east.shop.a", "east.archive.a");
        assertThat(barrier.arrive(copy("east.shop.a", 3, 1), topics)).containsOnlyKeys(new TopicPartition("east.shop.a", 0));
    }

    @Test
    void aPartitionReadAgainIsGatheredAnewAndAStatementWaitingTooLongFailsTheTaskNamingIt() {
        barrier.arrive(copy("east.shop.products", 120, 7), TOPICS);
        barrier.arrive(copy("east.shop._products_gho", 9_000, 7), TOPICS);
        barrier.forget(List.of(new TopicPartition("east.shop._products_gho", 0)));
        assertThat(barrier.arrive(copy("east.shop._products_del", 2, 7), TOPICS)).isNull();
        barrier.check();
        now.addAndGet(60_001);
        assertThatThrownBy(barrier::check).isInstanceOf(ConnectException.class).hasMessageContaining(SWAP)
                .hasMessageContaining("[east.shop._products_gho]").hasMessageContaining("tasks.max=1");
    }
}
