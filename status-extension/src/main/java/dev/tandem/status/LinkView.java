package dev.tandem.status;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One link's steps, checkpoint, delay and counts, from its connectors' states and samples (see {@link ProjectView}). */
final class LinkView {

    /** A sample's key of the source connector's rows copied of one table, up to the table's name. */
    private static final String TABLE_ROWS_COPIED = "full-table-rows-copied{table=";

    private final Link link;
    private final StepTimes steps;
    private final Map<String, Object> doc = new LinkedHashMap<>();
    private final String status;
    private long conflicts;
    private long deadLetters;
    private String kind;
    private final Map<String, Double> metrics = new LinkedHashMap<>();

    /**
     * @param sinksUnresolved whether a sink of the project reads by pattern and has read nothing yet:
     *                        it may belong to this link, so a link without sinks is not done with its copy
     */
    LinkView(Link link, Map<String, List<TaskSample>> samples, JsonNode storedSteps, JsonNode verification,
             long switchoverMaxDelayMs, boolean sinksUnresolved) {
        this.link = link;
        this.steps = new StepTimes(storedSteps);
        List<String> types = link.source() != null ? link.source().migrationTypes() : List.of("incremental");
        boolean hasFull = types.contains("full");
        boolean hasIncremental = types.contains("incremental");

        TaskSample connector = null;
        List<TaskSample> sourceTasks = new ArrayList<>();
        if (link.source() != null) {
            for (TaskSample s : samples.getOrDefault(link.source().name(), List.of())) {
                if (s.task() < 0) {
                    connector = s;
                } else {
                    sourceTasks.add(s);
                }
            }
        }
        List<TaskSample> sinkTasks = new ArrayList<>();
        link.sinks().forEach(k -> samples.getOrDefault(k.name(), List.of()).stream().filter(s -> s.task() >= 0)
                .forEach(sinkTasks::add));
        long firstSeen = -1;
        for (TaskSample s : concat(sourceTasks, sinkTasks, connector)) {
            firstSeen = firstSeen < 0 ? s.sampledAt() : Math.min(firstSeen, s.sampledAt());
        }
        double pending = 0;
        double uncommitted = 0;
        long sinkSampledFrom = Long.MAX_VALUE;
        long sinkSampledTo = -1;
        long newestApplied = -1;
        long oldestPendingApplied = Long.MAX_VALUE;
        long skipped = 0;
        for (TaskSample s : sinkTasks) {
            double lag = s.sum("records-lag");
            pending += lag;
            uncommitted += s.sum("transaction-uncommitted");
            sinkSampledFrom = Math.min(sinkSampledFrom, s.sampledAt());
            sinkSampledTo = Math.max(sinkSampledTo, s.sampledAt());
            long applied = (long) s.metric("last-applied-source-timestamp-ms");
            newestApplied = Math.max(newestApplied, applied);
            if (lag > 0 && applied > 0) {
                oldestPendingApplied = Math.min(oldestPendingApplied, applied);
            }
            conflicts += (long) s.sum("conflicts-detected-total");
            deadLetters += (long) s.sum("deadletterqueue-produce-requests");
            skipped += (long) s.sum("total-records-skipped");
        }
        long behind = 0;
        long streamSeen = -1;
        for (TaskSample s : sourceTasks) {
            if (s.has("binlog-behind-ms") || s.has("ticdc-last-commit-ts")) {
                behind = Math.max(behind, (long) Math.max(s.sum("binlog-behind-ms"), s.sum("ticdc-behind-ms")));
                streamSeen = streamSeen < 0 ? s.sampledAt() : Math.min(streamSeen, s.sampledAt());
            }
        }
        // nothing left to read, and nothing read that is not committed in the destination
        boolean caughtUp = !sinkTasks.isEmpty() && pending == 0 && uncommitted == 0;

        // full
        long plannedAt = connector == null ? -1 : (long) connector.metric("full-planned-at-ms");
        steps.plan(plannedAt);
        long copiedAt = -1;
        long fullFinished = steps.get("full", "finishedAt");
        if (connector != null && connector.metric("full-copied") == 1) {
            copiedAt = steps.setOnce("full", "copiedAt", connector.sampledAt());
        } else {
            copiedAt = steps.get("full", "copiedAt");
        }
        if (copiedAt > 0 && fullFinished < 0) {
            if (link.sinks().isEmpty()) {
                if (!sinksUnresolved) {
                    fullFinished = steps.setOnce("full", "finishedAt", copiedAt);
                }
            } else if (caughtUp && sinkSampledFrom > copiedAt && readsEveryTable(link, connector, sinkTasks)
                    && (newestApplied > 0 || connector == null || connector.metric("full-rows-copied") == 0)) {
                // a sample of a later round than the one that saw the copy end (the consumer has fetched since),
                // and the sinks applied something when there were rows
                fullFinished = steps.setOnce("full", "finishedAt", sinkSampledTo);
            }
        }
        // incremental, schema
        long incrementalStarted = steps.get("incremental", "startedAt");
        if (hasIncremental) {
            long start = hasFull ? copiedAt : link.source() == null ? (sinkTasks.isEmpty() ? -1 : firstSeen) : streamSeen;
            incrementalStarted = steps.setOnce("incremental", "startedAt", start);
        }
        long schemaStarted = steps.setOnce("schema", "startedAt", hasFull && plannedAt > 0 ? plannedAt : firstSeen);
        long schemaFinished = steps.setOnce("schema", "finishedAt", hasFull ? fullFinished : incrementalStarted);

        long checkpoint = oldestPendingApplied != Long.MAX_VALUE ? oldestPendingApplied : newestApplied;
        Long delay = null;
        if (!sinkTasks.isEmpty()) {
            if (caughtUp) {
                delay = behind;
            } else if (checkpoint > 0) {
                delay = Math.max(0, sinkSampledTo - checkpoint);
            }
        }

        status = status(link, hasIncremental, fullFinished > 0);
        List<Map<String, Object>> stepList = new ArrayList<>();
        stepList.add(step("schema", schemaStarted, schemaFinished, null));
        if (hasFull) {
            stepList.add(fullStep(connector, plannedAt, fullFinished));
        }
        if (hasIncremental) {
            Map<String, Object> inc = step("incremental", incrementalStarted, -1, null);
            boolean started = incrementalStarted > 0;
            inc.put("checkpoint", started && checkpoint > 0 ? checkpoint : null);
            inc.put("checkpointTime", started ? ProjectView.iso(checkpoint) : null);
            inc.put("delayMs", started ? delay : null);
            stepList.add(inc);
        }
        Map<String, Object> verify = verification(verification);
        stepList.add(verify);

        doc.put("name", link.name());
        doc.put("source", link.source() == null ? null : link.source().name());
        doc.put("sinks", link.sinks().stream().map(ConnectorInfo::name).toList());
        doc.put("status", status);
        doc.put("currentStep", stepList.stream().filter(s -> !ProjectView.FINISHED.equals(s.get("status")))
                .map(s -> s.get("name")).findFirst().orElse("verification"));
        doc.put("steps", stepList);
        doc.put("checkpoint", checkpoint > 0 ? checkpoint : null);
        doc.put("checkpointTime", ProjectView.iso(checkpoint));
        doc.put("delayMs", delay);
        doc.put("pendingRecords", sinkTasks.isEmpty() ? null : (long) pending);
        doc.put("sampledAt", sinkSampledTo > 0 ? sinkSampledTo : null);
        doc.put("conflicts", conflicts);
        doc.put("deadLetters", deadLetters);
        doc.put("skippedRecords", skipped);
        List<String> blockers = new ArrayList<>();
        if (hasFull && fullFinished < 0) {
            blockers.add("the full copy is not applied yet");
        }
        if (delay == null) {
            blockers.add("no delay measured yet");
        } else if (delay > switchoverMaxDelayMs) {
            blockers.add("delay " + delay + " ms is over " + switchoverMaxDelayMs + " ms");
        }
        if (!"CLEAN".equals(verify.get("result"))) {
            blockers.add(verify.get("result") == null ? "no verification has run" : "the last verification found differences");
        }
        if (!status.equals(ProjectView.RUNNING) && !status.equals(ProjectView.FINISHED)) {
            blockers.add("the link is " + status);
        }
        Map<String, Object> switchover = new LinkedHashMap<>();
        switchover.put("ready", blockers.isEmpty());
        switchover.put("reasons", blockers);
        doc.put("switchover", switchover);

        double headroom = Double.NaN;
        double required = Double.NaN;
        double sourceRecords = 0;
        for (TaskSample s : sourceTasks) {
            if (s.has("binlog-retention-headroom-seconds")) {
                double h = s.metric("binlog-retention-headroom-seconds");
                headroom = Double.isNaN(headroom) ? h : Math.min(headroom, h);
            }
            if (s.has("binlog-retention-required-seconds")) {
                required = s.metric("binlog-retention-required-seconds");
            }
            sourceRecords += s.sum("source-record-write-total");
        }
        kind = link.sinks().stream().anyMatch(k -> k.config().getOrDefault("connector.class", "").endsWith(".OceanBaseSinkConnector"))
                ? "migration" : "sync";
        doc.put("kind", kind);
        metrics.put("state", (double) STATES.indexOf(status));
        metrics.put("current_step", (double) STEPS.indexOf(String.valueOf(doc.get("currentStep"))));
        metrics.put("delay_ms", delay == null ? Double.NaN : delay);
        metrics.put("checkpoint_ms", checkpoint > 0 ? checkpoint : Double.NaN);
        metrics.put("pending_records", sinkTasks.isEmpty() ? Double.NaN : pending);
        metrics.put("full_progress_percent", hasFull && fullStepProgress(stepList) != null ? fullStepProgress(stepList) : Double.NaN);
        metrics.put("conflicts", (double) conflicts);
        metrics.put("dead_letters", (double) deadLetters);
        metrics.put("skipped_records", (double) skipped);
        metrics.put("source_records", sourceRecords);
        metrics.put("verification_differences", verify.get("differences") instanceof Number n ? n.doubleValue()
                : "NOT_RUN".equals(verify.get("status")) ? -1 : Double.NaN);
        metrics.put("binlog_retention_headroom_seconds", headroom);
        metrics.put("binlog_retention_required_seconds", required);
        metrics.put("switchover_ready", blockers.isEmpty() ? 1.0 : 0.0);
    }

