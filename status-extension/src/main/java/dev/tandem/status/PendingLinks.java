package dev.tandem.status;

import org.apache.kafka.connect.health.ConnectClusterState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The reverse links of active-active projects created through the API, waiting on this worker for
 * their forward link's schema step: every 2 seconds the project's status is read, and once the
 * step is done the connectors are validated and created. Held by the worker that received the
 * project: if it stops first, send the same description again (existing connectors are kept).
 */
final class PendingLinks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PendingLinks.class);

    private final ConnectClusterState cluster;
    private final StatusTopic topic;
    private final ProjectView view;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tandem-status-pending-links");
        t.setDaemon(true);
        return t;
    });

    private static final class Waiting {
        final ProjectPlan plan;
        final ConnectApi api;
        volatile String error;

        Waiting(ProjectPlan plan, ConnectApi api) {
            this.plan = plan;
            this.api = api;
        }
    }

    PendingLinks(ConnectClusterState cluster, StatusTopic topic, ProjectView view) {
        this.cluster = cluster;
        this.topic = topic;
        this.view = view;
        timer.scheduleWithFixedDelay(this::check, 2, 2, TimeUnit.SECONDS);
    }

    void add(ProjectPlan plan, ConnectApi api) {
        waiting.put(plan.name(), new Waiting(plan, api));
        LOG.info("Project {}: {} wait for the schema step of link {}", plan.name(),
                plan.afterSchema().stream().map(ProjectPlan.Connector::name).toList(), plan.forwardLink());
    }

    void cancel(String project) {
        waiting.remove(project);
    }

    /** What project {@code name} still waits for on this worker, or null. */
    Map<String, Object> describe(String name) {
        Waiting w = waiting.get(name);
        if (w == null) {
            return null;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("connectors", w.plan.afterSchema().stream().map(ProjectPlan.Connector::name).toList());
        doc.put("waitingFor", "the schema step of link " + w.plan.forwardLink());
        doc.put("error", w.error);
        return doc;
    }

    private void check() {
        for (Waiting w : waiting.values()) {
            try {
                List<ConnectorInfo> connectors = ConnectorInfo.byProject(cluster).get(w.plan.name());
                if (connectors == null || !schemaDone(w.plan, connectors)) {
                    continue;
                }
                List<String> existing = List.copyOf(cluster.connectors());
                List<ProjectPlan.Connector> todo = w.plan.afterSchema().stream().filter(c -> !existing.contains(c.name())).toList();
                Map<String, Map<String, List<String>>> errors = w.api.validate(todo);
                if (!errors.isEmpty()) {
                    w.error = "validation failed: " + errors;
                    LOG.warn("Project {}: the reverse link does not validate (retrying): {}", w.plan.name(), errors);
                    continue;
                }
                for (ProjectPlan.Connector c : todo) {
                    ConnectApi.Answer a = w.api.put(c);
                    if (a.status() >= 300) {
                        throw new IllegalStateException("creating " + c.name() + " answered " + a.status() + ": " + a.body());
                    }
                    LOG.info("Project {}: created {} after the schema step of {}", w.plan.name(), c.name(), w.plan.forwardLink());
                }
                waiting.remove(w.plan.name());
            } catch (RuntimeException e) {
                w.error = e.getMessage();
                LOG.warn("Project {}: creating the reverse link failed (retrying): {}", w.plan.name(), e.getMessage());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private boolean schemaDone(ProjectPlan plan, List<ConnectorInfo> connectors) {
        Map<String, Object> doc = view.view(plan.name(), connectors, topic.entries()).document();
        for (Map<String, Object> link : (List<Map<String, Object>>) doc.get("links")) {
            if (plan.forwardLink().equals(link.get("name"))) {
                for (Map<String, Object> step : (List<Map<String, Object>>) link.get("steps")) {
                    if ("schema".equals(step.get("name"))) {
                        return ProjectView.FINISHED.equals(step.get("status"));
                    }
                }
            }
        }
        return false;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
