package dev.tandem.status;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProjectViewTest {

    private static final long PLANNED = 1_780_000_000_000L;

    private final ProjectView view = new ProjectView(10_000);
    private final Map<String, JsonNode> entries = new HashMap<>();

    private final ConnectorInfo source = connector("east-source", true, Map.of("topic.prefix", "east"), "RUNNING");
    private final ConnectorInfo sink = connector("east-to-west", false, Map.of("topics.regex", "east\\..*",
            "connector.class", "dev.tandem.sink.OceanBaseSinkConnector"), "RUNNING");

    @Test
    void aLinkGoesThroughItsStepsAndKeepsTheTimesItSaw() {
        sample("east-source", -1, PLANNED + 1_000, Map.of("full-chunks", 4.0, "full-chunks-copied", 1.0, "full-copied", 0.0,
                "full-planned-at-ms", (double) PLANNED, "full-table-rows-copied{table=shop.orders}", 250.0,
                "full-table-rows-estimated{table=shop.orders}", 1000.0));
        sample("east-to-west", 0, PLANNED + 1_000, Map.of("records-lag", 120.0, "last-applied-source-timestamp-ms", -1.0),
                List.of("east.shop.orders"));
        ProjectView.Result copying = view.view("p", List.of(source, sink), entries);
        Map<String, Object> link = link(copying);
        assertThat(link.get("sinks")).isEqualTo(List.of("east-to-west"));
        assertThat(link.get("currentStep")).isEqualTo("schema");
        Map<String, Object> full = step(link, "full");
        assertThat(full.get("status")).isEqualTo("RUNNING");
        assertThat(full.get("progress")).isEqualTo(25.0);
        assertThat(full.get("rowsCopied")).isEqualTo(250L);
        assertThat(step(link, "incremental").get("status")).isEqualTo("NOT_STARTED");
        assertThat(copying.document().get("status")).isEqualTo("RUNNING");
        store(copying);

        // every chunk copied into Kafka; the sink still reading
        sample("east-source", -1, PLANNED + 9_000, Map.of("full-chunks", 4.0, "full-chunks-copied", 4.0, "full-copied", 1.0,
                "full-planned-at-ms", (double) PLANNED, "full-table-rows-copied{table=shop.orders}", 1003.0,
                "full-table-rows-estimated{table=shop.orders}", 1000.0));
        sample("east-source", 0, PLANNED + 9_000, Map.of("binlog-behind-ms", 0.0));
        sample("east-to-west", 0, PLANNED + 9_000, Map.of("records-lag", 300.0, "last-applied-source-timestamp-ms",
                (double) PLANNED), List.of("east.shop.orders"));
        ProjectView.Result copied = view.view("p", List.of(source, sink), entries);
        link = link(copied);
        assertThat(step(link, "full").get("status")).as("copied, not applied").isEqualTo("RUNNING");
        assertThat(step(link, "full").get("progress")).isEqualTo(99.9);
        assertThat(step(link, "incremental").get("startedAt")).isEqualTo(PLANNED + 9_000);
        assertThat(link.get("delayMs")).as("the checkpoint's age while records wait").isEqualTo(9_000L);
        store(copied);

        // the sink caught up, in a sample taken after the copy ended
        sample("east-source", 0, PLANNED + 14_000, Map.of("binlog-behind-ms", 40.0));
        sample("east-to-west", 0, PLANNED + 14_500, Map.of("records-lag", 0.0, "last-applied-source-timestamp-ms",
                (double) PLANNED + 13_000, "conflicts-detected-total{conflict=update_missing,table=shop.orders}", 2.0),
                List.of("east.shop.orders"));
        ProjectView.Result applied = view.view("p", List.of(source, sink), entries);
        link = link(applied);
        assertThat(step(link, "schema").get("status")).isEqualTo("FINISHED");
        assertThat(step(link, "full").get("status")).isEqualTo("FINISHED");
        assertThat(step(link, "full").get("finishedAt")).isEqualTo(PLANNED + 14_500);
        assertThat(step(link, "full").get("progress")).isEqualTo(100.0);
        assertThat(link.get("currentStep")).isEqualTo("incremental");
        assertThat(link.get("checkpoint")).isEqualTo(PLANNED + 13_000);
        assertThat(link.get("delayMs")).as("caught up: the stream's own lag").isEqualTo(40L);
        assertThat(applied.document().get("conflicts")).isEqualTo(2L);
        assertThat(((Map<?, ?>) link.get("switchover")).get("reasons")).isEqualTo(List.of("no verification has run"));
        LinkView numbers = applied.links().get(0);
        assertThat(numbers.kind()).isEqualTo("migration");
        assertThat(numbers.metrics()).containsEntry("state", 1.0).containsEntry("current_step", 2.0)
                .containsEntry("delay_ms", 40.0).containsEntry("conflicts", 2.0)
                .containsEntry("verification_differences", -1.0).containsEntry("switchover_ready", 0.0);
        store(applied);

        // the connector restarted: its samples are gone, the kept times are not
        entries.remove(TaskSample.key("east-source", -1));
        entries.remove(TaskSample.key("east-to-west", 0));
        ProjectView.Result restarted = view.view("p", List.of(source, sink), entries);
        assertThat(step(link(restarted), "full").get("status")).isEqualTo("FINISHED");
        assertThat(restarted.updates()).isEmpty();
    }

    @Test
    void aCaughtUpTidbLinkIsAsFarBehindAsItsTicdcStream() {
        ConnectorInfo tidb = connector("east-source", true, Map.of("topic.prefix", "east", "tandem.migration.types", "incremental"),
                "RUNNING");
        sample("east-source", 0, PLANNED, Map.of("ticdc-last-commit-ts", 1.0, "ticdc-behind-ms", 2_500.0));
        sample("east-to-west", 0, PLANNED, Map.of("records-lag", 0.0, "last-applied-source-timestamp-ms", (double) PLANNED - 2_600),
                List.of("east.shop.orders"));
        Map<String, Object> link = link(view.view("p", List.of(tidb, sink), entries));
        assertThat(link.get("delayMs")).as("the sinks read everything: the stream's own lag").isEqualTo(2_500L);
    }

    @Test
    void aSinkThatHasNotFoundTheTablesTopicsYetHasNotAppliedTheCopy() {
        sample("east-source", -1, PLANNED + 1_000, Map.of("full-chunks", 1.0, "full-chunks-copied", 1.0, "full-copied", 1.0,
                "full-planned-at-ms", (double) PLANNED, "full-rows-copied", 1000.0,
                "full-table-rows-copied{table=shop.orders}", 1000.0, "full-table-rows-estimated{table=shop.orders}", 1000.0));
        ProjectView.Result first = view.view("p", List.of(source, sink), entries);
        assertThat(step(link(first), "full").get("status")).as("the sink's source is not known yet").isEqualTo("RUNNING");
        store(first);
        // a later round: the pattern-subscribed sink reads the transaction topic only, and has applied its records
        sample("east-to-west", 0, PLANNED + 2_000, Map.of("records-lag", 0.0, "last-applied-source-timestamp-ms",
                (double) PLANNED + 500), List.of("east.transaction", "east_transaction"));
        ProjectView.Result later = view.view("p", List.of(source, sink), entries);
        assertThat(step(link(later), "full").get("status")).isEqualTo("RUNNING");
        assertThat(step(link(later), "schema").get("status")).isEqualTo("RUNNING");
    }

    @Test
    void aFailedTaskFailsTheProjectAndNamesItsCause() {
        ConnectorInfo failed = new ConnectorInfo("east-to-west", "p", false, Map.of("topics", "east.shop.orders"),
                new ConnectorInfo.State("RUNNING", "w1:8083", null),
                List.of(new ConnectorInfo.Task(0, new ConnectorInfo.State("FAILED", "w2:8083",
                        "org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.\n"
                                + "\tat org.apache.kafka...\nCaused by: java.sql.SQLException: Access denied for user 'tandem'\n\tat x"))));
        ProjectView.Result r = view.view("p", List.of(source, failed), entries);
        assertThat(r.document().get("status")).isEqualTo("FAILED");
        Map<?, ?> error = (Map<?, ?>) r.document().get("lastError");
        assertThat(error.get("connector")).isEqualTo("east-to-west");
        assertThat(error.get("task")).isEqualTo(0);
        assertThat(error.get("cause")).isEqualTo("org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due "
                + "to unrecoverable exception. (caused by java.sql.SQLException: Access denied for user 'tandem')");
    }

    @Test
    void aProjectIsPausedWhenAllItsConnectorsAre() {
        ConnectorInfo pausedSource = connector("east-source", true, Map.of("topic.prefix", "east"), "PAUSED");
        ConnectorInfo pausedSink = connector("east-to-west", false, Map.of("topics", "east.shop.orders"), "PAUSED");
        assertThat(view.view("p", List.of(pausedSource, pausedSink), entries).document().get("status")).isEqualTo("PAUSED");
        assertThat(view.view("p", List.of(pausedSource, sink), entries).document().get("status")).isEqualTo("DEGRADED");
    }

    @Test
    void aSinkOfASourceOutsideTheProjectIsALinkOfItsOwn() {
        ConnectorInfo named = connector("east-to-west", false, Map.of("topics", "east.shop.orders,east.shop.items"), "RUNNING");
        ConnectorInfo other = connector("kafka-to-west", false, Map.of("topics", "north.shop.orders"), "RUNNING");
        List<?> links = (List<?>) view.view("p", List.of(source, named, other), entries).document().get("links");
        assertThat(links).hasSize(2);
        Map<?, ?> own = (Map<?, ?>) links.get(1);
        assertThat(own.get("source")).isNull();
        assertThat(own.get("sinks")).isEqualTo(List.of("kafka-to-west"));
    }

    @Test
    void theDelayHistoryKeepsAPointEveryFifteenSecondsForAnHour() {
        DelayHistory history = new DelayHistory(null);
        assertThat(history.add(PLANNED, 10)).isTrue();
        assertThat(history.add(PLANNED + 5_000, 20)).as("too soon").isFalse();
        for (int i = 1; i <= 300; i++) {
            history.add(PLANNED + i * 15_000L, i);
        }
        DelayHistory stored = new DelayHistory(history.node());
        assertThat(stored.points()).hasSize(241).first().isEqualTo(List.of(PLANNED + 60 * 15_000L, 60L));
        assertThat(stored.points()).last().isEqualTo(List.of(PLANNED + 300 * 15_000L, 300L));
    }

    @Test
    void aNewPlanStartsTheFullStepOver() {
        StepTimes times = new StepTimes(null);
        times.plan(PLANNED);
        times.setOnce("full", "finishedAt", PLANNED + 5);
        assertThat(times.setOnce("full", "finishedAt", PLANNED + 9)).as("kept").isEqualTo(PLANNED + 5);
        times.plan(PLANNED + 100);
        assertThat(times.get("full", "finishedAt")).isEqualTo(-1);
    }

    private static ConnectorInfo connector(String name, boolean isSource, Map<String, String> config, String state) {
        return new ConnectorInfo(name, "p", isSource, config, new ConnectorInfo.State(state, "w1:8083", null),
                List.of(new ConnectorInfo.Task(0, new ConnectorInfo.State(state, "w1:8083", null))));
    }

    private void sample(String connector, int task, long at, Map<String, Double> metrics) {
        sample(connector, task, at, metrics, List.of());
    }

    private void sample(String connector, int task, long at, Map<String, Double> metrics, List<String> topics) {
        TaskSample s = new TaskSample(connector, task, at, metrics, topics);
        entries.put(s.key(), StatusTopic.JSON.valueToTree(Samples.json(s)));
    }

    private void store(ProjectView.Result r) {
        r.updates().forEach(entries::put);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> link(ProjectView.Result r) {
        return ((List<Map<String, Object>>) r.document().get("links")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> step(Map<String, Object> link, String name) {
        return ((List<Map<String, Object>>) link.get("steps")).stream().filter(s -> name.equals(s.get("name"))).findFirst()
                .orElseThrow();
    }
}
