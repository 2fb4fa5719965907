package dev.tandem.source.core;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionBoundariesTest {

    /** What the task asked Connect for: a record's value name, or "batch" for the end of the poll. */
    private static final class Asked implements TransactionContext {
        final List<String> commits = new ArrayList<>();

        @Override
        public void commitTransaction() {
            commits.add("batch");
        }

        @Override
        public void commitTransaction(SourceRecord record) {
            commits.add(record.key().toString());
        }

        @Override
        public void abortTransaction() {
            throw new AssertionError("never aborts");
        }

        @Override
        public void abortTransaction(SourceRecord record) {
            throw new AssertionError("never aborts");
        }
    }

    private static SourceRecord marker(String name, String status) {
        return new SourceRecord(Map.of(), Map.of(), "p.transaction", null, name, null, Map.of("status", status, "id", "0-1-7"));
    }

    private static SourceRecord row(String name) {
        return new SourceRecord(Map.of(), Map.of(), "p.db.t", null, name, null, Map.of("op", "c"));
    }

    @Test
    void eachSourceTransactionEndsAKafkaTransactionEvenAcrossPolls() {
        TransactionBoundaries boundaries = new TransactionBoundaries();
        Asked asked = new Asked();
        boundaries.mark(asked, List.of(marker("b1", "BEGIN"), row("r1"), marker("e1", "END"), marker("b2", "BEGIN"), row("r2")));
        assertThat(asked.commits).containsExactly("e1");
        assertThat(boundaries.open()).isTrue();

        boundaries.mark(asked, List.of(row("r3")));
        assertThat(asked.commits).as("a transaction spanning polls is not cut").containsExactly("e1");

        boundaries.mark(asked, List.of(row("r4"), marker("e2", "END")));
        assertThat(asked.commits).containsExactly("e1", "e2");
        assertThat(boundaries.open()).isFalse();
    }

    @Test
    void recordsOutsideAnySourceTransactionEndOneAtTheEndOfThePoll() {
        TransactionBoundaries boundaries = new TransactionBoundaries();
        Asked asked = new Asked();
        boundaries.mark(asked, List.of(row("copied-1"), row("copied-2")));
        assertThat(asked.commits).containsExactly("batch");

        boundaries.mark(asked, List.of(marker("b1", "BEGIN"), row("r1"), marker("e1", "END"), row("ddl")));
        assertThat(asked.commits).containsExactly("batch", "e1", "batch");
    }

    @Test
    void withoutATransactionContextNothingIsAsked() {
        List<SourceRecord> records = List.of(marker("b1", "BEGIN"), row("r1"));
        assertThat(new TransactionBoundaries().mark(null, records)).isSameAs(records);
    }
}
