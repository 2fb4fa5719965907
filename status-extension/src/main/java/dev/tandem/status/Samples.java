package dev.tandem.status;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Task samples as JSON in the status topic, and back. */
final class Samples {

    private Samples() {
    }

    static Map<String, Object> json(TaskSample s) {
        Map<String, Object> doc = new TreeMap<>();
        doc.put("connector", s.connector());
        doc.put("task", s.task());
        doc.put("sampledAt", s.sampledAt());
        Map<String, Object> metrics = new TreeMap<>();
        // JSON has no NaN: a metric without a value is left out
        s.metrics().forEach((k, v) -> {
            if (!v.isNaN() && !v.isInfinite()) {
                metrics.put(k, v);
            }
        });
        doc.put("metrics", metrics);
        doc.put("topics", s.topics());
        return doc;
    }

    static TaskSample parse(JsonNode node) {
        Map<String, Double> metrics = new TreeMap<>();
        node.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
        List<String> topics = new ArrayList<>();
        node.path("topics").forEach(t -> topics.add(t.asText()));
        return new TaskSample(node.path("connector").asText(), node.path("task").asInt(), node.path("sampledAt").asLong(),
                metrics, topics);
    }

    /** The samples of {@code c}'s connector instance and of its current tasks (a task that no longer exists is left out). */
    static List<TaskSample> of(ConnectorInfo c, Map<String, JsonNode> entries) {
        Set<Integer> tasks = new HashSet<>();
        tasks.add(-1);
        c.tasks().forEach(t -> tasks.add(t.id()));
        List<TaskSample> list = new ArrayList<>();
        for (int task : tasks) {
            JsonNode node = entries.get(TaskSample.key(c.name(), task));
            if (node != null) {
                list.add(parse(node));
            }
        }
        list.sort(java.util.Comparator.comparingInt(TaskSample::task));
        return list;
    }
}
