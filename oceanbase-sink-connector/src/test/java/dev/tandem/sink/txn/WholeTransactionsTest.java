package dev.tandem.sink.txn;

import dev.tandem.common.select.TableId;
import dev.tandem.sink.apply.ChangeRecord;
import dev.tandem.common.SourceRun;
import dev.tandem.common.TandemHeaders;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import dev.tandem.testkit.TaskContexts;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the sink task is asked to do, in order, for records as Debezium writes them (transaction
 * metadata as in {@link SourceTransactionsTest}): a snapshot row and the transaction after it
 * arriving in one put, a transaction over two tables whose END comes last.
 */
class WholeTransactionsTest {

    private static final Schema COLLECTION = SchemaBuilder.struct().field("data_collection", Schema.STRING_SCHEMA)
            .field("event_count", Schema.INT64_SCHEMA).build();
    private static final Schema BOUNDARY = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA)
            .field("id", Schema.STRING_SCHEMA).field("data_collections", SchemaBuilder.array(COLLECTION).optional().build())
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA).build();
    private static final Schema TRANSACTION = SchemaBuilder.struct().optional().field("id", Schema.STRING_SCHEMA)
            .field("data_collection_order", Schema.INT64_SCHEMA).build();
    private static final Schema CHANGE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("source", SOURCE)
            .field("transaction", TRANSACTION).build();
    private static final String TX = "east.transaction";

    private final List<String> calls = new ArrayList<>();
    private final Map<TopicPartition, Long> applied = new HashMap<>();
    private final Map<String, Long> offsets = new HashMap<>();
    /** The partitions assigned to the task. */
    private final Set<TopicPartition> assigned = new java.util.HashSet<>(Set.of(new TopicPartition(TX, 0),
            new TopicPartition("east.bank.a", 0), new TopicPartition("east.bank.b", 0)));

    private SinkRecord boundary(String status, String id, Object... collectionsAndCounts) {
        Struct v = new Struct(BOUNDARY).put("status", status).put("id", id);
        if (collectionsAndCounts.length > 0) {
            List<Struct> collections = new ArrayList<>();
            for (int i = 0; i < collectionsAndCounts.length; i += 2) {
                collections.add(new Struct(COLLECTION).put("data_collection", collectionsAndCounts[i])
                        .put("event_count", ((Number) collectionsAndCounts[i + 1]).longValue()));
            }
            v.put("data_collections", collections);
        }
        return record(TX, v);
    }

    /** A change of {@code bank.<table>}: a snapshot row when {@code txId} is null. */
    private SinkRecord change(String table, String txId, long order) {
        return change(table, txId, order, txId == null ? "r" : "c");
    }

    private SinkRecord change(String table, String txId, long order, String op) {
        Struct v = new Struct(CHANGE).put("op", op)
                .put("source", new Struct(SOURCE).put("db", "bank").put("table", table));
        if (txId != null) {
            v.put("transaction", new Struct(TRANSACTION).put("id", txId).put("data_collection_order", order));
        }
        return record("east.bank." + table, v);
    }

    private SinkRecord record(String topic, Struct value) {
        long offset = offsets.merge(topic, 1L, Long::sum) - 1;
        return new SinkRecord(topic, 0, null, null, value.schema(), value, offset);
    }

    private WholeTransactions whole(int batchSize) {
        WholeTransactions.Target target = new WholeTransactions.Target() {
            @Override
            public boolean other(SinkRecord record, TopicPartition tp) {
                calls.add("other " + tp.topic() + "@" + record.kafkaOffset());
                return true;
            }

            @Override
            public void flushOther() {
                calls.add("flushOther");
            }

            @Override
            public ChangeRecord read(SinkRecord record) {
                Struct value = (Struct) record.value();
                return new ChangeRecord(record, new TableId("bank", value.getStruct("source").getString("table")), null, null,
                        value.getString("op"), 1L, "east");
            }

            @Override
            public boolean own(String origin) {
                return false;
            }

            @Override
            public void applyPart(List<ChangeRecord> part, String origin, Map<TopicPartition, Long> at) {
                calls.add("applyPart " + part.size());
            }

            @Override
            public void commit(String origin, Map<TopicPartition, Long> at, int records, long sourceTimestampMs) {
                calls.add("commit " + records);
                at.forEach(applied::put);
            }

            @Override
            public void abandon() {
                calls.add("abandon");
            }
        };
        return new WholeTransactions(new SourceTransactions(t -> true), target, TaskContexts.sink(assigned), batchSize, applied);
    }

    @Test
    void aSnapshotRowTakenBeforeATransactionInTheSamePutIsFlushedBeforeTheTransactionIsWritten() {
        WholeTransactions whole = whole(100);
        SinkRecord snapshotRow = change("a", null, 0);
        List<SinkRecord> put = List.of(snapshotRow, change("a", "t1", 1), change("a", "t1", 2), boundary("BEGIN", "t1"),
                boundary("END", "t1", "bank.a", 2));
        whole.put(put, Set.of());
        assertThat(calls).as("the snapshot row's batch is written (and committed) before the transaction's first part")
                .containsExactly("other east.bank.a@0", "flushOther", "applyPart 2", "commit 2", "flushOther");
    }

    @Test
    void aTransactionOverTwoTablesIsWrittenInPartsAndCommittedOnceAfterItsLastRecord() {
        WholeTransactions whole = whole(2);
        whole.put(List.of(boundary("BEGIN", "t1"), boundary("END", "t1", "bank.a", 3, "bank.b", 2)), Set.of());
        whole.put(List.of(change("a", "t1", 1), change("a", "t1", 2), change("a", "t1", 3)), Set.of());
        assertThat(calls).as("three of five records: written, not committed").doesNotContain("commit 5")
                .contains("applyPart 2");
        whole.put(List.of(change("b", "t1", 1), change("b", "t1", 2)), Set.of());
        assertThat(calls.stream().filter(c -> c.startsWith("commit")).toList()).containsExactly("commit 5");
        assertThat(calls.indexOf("commit 5")).as("committed after every part").isGreaterThan(calls.lastIndexOf("applyPart 1"));
        assertThat(applied).containsEntry(new TopicPartition("east.bank.a", 0), 2L).containsEntry(new TopicPartition("east.bank.b", 0), 1L)
                .containsEntry(new TopicPartition(TX, 0), 1L);
    }

    @Test
    void debeziumsTombstoneAfterADeleteGoesWithItsTransactionAndDoesNotHoldThePartition() {
        WholeTransactions whole = whole(100);
        SinkRecord delete = change("a", "t1", 1, "d");
        SinkRecord tombstone = new SinkRecord("east.bank.a", 0, null, null, null, null, offsets.merge("east.bank.a", 1L, Long::sum) - 1);
        whole.put(List.of(boundary("BEGIN", "t1"), boundary("END", "t1", "bank.a", 2), delete, tombstone, change("a", "t1", 2)),
                Set.of());
        assertThat(calls).as("the delete and the change after the tombstone, in one destination transaction")
                .containsExactly("flushOther", "applyPart 2", "commit 2", "flushOther");
        assertThat(applied).containsEntry(new TopicPartition("east.bank.a", 0), 2L);

        SinkRecord lastDelete = change("a", "t2", 1, "d");
        SinkRecord itsTombstone = new SinkRecord("east.bank.a", 0, null, null, null, null, offsets.merge("east.bank.a", 1L, Long::sum) - 1);
        whole.put(List.of(boundary("BEGIN", "t2"), boundary("END", "t2", "bank.a", 1), lastDelete, itsTombstone), Set.of());
        assertThat(calls).as("a tombstone after its transaction's last record: passed over, not applied on its own")
                .doesNotContain("other east.bank.a@" + itsTombstone.kafkaOffset());
        assertThat(whole.passed()).containsEntry(new TopicPartition("east.bank.a", 0), itsTombstone.kafkaOffset());
    }

    /** The record as run {@code started} of the source's reader sent it. */
    private static SinkRecord inRun(long started, SinkRecord record) {
        record.headers().addString(TandemHeaders.SOURCE_RUN, new SourceRun("east-source", started).toString());
        return record;
    }

    @Test
    void aTransactionCutShortByARestartOfTheSourcesReaderIsPassedOverAndAppliedOnceFromItsWholeReplay() {
        WholeTransactions whole = whole(1); // no grouping: one destination transaction per source transaction
        // Run 1 sends t1 whole and the first change of t2, then stops; run 2 starts again before t1: t1 and t2 again, whole.
        List<SinkRecord> changes = List.of(inRun(1, change("a", "t1", 1)), inRun(1, change("a", "t2", 1)),
                inRun(2, change("a", "t1", 1)), inRun(2, change("a", "t2", 1)), inRun(2, change("a", "t2", 2)));
        List<SinkRecord> boundaries = List.of(inRun(1, boundary("BEGIN", "t1")), inRun(1, boundary("END", "t1", "bank.a", 1)),
                inRun(1, boundary("BEGIN", "t2")), inRun(2, boundary("BEGIN", "t1")), inRun(2, boundary("END", "t1", "bank.a", 1)),
                inRun(2, boundary("BEGIN", "t2")), inRun(2, boundary("END", "t2", "bank.a", 2)));
        List<SinkRecord> put = new ArrayList<>(changes);
        put.addAll(boundaries); // the changes' partition is read before the transaction topic
        whole.put(put, Set.of());
        assertThat(calls.stream().filter(c -> c.startsWith("commit")).toList())
                .as("t1 from each run (the replay applies it again, as upserts absorb), t2 once with both its changes")
                .containsExactly("commit 1", "commit 1", "commit 2");
        assertThat(applied).as("everything read is done: nothing holds the partition")
                .containsEntry(new TopicPartition("east.bank.a", 0), 4L).containsEntry(new TopicPartition(TX, 0), 6L);
    }

    @Test
    void aChangeOfAnEarlierRunWhoseTransactionBeganBeforeTheCheckpointIsPassedOver() {
        WholeTransactions whole = whole(100);
        // After a restart of the sink: the transaction topic resumes after t1's second END, the table's partition before
        // the change of t2 that run 1 sent before it stopped.
        whole.put(List.of(inRun(1, change("a", "t2", 1)), inRun(2, change("a", "t2", 1)), inRun(2, change("a", "t2", 2)),
                inRun(2, boundary("BEGIN", "t2")), inRun(2, boundary("END", "t2", "bank.a", 2))), Set.of());
        assertThat(calls.stream().filter(c -> c.startsWith("commit")).toList()).containsExactly("commit 2");
        assertThat(applied).containsEntry(new TopicPartition("east.bank.a", 0), 2L);
    }

    @Test
    void aTransactionWhoseChangesNeverReachedTheirTopicIsGivenUpForItsReplay() {
        WholeTransactions whole = whole(100);
        // Run 1's END of t1 reached the transaction topic, its change did not; run 2 sends t1 again.
        List<SinkRecord> put = List.of(inRun(1, boundary("BEGIN", "t1")), inRun(1, boundary("END", "t1", "bank.a", 1)),
                inRun(2, boundary("BEGIN", "t1")), inRun(2, boundary("END", "t1", "bank.a", 1)), inRun(2, change("a", "t1", 1)));
        whole.put(put, Set.of());
        assertThat(calls.stream().filter(c -> c.startsWith("commit")).toList()).containsExactly("commit 1");
        assertThat(applied).containsEntry(new TopicPartition("east.bank.a", 0), 0L).containsEntry(new TopicPartition(TX, 0), 3L);
    }

    @Test
    void aTransactionIsNotGivenUpWhileAPartitionOfItsTopicIsStillInItsRun() {
        WholeTransactions whole = whole(100);
        TopicPartition second = new TopicPartition("east.bank.a", 1);
        assigned.add(second);
        // Partition 0 of the table's topic holds run 2's replay of t2; t1's change is in partition 1, not read yet.
        whole.put(List.of(inRun(1, boundary("BEGIN", "t1")), inRun(1, boundary("END", "t1", "bank.a", 1)),
                inRun(2, boundary("BEGIN", "t2")), inRun(2, boundary("END", "t2", "bank.a", 1)), inRun(2, change("a", "t2", 1))),
                Set.of());
        assertThat(calls).as("t1 waits for partition 1").noneMatch(c -> c.startsWith("commit"));
        SinkRecord t1 = inRun(1, new SinkRecord(second.topic(), 1, null, null, change("a", "t1", 1).valueSchema(),
                change("a", "t1", 1).value(), 0));
        whole.put(List.of(t1), Set.of());
        assertThat(calls.stream().filter(c -> c.startsWith("commit")).toList()).as("t1, then t2").containsExactly("commit 2");
        assertThat(applied).containsEntry(second, 0L).containsEntry(new TopicPartition(TX, 0), 3L);
    }

    @Test
    void anOpenTransactionWhoseLastChangesNeverReachedTheirTopicIsRolledBackAndAppliedFromItsReplay() {
        WholeTransactions whole = whole(100);
        // Run 1 sent t1's BEGIN, END (two changes) and only its first change; run 2 sends t1 again, whole.
        List<SinkRecord> put = List.of(inRun(1, boundary("BEGIN", "t1")), inRun(1, boundary("END", "t1", "bank.a", 2)),
                inRun(2, boundary("BEGIN", "t1")), inRun(2, boundary("END", "t1", "bank.a", 2)), inRun(1, change("a", "t1", 1)),
                inRun(2, change("a", "t1", 1)), inRun(2, change("a", "t1", 2)));
        whole.put(put, Set.of());
        assertThat(calls).as("nothing of run 1's t1 is committed: its destination transaction is rolled back")
                .contains("abandon").noneMatch(c -> c.startsWith("commit"));
        whole.put(put, Set.of()); // read again from the start, as the task's consumer seeks
        assertThat(calls.stream().filter(c -> c.startsWith("commit")).toList()).containsExactly("commit 2");
        assertThat(applied).containsEntry(new TopicPartition("east.bank.a", 0), 2L).containsEntry(new TopicPartition(TX, 0), 3L);
    }

}
