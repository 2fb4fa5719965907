package dev.tandem.source.core.snapshot;

import dev.tandem.common.TandemHeaders;
import dev.tandem.common.select.TableId;
import dev.tandem.source.core.StartPosition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the connector hands its tasks: chunks dealt out in turn, each task's sub-plan, and the streaming task's first records. */
class TaskAssignmentTest {

    private static final TableId ORDERS = new TableId("shop", "orders");
    private static final TableId LINES = new TableId("shop", "lines");

    private static TablePlan table(TableId id, int chunks) {
        List<Chunk> list = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            list.add(new Chunk(id, i, i == 0 ? null : List.of(BigInteger.valueOf(i * 10L)),
                    i == chunks - 1 ? null : List.of(BigInteger.valueOf((i + 1) * 10L))));
        }
        return new TablePlan(id, List.of("id"), chunks * 10L, list);
    }

    private static final SnapshotPlan PLAN = new SnapshotPlan("p7", new StartPosition("binlog.000003", 777, "0-1-42"),
            List.of(table(ORDERS, 5), table(LINES, 1)));

    @Test
    void chunksAreDealtOutInTurnAndEachTaskGetsThePlansOfItsTables() {
        List<Map<String, String>> configs = TaskAssignment.copyTasks(Map.of("topic.prefix", "east", "name", "src"), PLAN,
                PLAN.chunks(), 2, "__tandem-snapshot.east", true, 9_000);
        assertThat(configs).hasSize(2);
        TaskAssignment first = TaskAssignment.from(configs.get(0));
        TaskAssignment second = TaskAssignment.from(configs.get(1));
        assertThat(first.chunks()).extracting(Chunk::id).containsExactly("shop.orders#0", "shop.orders#2", "shop.orders#4");
        assertThat(second.chunks()).extracting(Chunk::id).containsExactly("shop.orders#1", "shop.orders#3", "shop.lines#0");
        assertThat(first.plan().tables()).extracting(TablePlan::table).containsExactly(ORDERS);
        assertThat(second.plan().tables()).extracting(TablePlan::table).containsExactly(ORDERS, LINES);
        assertThat(first.plan().packHeader()).as("every task stores the whole plan's header").isEqualTo(PLAN.packHeader());
        assertThat(first.rowsPerSecond()).as("the rate shared by the tasks").isEqualTo(4_500);
        assertThat(first.ddlCopies()).isTrue();
        assertThat(first.progressTopic()).isEqualTo("__tandem-snapshot.east");
        assertThat(configs.get(0)).containsEntry("name", "src").containsEntry(TaskAssignment.ROLE, TaskAssignment.ROLE_COPY);
        assertThat(TaskAssignment.copyTasks(Map.of(), PLAN, PLAN.chunks().subList(0, 1), 4, "t", false, 0))
                .as("no more tasks than chunks").hasSize(1);
    }

    @Test
    void theStreamingTaskFirstMarksEveryTableCompleteThenTheCopyItself() {
        Map<String, String> props = new java.util.HashMap<>(Map.of("topic.prefix", "east",
                TaskAssignment.ROLE, TaskAssignment.ROLE_STREAM, TaskAssignment.PLAN, PLAN.withTables(List.of()).pack(),
                TaskAssignment.PROGRESS_TOPIC, "__tandem-snapshot.east", TaskAssignment.DDL_COPIES, "true",
                TaskAssignment.STREAM, "true", TaskAssignment.COMPLETE_TABLES, Packed.pack(PLAN.tableNames())));
        StreamStart start = StreamStart.of(props, t -> "CREATE TABLE `" + t.table() + "` (id INT PRIMARY KEY)");
        assertThat(start.streams()).isTrue();
        assertThat(start.position()).isEqualTo(PLAN.position());
        List<SourceRecord> records = start.records();
        assertThat(records).extracting(SourceRecord::topic)
                .containsExactly("east.shop.orders", "east.shop.lines", "__tandem-snapshot.east");
        SourceRecord orders = records.get(0);
        assertThat(orders.kafkaPartition()).isZero();
        assertThat(orders.headers().lastWithName(TandemHeaders.SNAPSHOT_COMPLETE).value()).isEqualTo("shop.orders");
        assertThat(((Struct) orders.value()).getString("ddl")).isEqualTo("CREATE TABLE `orders` (id INT PRIMARY KEY)");
        assertThat(records.get(2).sourceOffset().get(ChunkOffsets.PHASE)).isEqualTo(ChunkOffsets.PHASE_STREAMING);

        props.remove(TaskAssignment.COMPLETE_TABLES);
        assertThat(StreamStart.of(props, t -> null).records()).as("written by an earlier run").isEmpty();
        props.put(TaskAssignment.ROLE, TaskAssignment.ROLE_COPY);
        assertThat(StreamStart.of(props, t -> null)).isNull();
        assertThat(StreamStart.isCopyTask(props)).isTrue();
    }

    @Test
    void partitionsAreBuiltInOneOrderSoARestartedWorkerFindsTheirOffsets() {
        // Connect looks offsets up by the partition's serialized bytes, which follow the map's iteration order.
        assertThat(ChunkOffsets.chunkPartition("east", "p7", PLAN.chunks().get(0)).keySet())
                .containsExactly("server", "tandem.snapshot", "chunk");
        assertThat(ChunkOffsets.tablePartition("east", "p7", "shop.orders").keySet())
                .containsExactly("server", "tandem.snapshot", "table");
        assertThat(ChunkOffsets.planPartition("east").keySet()).containsExactly("server", "tandem.snapshot");
    }
}