    /** The status codes of the {@code state} metric, in order: 0 INIT ... 5 FINISHED. */
    static final List<String> STATES = List.of("INIT", "RUNNING", "PAUSED", "DEGRADED", "FAILED", "FINISHED");
    /** The step codes of the {@code current_step} metric. */
    static final List<String> STEPS = List.of("schema", "full", "incremental", "verification");

    private static Double fullStepProgress(List<Map<String, Object>> steps) {
        return steps.stream().filter(s -> "full".equals(s.get("name"))).map(s -> s.get("progress"))
                .filter(Double.class::isInstance).map(Double.class::cast).findFirst().orElse(null);
    }

    /**
     * Whether the sinks read a topic of every table the copy planned: a sink subscribed by pattern
     * finds a new topic only at its next metadata refresh, and until then it has nothing to read
     * without having applied the copy. A table's topic is {@code <prefix>.<table>}; when topics are
     * routed elsewhere, as many of the source's topics as there are tables will do.
     */
    private static boolean readsEveryTable(Link link, TaskSample connector, List<TaskSample> sinkTasks) {
        java.util.Set<String> read = new java.util.HashSet<>();
        sinkTasks.forEach(s -> read.addAll(s.topics()));
        link.sinks().forEach(k -> read.addAll(k.topics()));
        String prefix = link.source() == null ? "" : link.source().topicPrefix();
        List<String> tables = connector == null ? List.of() : connector.metrics().keySet().stream()
                .filter(k -> k.startsWith(TABLE_ROWS_COPIED)).map(k -> k.substring(TABLE_ROWS_COPIED.length(), k.length() - 1)).toList();
        if (tables.stream().allMatch(t -> read.stream().anyMatch(r -> Link.same(r, prefix + "." + t)))) {
            return true;
        }
        return read.stream().filter(t -> Link.startsWith(t, prefix) && !Link.same(t, prefix + ".transaction")).count()
                >= tables.size();
    }

