package dev.tandem.testkit;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;

import static org.awaitility.Awaitility.await;

/**
 * Reads the JMX metrics that Debezium's binlog connectors and our plugins register in the worker
 * (in this JVM for the embedded cluster), e.g. to know when streaming has really begun.
 */
public final class DebeziumMetrics {

    private static final MBeanServer MBEANS = ManagementFactory.getPlatformMBeanServer();

    private DebeziumMetrics() {
    }

    /** The streaming metrics bean of a connector's {@code topic.prefix}, if registered. */
    public static ObjectName streaming(String topicPrefix) {
        try {
            Set<ObjectName> names = MBEANS.queryNames(new ObjectName("debezium.*:type=connector-metrics,context=streaming,server="
                    + topicPrefix + ",*"), null);
            return names.isEmpty() ? null : names.iterator().next();
        } catch (Exception e) {
            throw new IllegalStateException("cannot query JMX for " + topicPrefix, e);
        }
    }

    public static Object attribute(ObjectName name, String attribute) {
        try {
            return MBEANS.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + attribute + " of " + name, e);
        }
    }

    /** Waits until the connector with this {@code topic.prefix} is connected to the binlog. */
    public static void awaitStreaming(String topicPrefix, Duration timeout) {
        await("Debezium streaming for " + topicPrefix).atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            ObjectName name = streaming(topicPrefix);
            return name != null && Boolean.TRUE.equals(attribute(name, "Connected"));
        });
    }

    /**
     * The sum over a connector's tasks of one plugin metric (e.g. the sink's
     * {@code records-applied-total}), 0 when no task has registered it yet.
     */
    public static double pluginMetric(String connector, String metric) {
        try {
            double sum = 0;
            for (ObjectName name : MBEANS.queryNames(new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",*"), null)) {
                for (var a : MBEANS.getMBeanInfo(name).getAttributes()) {
                    if (a.getName().equals(metric)) {
                        sum += ((Number) MBEANS.getAttribute(name, metric)).doubleValue();
                    }
                }
            }
            return sum;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + metric + " of " + connector, e);
        }
    }
}
