package dev.tandem.status;

import dev.tandem.common.Project;
import org.apache.kafka.connect.errors.NotFoundException;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.health.ConnectorHealth;
import org.apache.kafka.connect.health.ConnectorType;
import org.apache.kafka.connect.health.TaskState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A connector of a project as Connect's status and configuration topics tell it (so every worker
 * sees the same): its project, whether it is a source, the topics it writes or reads, and the
 * state of the connector and each task, with the failure's trace.
 */
record ConnectorInfo(String name, String project, boolean source, Map<String, String> config, State state, List<Task> tasks) {

    /** A state as Connect reports it: RUNNING, PAUSED, STOPPED, FAILED, UNASSIGNED or RESTARTING. */
    record State(String state, String worker, String trace) {
        boolean is(String s) {
            return state.equals(s);
        }
    }

    record Task(int id, State state) {
    }

    /** The topic prefix of a source (every change topic starts with it and a dot), or empty. */
    String topicPrefix() {
        return config.getOrDefault("topic.prefix", "").trim();
    }

    /** The topics a sink names ({@code topics}), empty when it reads by {@code topics.regex}. */
    List<String> topics() {
        String topics = config.getOrDefault("topics", "").trim();
        List<String> list = new ArrayList<>();
        for (String t : topics.split(",")) {
            if (!t.isBlank()) {
                list.add(t.trim());
            }
        }
        return list;
    }

    /** The migration types of a source ({@code tandem.migration.types}; the default: schema, full and incremental). */
    List<String> migrationTypes() {
        String types = config.getOrDefault("tandem.migration.types", "schema,full,incremental");
        List<String> list = new ArrayList<>();
        for (String t : types.split(",")) {
            if (!t.isBlank()) {
                list.add(t.trim().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return list;
    }

    /** Every connector of the cluster that belongs to a project, by project. Connectors deleted meanwhile are left out. */
    static Map<String, List<ConnectorInfo>> byProject(ConnectClusterState cluster) {
        Map<String, List<ConnectorInfo>> projects = new TreeMap<>();
        for (String name : cluster.connectors()) {
            try {
                Map<String, String> config = cluster.connectorConfig(name);
                String project = config.getOrDefault(Project.CONFIG, "").trim();
                if (project.isEmpty()) {
                    continue;
                }
                ConnectorHealth health = health(cluster, name);
                List<Task> tasks = new ArrayList<>();
                State state = new State("UNASSIGNED", null, null);
                ConnectorType type = ConnectorType.UNKNOWN;
                if (health != null) {
                    new TreeMap<>(health.tasksState()).values().forEach(t -> tasks.add(new Task(t.taskId(), state(t))));
                    state = new State(health.connectorState().state(), health.connectorState().workerId(),
                            health.connectorState().traceMessage());
                    type = health.type();
                }
                // A connector that has not started yet has no type: a sink names the topics it reads.
                boolean source = type == ConnectorType.SOURCE || type != ConnectorType.SINK
                        && !config.containsKey("topics") && !config.containsKey("topics.regex");
                projects.computeIfAbsent(project, p -> new ArrayList<>()).add(new ConnectorInfo(name, project, source,
                        config, state, tasks));
            } catch (NotFoundException e) {
                // deleted since the list was read
            }
        }
        return projects;
    }

    /** The connector's states, or null while Connect has none yet (a connector just created). */
    private static ConnectorHealth health(ConnectClusterState cluster, String name) {
        try {
            return cluster.connectorHealth(name);
        } catch (NotFoundException e) {
            if (cluster.connectors().contains(name)) {
                return null;
            }
            throw e;
        }
    }

    private static State state(TaskState t) {
        return new State(t.state(), t.workerId(), t.traceMessage());
    }
}
