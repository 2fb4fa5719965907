package dev.tandem.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A project's status, computed from what every worker reads alike: Connect's connector states and
 * configurations, the task samples and the step times of the status topic. Computed from the same
 * records, it is the same whichever worker answers.
 *
 * <p>The steps of a link, and what ends each:
 * <ul>
 * <li>schema: the table definitions reach the destination. Each table's definition travels before
 * its rows, so with a full copy the step ends with the full step; without one, when the stream
 * starts (the stream sends the definitions first).</li>
 * <li>full: from the plan to every chunk copied into Kafka (the rows copied, per table against the
 * server's estimate, count the copy) and then applied: the sinks have nothing left to read,
 * seen in a sample taken after the copy ended.</li>
 * <li>incremental: from the end of the copy (or the stream's start) on; it runs until the
 * project is deleted. Its checkpoint is the source commit time of the last change applied in
 * the destination (for sinks still reading, the oldest of their tasks'); its delay is how far
 * the destination is behind the source: the checkpoint's age when the sink has changes left to
 * read, else the binlog stream's own lag.</li>
 * </ul>
 * Step times that samples only show once (when the copy ended, when it was applied) are written to
 * the status topic as {@code steps/<link>}, so they outlive the samples and a worker restart; so is
 * the delay of the last hour ({@code history/<link>}, a point every 15 seconds).
 */
final class ProjectView {

    static final String NOT_STARTED = "NOT_STARTED";
    static final String RUNNING = "RUNNING";
    static final String FINISHED = "FINISHED";

    private final long switchoverMaxDelayMs;

    ProjectView(long switchoverMaxDelayMs) {
        this.switchoverMaxDelayMs = switchoverMaxDelayMs;
    }

    /** A project's document, the records the status topic lacks (step times, delay history), and its links' numbers. */
    record Result(Map<String, Object> document, Map<String, ObjectNode> updates, List<LinkView> links) {
    }

    Result view(String project, List<ConnectorInfo> connectors, Map<String, JsonNode> entries) {
        Map<String, List<TaskSample>> samples = new HashMap<>();
        Map<String, Set<String>> sinkTopics = new HashMap<>();
        for (ConnectorInfo c : connectors) {
            List<TaskSample> list = Samples.of(c, entries);
            samples.put(c.name(), list);
            Set<String> topics = new java.util.TreeSet<>();
            list.forEach(s -> topics.addAll(s.topics()));
            sinkTopics.put(c.name(), topics);
        }
        List<Map<String, Object>> links = new ArrayList<>();
        Map<String, ObjectNode> updates = new TreeMap<>();
        long conflicts = 0;
        long deadLetters = 0;
        List<String> statuses = new ArrayList<>();
        List<LinkView> views = new ArrayList<>();
        List<Link> all = Link.of(connectors, sinkTopics);
        // a sink subscribed by pattern that has read nothing yet matches no source: its source is not known
        boolean sinksUnresolved = all.stream().anyMatch(l -> l.source() == null
                && l.sinks().stream().allMatch(k -> k.topics().isEmpty() && sinkTopics.getOrDefault(k.name(), Set.of()).isEmpty()));
        for (Link link : all) {
            String key = StatusTopic.STEPS + link.name();
            JsonNode stored = entries.get(key);
            JsonNode verification = entries.get(StatusTopic.VERIFICATION + link.name());
            LinkView lv = new LinkView(link, samples, stored, verification, switchoverMaxDelayMs, sinksUnresolved);
            JsonNode history = entries.get(StatusTopic.HISTORY + link.name());
            DelayHistory delays = new DelayHistory(history);
            Object sampledAt = lv.document().get("sampledAt");
            Object delay = lv.document().get("delayMs");
            if (sampledAt instanceof Long at && delay instanceof Long ms && delays.add(at, ms)) {
                updates.put(StatusTopic.HISTORY + link.name(), delays.node());
            }
            lv.document().put("delayHistory", delays.points());
            links.add(lv.document());
            views.add(lv);
            if (lv.steps().changed()) {
                updates.put(key, lv.steps().node());
            }
            conflicts += lv.conflicts();
            deadLetters += lv.deadLetters();
            statuses.add(lv.status());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", project);
        doc.put("status", projectStatus(statuses));
        doc.put("conflicts", conflicts);
        doc.put("deadLetters", deadLetters);
        doc.put("lastError", lastError(connectors));
        doc.put("links", links);
        doc.put("connectors", connectors.stream().map(ProjectView::connector).toList());
        return new Result(doc, updates, views);
    }

    /** FAILED, PAUSED, INIT and FINISHED when every link is; FAILED when one is; DEGRADED when links differ otherwise. */
    static String projectStatus(List<String> links) {
        if (links.isEmpty()) {
            return "INIT";
        }
        if (links.contains("FAILED")) {
            return "FAILED";
        }
        if (links.stream().distinct().count() == 1) {
            return links.get(0);
        }
        if (links.stream().allMatch(s -> s.equals(FINISHED) || s.equals(RUNNING))) {
            return RUNNING;
        }
        return "DEGRADED";
    }

    /** The first failure of the project's connectors (a connector's own before its tasks'), or null. */
    static Map<String, Object> lastError(List<ConnectorInfo> connectors) {
        for (ConnectorInfo c : connectors) {
            if (c.state().is("FAILED")) {
                return error(c.name(), null, c.state());
            }
            for (ConnectorInfo.Task t : c.tasks()) {
                if (t.state().is("FAILED")) {
                    return error(c.name(), t.id(), t.state());
                }
            }
        }
        return null;
    }

    private static Map<String, Object> error(String connector, Integer task, ConnectorInfo.State state) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("connector", connector);
        e.put("task", task);
        e.put("worker", state.worker());
        e.put("cause", cause(state.trace()));
        e.put("trace", state.trace());
        return e;
    }

    /** A trace's first line, and its innermost cause when it has one. */
    static String cause(String trace) {
        if (trace == null || trace.isBlank()) {
            return "";
        }
        String[] lines = trace.split("\\R");
        String cause = lines[0].trim();
        for (int i = lines.length - 1; i > 0; i--) {
            String line = lines[i].trim();
            if (line.startsWith("Caused by: ")) {
                String inner = line.substring("Caused by: ".length());
                if (!cause.contains(inner)) {
                    cause = cause + " (caused by " + inner + ")";
                }
                break;
            }
        }
        return cause;
    }

    private static Map<String, Object> connector(ConnectorInfo c) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", c.name());
        doc.put("type", c.source() ? "source" : "sink");
        doc.put("state", c.state().state());
        doc.put("worker", c.state().worker());
        doc.put("tasks", c.tasks().stream().map(t -> {
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("id", t.id());
            task.put("state", t.state().state());
            task.put("worker", t.state().worker());
            return task;
        }).toList());
        return doc;
    }

    static String iso(long ms) {
        return ms <= 0 ? null : Instant.ofEpochMilli(ms).toString();
    }
}