    private static List<TaskSample> concat(List<TaskSample> a, List<TaskSample> b, TaskSample c) {
        List<TaskSample> all = new ArrayList<>(a);
        all.addAll(b);
        if (c != null) {
            all.add(c);
        }
        return all;
    }

    private static String status(Link link, boolean incremental, boolean fullFinished) {
        List<String> states = new ArrayList<>();
        for (ConnectorInfo c : link.connectors()) {
            states.add(c.state().state());
            c.tasks().forEach(t -> states.add(t.state().state()));
        }
        if (states.contains("FAILED")) {
            return "FAILED";
        }
        if (link.connectors().stream().allMatch(c -> c.state().is("PAUSED") || c.state().is("STOPPED"))) {
            return "PAUSED";
        }
        if (!states.contains("RUNNING") || link.connectors().stream().anyMatch(c -> c.tasks().isEmpty())) {
            return "INIT";
        }
        if (states.stream().anyMatch(s -> !s.equals("RUNNING"))) {
            return "DEGRADED";
        }
        return !incremental && fullFinished ? ProjectView.FINISHED : ProjectView.RUNNING;
    }

    private static Map<String, Object> step(String name, long started, long finished, Double progress) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("status", finished > 0 ? ProjectView.FINISHED : started > 0 ? ProjectView.RUNNING : ProjectView.NOT_STARTED);
        Double shown = progress;
        if (finished > 0) {
            shown = 100.0;
        } else if (shown == null && started <= 0) {
            shown = 0.0;
        }
        s.put("progress", shown);
        s.put("startedAt", started > 0 ? started : null);
        s.put("finishedAt", finished > 0 ? finished : null);
        return s;
    }

    private static Map<String, Object> fullStep(TaskSample connector, long plannedAt, long finished) {
        long chunks = connector == null ? 0 : (long) connector.metric("full-chunks");
        long copiedChunks = connector == null ? 0 : (long) connector.metric("full-chunks-copied");
        long rows = 0;
        long estimated = 0;
        List<Map<String, Object>> tables = new ArrayList<>();
        if (connector != null) {
            for (Map.Entry<String, Double> e : connector.metrics().entrySet()) {
                String k = e.getKey();
                if (k.startsWith(TABLE_ROWS_COPIED)) {
                    String table = k.substring(TABLE_ROWS_COPIED.length(), k.length() - 1);
                    long copied = e.getValue().longValue();
                    long est = (long) connector.metric("full-table-rows-estimated{table=" + table + "}");
                    rows += copied;
                    estimated += Math.max(0, est);
                    Map<String, Object> t = new LinkedHashMap<>();
                    t.put("table", table);
                    t.put("rowsCopied", copied);
                    t.put("rowsEstimated", est);
                    tables.add(t);
                }
            }
        }
        Double progress = null;
        if (chunks > 0) {
            // rows against the estimate when it is usable, else chunks; never 100 % before the copy is applied
            double p = estimated > 0 ? 100.0 * rows / Math.max(estimated, rows) : 100.0 * copiedChunks / chunks;
            progress = Math.min(99.9, Math.round(p * 10) / 10.0);
        }
        Map<String, Object> s = step("full", plannedAt, finished, progress);
        s.put("rowsCopied", rows);
        s.put("rowsEstimated", estimated);
        s.put("chunks", chunks);
        s.put("chunksCopied", copiedChunks);
        s.put("tables", tables);
        return s;
    }

    /** The last verification of the link the verifier reported to the status topic, or NOT_RUN. */
    private static Map<String, Object> verification(JsonNode report) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", "verification");
        if (report == null) {
            s.put("status", "NOT_RUN");
            s.put("result", null);
            return s;
        }
        s.put("status", report.path("finishedAt").asLong(-1) > 0 ? ProjectView.FINISHED : ProjectView.RUNNING);
        s.put("result", report.path("result").isMissingNode() ? null : report.path("result").asText());
        s.put("startedAt", report.path("startedAt").isNumber() ? report.path("startedAt").asLong() : null);
        s.put("finishedAt", report.path("finishedAt").isNumber() ? report.path("finishedAt").asLong() : null);
        s.put("rowsCompared", report.path("rowsCompared").isNumber() ? report.path("rowsCompared").asLong() : null);
        s.put("differences", report.path("differences").isNumber() ? report.path("differences").asLong() : null);
        return s;
    }

    /**
     * The link's numbers as the extension's JMX metrics ({@code tandem:type=link,...}): state and
     * current step as codes, delay, checkpoint, counts, verification differences (-1: none ran),
     * binlog retention headroom; NaN where there is no value.
     */
    Map<String, Double> metrics() {
        return metrics;
    }

    /** {@code migration} for a link into a database, {@code sync} for one that delivers to Kafka or RocketMQ only. */
    String kind() {
        return kind;
    }

    Map<String, Object> document() {
        return doc;
    }

    String name() {
        return link.name();
    }

    StepTimes steps() {
        return steps;
    }

    String status() {
        return status;
    }

    long conflicts() {
        return conflicts;
    }

    long deadLetters() {
        return deadLetters;
    }
}
