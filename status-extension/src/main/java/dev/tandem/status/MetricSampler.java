package dev.tandem.status;

import javax.management.Attribute;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads, over JMX in this worker's JVM, the metrics of the tasks and connectors it runs: the
 * plugins' own ({@code kafka.connect:type=plugins}: Tandem's copy progress, sink checkpoint and
 * conflicts, binlog lag), Connect's error and task counters (dead-letter records, records read and
 * written), and each sink consumer's lag per partition (summed as {@code records-lag}).
 */
final class MetricSampler {

    private static final Pattern SINK_CONSUMER = Pattern.compile("connector-consumer-(.+)-(\\d+)");
    /** Connect's counters a project's status uses; the plugins' metrics are all taken. */
    private static final Map<String, Set<String>> CONNECT_METRICS = Map.of(
            "task-error-metrics", Set.of("deadletterqueue-produce-requests", "deadletterqueue-produce-failures",
                    "total-records-skipped", "total-record-errors", "total-record-failures"),
            "source-task-metrics", Set.of("source-record-write-total", "source-record-poll-total"),
            "sink-task-metrics", Set.of("sink-record-read-total", "sink-record-send-total"));

    private final MBeanServer server;

    MetricSampler() {
        this(ManagementFactory.getPlatformMBeanServer());
    }

    MetricSampler(MBeanServer server) {
        this.server = server;
    }

    /** A sample of each task (and connector) of {@code connectors} whose metrics are in this JVM. */
    List<TaskSample> sample(Set<String> connectors, long now) {
        Map<String, Map<String, Double>> metrics = new TreeMap<>();
        Map<String, Set<String>> topics = new HashMap<>();
        try {
            for (ObjectName name : server.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)) {
                String connector = unquote(name.getKeyProperty("connector"));
                if (connectors.contains(connector)) {
                    read(name, null, metrics.computeIfAbsent(id(connector, task(name)), k -> new TreeMap<>()), tags(name));
                }
            }
            for (Map.Entry<String, Set<String>> group : CONNECT_METRICS.entrySet()) {
                for (ObjectName name : server.queryNames(new ObjectName("kafka.connect:type=" + group.getKey() + ",*"), null)) {
                    String connector = unquote(name.getKeyProperty("connector"));
                    if (connectors.contains(connector) && name.getKeyProperty("task") != null) {
                        read(name, group.getValue(), metrics.computeIfAbsent(id(connector, task(name)), k -> new TreeMap<>()), "");
                    }
                }
            }
            ObjectName partitions = new ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,*");
            for (ObjectName name : server.queryNames(partitions, null)) {
                Matcher m = SINK_CONSUMER.matcher(unquote(String.valueOf(name.getKeyProperty("client-id"))));
                String partition = name.getKeyProperty("partition");
                if (!m.matches() || partition == null || !connectors.contains(m.group(1))) {
                    continue;
                }
                String id = id(m.group(1), Integer.parseInt(m.group(2)));
                Map<String, Double> values = metrics.computeIfAbsent(id, k -> new TreeMap<>());
                Object lag = attribute(name, "records-lag");
                if (lag instanceof Number n && !Double.isNaN(n.doubleValue())) {
                    values.merge("records-lag", n.doubleValue(), Double::sum);
                } else {
                    values.putIfAbsent("records-lag", 0.0);
                }
                topics.computeIfAbsent(id, k -> new TreeSet<>()).add(unquote(name.getKeyProperty("topic")));
            }
        } catch (JMException e) {
            throw new IllegalStateException("Cannot read the worker's metrics: " + e.getMessage(), e);
        }
        List<TaskSample> samples = new ArrayList<>();
        metrics.forEach((id, values) -> {
            int slash = id.lastIndexOf('/');
            samples.add(new TaskSample(id.substring(0, slash), Integer.parseInt(id.substring(slash + 1)), now, values,
                    List.copyOf(topics.getOrDefault(id, Set.of()))));
        });
        return samples;
    }

    private void read(ObjectName name, Set<String> only, Map<String, Double> into, String tags) throws JMException {
        List<String> wanted = new ArrayList<>();
        for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
            if (only == null || only.contains(a.getName())) {
                wanted.add(a.getName());
            }
        }
        for (Attribute a : server.getAttributes(name, wanted.toArray(String[]::new)).asList()) {
            if (a.getValue() instanceof Number n) {
                into.put(a.getName() + tags, n.doubleValue());
            }
        }
    }

    private Object attribute(ObjectName name, String attribute) {
        try {
            return server.getAttribute(name, attribute);
        } catch (JMException e) {
            return null;
        }
    }

    private static String id(String connector, int task) {
        return connector + "/" + task;
    }

    private static int task(ObjectName name) {
        String task = name.getKeyProperty("task");
        return task == null ? -1 : Integer.parseInt(unquote(task));
    }

    /** The name's tags other than type, connector and task, as {@code {k=v,...}}, or empty. */
    private static String tags(ObjectName name) {
        Map<String, String> extra = new TreeMap<>();
        name.getKeyPropertyList().forEach((k, v) -> {
            if (!k.equals("type") && !k.equals("connector") && !k.equals("task")) {
                extra.put(k, unquote(v));
            }
        });
        if (extra.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("{");
        extra.forEach((k, v) -> s.append(s.length() > 1 ? "," : "").append(k).append('=').append(v));
        return s.append('}').toString();
    }

    /** A key property's value as given to Kafka's metrics (JMX quotes values with special characters). */
    static String unquote(String value) {
        if (value != null && value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return ObjectName.unquote(value);
        }
        return value;
    }
}
