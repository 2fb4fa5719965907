package dev.tandem.sink.txn;

import dev.tandem.sink.txn.SourceTransactions.Position;
import dev.tandem.sink.txn.SourceTransactions.Verdict;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transaction metadata as Debezium's documentation describes it: BEGIN and END events keyed by
 * transaction id on {@code <prefix>.transaction}, END with {@code event_count} and
 * {@code data_collections} ({@code data_collection}, {@code event_count}); every change carries
 * {@code transaction.id} and {@code data_collection_order} (1-based within its table).
 */
class SourceTransactionsTest {

    private static final Schema COLLECTION = SchemaBuilder.struct().field("data_collection", Schema.STRING_SCHEMA)
            .field("event_count", Schema.INT64_SCHEMA).build();
    private static final Schema BOUNDARY = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA)
            .field("id", Schema.STRING_SCHEMA).field("event_count", Schema.OPTIONAL_INT64_SCHEMA)
            .field("data_collections", SchemaBuilder.array(COLLECTION).optional().build()).field("ts_ms", Schema.INT64_SCHEMA).build();
    private static final TopicPartition TX = new TopicPartition("east.transaction", 0);
    private static final TopicPartition A = new TopicPartition("east.bank.a", 0);
    private static final TopicPartition B = new TopicPartition("east.bank.b", 0);

    private long offset;

    private SinkRecord begin(String id) {
        Struct v = new Struct(BOUNDARY).put("status", "BEGIN").put("id", id).put("ts_ms", 1L);
        return new SinkRecord(TX.topic(), 0, null, null, BOUNDARY, v, offset++);
    }

    private SinkRecord end(String id, Object... collectionsAndCounts) {
        List<Struct> collections = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < collectionsAndCounts.length; i += 2) {
            long n = ((Number) collectionsAndCounts[i + 1]).longValue();
            collections.add(new Struct(COLLECTION).put("data_collection", collectionsAndCounts[i]).put("event_count", n));
            total += n;
        }
        Struct v = new Struct(BOUNDARY).put("status", "END").put("id", id).put("event_count", total)
                .put("data_collections", collections).put("ts_ms", 1L);
        return new SinkRecord(TX.topic(), 0, null, null, BOUNDARY, v, offset++);
    }

    @Test
    void aTransactionOverTwoTablesOpensWithItsEndAndCompletesWithTheLastEventOfEach() {
        SourceTransactions txns = new SourceTransactions(t -> !t.endsWith(".other"));
        Position a1 = new Position("t1", "bank.a", 1);
        assertThat(txns.change(a1, A)).as("no END yet").isEqualTo(Verdict.WAIT);
        txns.boundary(begin("t1"));
        txns.boundary(end("t1", "bank.a", 2, "bank.b", 1, "bank.other", 5));
        txns.boundary(begin("t2"));
        txns.boundary(end("t2", "bank.b", 1));
        assertThat(txns.size("t1")).as("the unread table does not count").isEqualTo(3);
        assertThat(txns.change(new Position("t2", "bank.b", 1), B)).as("not the next transaction").isEqualTo(Verdict.WAIT);
        assertThat(txns.change(a1, A)).isEqualTo(Verdict.OPEN);
        txns.open("t1");
        txns.took(a1, A);
        assertThat(txns.change(new Position("t2", "bank.b", 1), B)).isEqualTo(Verdict.WAIT);
        txns.took(new Position("t1", "bank.a", 2), A);
        assertThat(txns.complete()).isFalse();
        txns.took(new Position("t1", "bank.b", 1), B);
        assertThat(txns.complete()).isTrue();
        assertThat(txns.next()).isEqualTo("t2");
        assertThat(txns.close()).containsExactly(Map.entry(TX, 1L));
        assertThat(txns.change(new Position("t2", "bank.b", 1), B)).isEqualTo(Verdict.OPEN);
    }

    @Test
    void aBeginWithoutItsEndADdlIsForgottenAtTheNextBegin() {
        SourceTransactions txns = new SourceTransactions(t -> true);
        txns.boundary(begin("ddl")); // Debezium begins a DDL statement's GTID and never ends it
        txns.boundary(begin("t1"));
        txns.boundary(end("t1", "bank.a", 1));
        assertThat(txns.pending()).isEqualTo(1);
        assertThat(txns.change(new Position("t1", "bank.a", 1), A)).isEqualTo(Verdict.OPEN);
    }

    @Test
    void whenATransformDroppedTheLastEventATableIsCompleteOnceItsPartitionsMovedOn() {
        SourceTransactions txns = new SourceTransactions(t -> true);
        txns.boundary(begin("t1"));
        txns.boundary(end("t1", "bank.a", 3));
        txns.open("t1");
        txns.took(new Position("t1", "bank.a", 1), A);
        assertThat(txns.complete()).isFalse();
        assertThat(txns.change(new Position("t2", "bank.a", 1), A)).isEqualTo(Verdict.WAIT);
        assertThat(txns.complete()).as("A shows the next transaction: nothing more of t1 comes there").isTrue();
    }

    @Test
    void aDdlBeforeTheOpenTransactionsRecordsOfItsTableRewindsAndOneAfterThemWaits() {
        SourceTransactions txns = new SourceTransactions(t -> true);
        txns.boundary(begin("t1"));
        txns.boundary(end("t1", "bank.a", 1, "bank.b", 1));
        txns.open("t1");
        txns.took(new Position("t1", "bank.b", 1), B);
        assertThat(txns.other("bank.a", A)).as("A has not delivered t1's record: the DDL is before it").isEqualTo(Verdict.REWIND);
        assertThat(txns.other("bank.b", B)).as("after t1's records in B").isEqualTo(Verdict.WAIT);
        assertThat(txns.other(null, A)).isEqualTo(Verdict.WAIT);
        txns.rewind();
        assertThat(txns.other("bank.a", A)).isEqualTo(Verdict.TAKE);
    }

    @Test
    void transactionsWithNothingForThisSinkArePassedOver() {
        SourceTransactions txns = new SourceTransactions(t -> t.equals("east.bank.a"));
        txns.boundary(begin("t1"));
        txns.boundary(end("t1", "bank.other", 4));
        assertThat(txns.passEmpty()).containsExactly(Map.entry(TX, 1L));
        assertThat(txns.pending()).isZero();
        txns.boundary(begin("t2"));
        assertThat(txns.passEmpty()).as("its END is not known yet").isEmpty();
        assertThat(txns.pending()).isEqualTo(1);
    }
}
