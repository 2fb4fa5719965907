package dev.tandem.status;

import java.util.List;
import java.util.Map;

/**
 * The metrics of one task of a connector ({@code task} -1: the connector itself) as the worker
 * running it read them at {@code sampledAt}. Metric keys are the metric names, followed by their
 * extra tags in braces when they have some ({@code full-table-rows-copied{table=shop.orders}}).
 * {@code topics} are the topics a sink task's consumer reads.
 */
record TaskSample(String connector, int task, long sampledAt, Map<String, Double> metrics, List<String> topics) {

    /** The key of the sample in the status topic. */
    String key() {
        return key(connector, task);
    }

    static String key(String connector, int task) {
        return StatusTopic.SAMPLE + connector + "/" + task;
    }

    /** The metric, or NaN when the task does not report it. */
    double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }

    boolean has(String name) {
        return metrics.containsKey(name);
    }

    /** The sum of the metrics named {@code name}, whatever their tags (NaN values count as 0). */
    double sum(String name) {
        double sum = 0;
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            String k = e.getKey();
            if ((k.equals(name) || k.startsWith(name + "{")) && !e.getValue().isNaN()) {
                sum += e.getValue();
            }
        }
        return sum;
    }
}
