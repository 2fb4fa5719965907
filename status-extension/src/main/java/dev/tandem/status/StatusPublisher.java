package dev.tandem.status;

import org.apache.kafka.connect.health.ConnectClusterState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every {@code tandem.status.interval.ms}, samples the tasks of projects this worker runs and
 * writes the samples to the status topic; then writes the step times the topic lacks (once this
 * worker has read the whole topic, so it never writes over times set before it started), and
 * shows every project's numbers over JMX ({@link StatusMBeans}).
 */
final class StatusPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusPublisher.class);

    private final ConnectClusterState cluster;
    private final StatusTopic topic;
    private final MetricSampler sampler;
    private final ProjectView view;
    private final long intervalMs;
    private final StatusMBeans beans;
    private ScheduledExecutorService timer;

    StatusPublisher(ConnectClusterState cluster, StatusTopic topic, MetricSampler sampler, ProjectView view, long intervalMs,
                    StatusMBeans beans) {
        this.beans = beans;
        this.cluster = cluster;
        this.topic = topic;
        this.sampler = sampler;
        this.view = view;
        this.intervalMs = intervalMs;
    }

    void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-status-sampler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    void tick() {
        try {
            Map<String, List<ConnectorInfo>> projects = ConnectorInfo.byProject(cluster);
            Set<String> connectors = new HashSet<>();
            projects.values().forEach(list -> list.forEach(c -> connectors.add(c.name())));
            if (!connectors.isEmpty()) {
                for (TaskSample s : sampler.sample(connectors, System.currentTimeMillis())) {
                    topic.publish(s.key(), Samples.json(s));
                }
            }
            if (!topic.caughtUp()) {
                return;
            }
            var entries = topic.entries();
            Map<String, ProjectView.Result> results = new java.util.TreeMap<>();
            projects.forEach((name, list) -> results.put(name, view.view(name, list, entries)));
            results.values().forEach(r -> r.updates().forEach(topic::publish));
            beans.show(results);
        } catch (RuntimeException e) {
            LOG.warn("Sampling the projects' status failed (next try in {} ms): {}", intervalMs, e.toString());
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
