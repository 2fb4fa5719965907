package dev.tandem.source.core.snapshot;

import dev.tandem.common.select.TableId;
import dev.tandem.source.core.StartPosition;
import dev.tandem.testkit.TaskContexts;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FullMigrationMetricsTest {

    private final TableId orders = new TableId("shop", "orders");
    private final TableId items = new TableId("shop", "items");
    private final Chunk orders0 = new Chunk(orders, 0, null, List.of(100));
    private final Chunk orders1 = new Chunk(orders, 1, List.of(100), null);
    private final Chunk items0 = new Chunk(items, 0, null, null);
    private final long planned = 1_780_000_000_000L;
    private final SnapshotPlan plan = new SnapshotPlan(Long.toString(planned, 36) + "-0a1b2c3d",
            new StartPosition("binlog.000001", 4, null),
            List.of(new TablePlan(orders, List.of("id"), 180, List.of(orders0, orders1)),
                    new TablePlan(items, List.of("id"), 40, List.of(items0))));

    @Test
    void theConnectorsMetricsFollowTheChunksCommittedInConnectsOffsets() {
        Metrics registry = new Metrics();
        FullMigration migration = new FullMigration("shop", plan, false);
        migration.reportTo(new PluginMetricsImpl(registry, Map.of("connector", "shop-source")));
        assertThat(value(registry, "full-chunks", null)).isEqualTo(3);
        assertThat(value(registry, "full-planned-at-ms", null)).isEqualTo(planned);
        assertThat(value(registry, "full-copied", null)).isEqualTo(0);

        Map<Map<String, String>, Map<String, Object>> committed = new HashMap<>();
        committed.put(ChunkOffsets.chunkPartition("shop", plan.id(), orders0), ChunkOffsets.chunkDone(100));
        committed.put(ChunkOffsets.chunkPartition("shop", plan.id(), items0), ChunkOffsets.chunkDone(41));
        migration.refresh(TaskContexts.committedOffsets(committed));
        assertThat(value(registry, "full-chunks-copied", null)).isEqualTo(2);
        assertThat(value(registry, "full-rows-copied", null)).isEqualTo(141L);
        assertThat(value(registry, "full-table-rows-copied", "shop.orders")).isEqualTo(100L);
        assertThat(value(registry, "full-table-rows-estimated", "shop.orders")).isEqualTo(180L);
        assertThat(value(registry, "full-table-rows-copied", "shop.items")).isEqualTo(41L);
        assertThat(value(registry, "full-copied", null)).isEqualTo(0);

        committed.put(ChunkOffsets.chunkPartition("shop", plan.id(), orders1), ChunkOffsets.chunkDone(79));
        migration.refresh(TaskContexts.committedOffsets(committed));
        assertThat(value(registry, "full-copied", null)).isEqualTo(1);
        assertThat(value(registry, "full-table-rows-copied", "shop.orders")).isEqualTo(179L);

        // a pause stops the connector and its resume starts it again, with the same plugin metrics
        PluginMetricsImpl metrics = new PluginMetricsImpl(registry, Map.of("connector", "shop-source"));
        migration.stop();
        assertThat(registry.metrics().keySet()).noneMatch(n -> n.name().startsWith("full-"));
        FullMigration resumed = new FullMigration("shop", plan, true);
        resumed.reportTo(metrics);
        resumed.refresh(TaskContexts.committedOffsets(committed));
        assertThat(value(registry, "full-copied", null)).isEqualTo(1);
    }

    @Test
    void aPlanIdWithoutItsTimeHasNoPlanningTime() {
        assertThat(new SnapshotPlan("legacy", plan.position(), List.of()).createdMillis()).isEqualTo(-1);
        assertThat(new SnapshotPlan("plan_1-x", plan.position(), List.of()).createdMillis()).isEqualTo(-1);
        assertThat(plan.createdMillis()).isEqualTo(planned);
    }

    private static Object value(Metrics registry, String name, String table) {
        for (Map.Entry<MetricName, KafkaMetric> e : registry.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.name().equals(name) && "shop-source".equals(n.tags().get("connector"))
                    && (table == null || table.equals(n.tags().get("table")))) {
                return e.getValue().metricValue();
            }
        }
        throw new AssertionError("no metric " + name + " " + table);
    }
}
