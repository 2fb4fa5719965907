package dev.tandem.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.common.Project;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connectors of a project described in one document ({@code POST /tandem/v1/projects}):
 * regions with their database connections, the objects, the migration types, one-way or
 * active-active. The forward link (a source in the first region, a sink into the second) comes
 * first; an active-active project's reverse link (incremental only) comes once the forward link's
 * schema step is done, so the second region's tables exist before it is captured.
 *
 * <pre>{@code
 * {"name": "orders", "mode": "active-active", "objects": "shop.*", "types": "schema,full,incremental",
 *  "regions": [{"name": "east", "host": "...", "port": 3306, "user": "tandem", "password": "${env:EAST_DB_PASSWORD}",
 *               "serverId": 5201},
 *              {"name": "west", ...}],
 *  "source": {"tasks.max": "2"}, "sink": {"tandem.conflict.strategy": "last-writer-wins"}}
 * }</pre>
 */
record ProjectPlan(String name, List<Connector> first, List<Connector> afterSchema, String forwardLink) {

    static final String SOURCE_CLASS = "dev.tandem.source.OceanBaseSourceConnector";
    static final String SINK_CLASS = "dev.tandem.sink.OceanBaseSinkConnector";
    static final String TAGGER = "dev.tandem.smt.origin.OriginTagger";

    /** One connector to create: its name and configuration. */
    record Connector(String name, Map<String, String> config) {
        String connectorClass() {
            return config.get("connector.class");
        }
    }

    /**
     * The plan of {@code description}; {@code bootstrapServers} (the worker's) is where the sources
     * keep their schema history unless the description names {@code kafka}.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    static ProjectPlan of(JsonNode description, String bootstrapServers) {
        String name = text(description, "name", null);
        if (!Project.valid(name)) {
            throw new IllegalArgumentException("name: a project name has 1 to 64 letters, digits, '.', '-' or '_'");
        }
        String mode = text(description, "mode", "one-way");
        if (!mode.equals("one-way") && !mode.equals("active-active")) {
            throw new IllegalArgumentException("mode: 'one-way' or 'active-active', not '" + mode + "'");
        }
        String objects = text(description, "objects", null);
        if (objects == null || objects.isBlank()) {
            throw new IllegalArgumentException("objects: the tables to migrate, as tandem.objects (e.g. shop.*)");
        }
        JsonNode regions = description.path("regions");
        if (!regions.isArray() || regions.size() != 2) {
            throw new IllegalArgumentException("regions: two regions, the source first, each with name, host, port, user, "
                    + "password and serverId");
        }
        Region a = Region.of(regions.get(0), 0);
        Region b = Region.of(regions.get(1), 1);
        if (a.name.equals(b.name)) {
            throw new IllegalArgumentException("regions: the two regions need different names");
        }
        boolean activeActive = mode.equals("active-active");
        String kafka = text(description, "kafka", bootstrapServers);
        String types = text(description, "types", "schema,full,incremental");
        Map<String, String> sourceExtra = options(description.path("source"));
        Map<String, String> sinkExtra = options(description.path("sink"));

        List<Connector> first = List.of(
                source(name, a, objects, types, kafka, activeActive, sourceExtra),
                sink(name, a, b, objects, activeActive, sinkExtra));
        List<Connector> later = activeActive
                ? List.of(source(name, b, objects, "incremental", kafka, true, sourceExtra),
                          sink(name, b, a, objects, true, sinkExtra))
                : List.of();
        return new ProjectPlan(name, first, later, first.get(0).name());
    }

    private static Connector source(String project, Region r, String objects, String types, String kafka, boolean activeActive,
                                    Map<String, String> extra) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", SOURCE_CLASS);
        c.put("tasks.max", "1");
        c.put("tandem.project", project);
        c.put("database.hostname", r.host);
        c.put("database.port", r.port);
        c.put("database.user", r.user);
        c.put("database.password", r.password);
        c.put("database.server.id", r.serverId);
        c.put("topic.prefix", prefix(project, r));
        c.put("tandem.objects", objects);
        c.put("tandem.migration.types", types);
        // the copy sends each table's CREATE TABLE ahead of its rows in the table's topic; the reverse link copies nothing
        c.put("tandem.ddl.table.topics", Boolean.toString(types.contains("full")));
        c.put("schema.history.internal.kafka.bootstrap.servers", kafka);
        c.put("topic.creation.default.replication.factor", "-1");
        c.put("topic.creation.default.partitions", "-1");
        if (activeActive) {
            c.put("tandem.region", r.name);
            c.put("transforms", "origin");
            c.put("transforms.origin.type", TAGGER);
            c.put("transforms.origin.region", r.name);
        }
        c.putAll(extra);
        return new Connector(project + "-" + r.name + "-source", c);
    }

    private static Connector sink(String project, Region from, Region to, String objects, boolean activeActive,
                                  Map<String, String> extra) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", SINK_CLASS);
        c.put("tasks.max", "1");
        c.put("tandem.project", project);
        c.put("topics.regex", java.util.regex.Pattern.quote(prefix(project, from)) + "\\.(" + databases(objects)
                + ")\\..*" + (activeActive ? "|" + java.util.regex.Pattern.quote(prefix(project, from)) + "\\.transaction" : ""));
        c.put("connection.url", to.url);
        c.put("connection.user", to.user);
        c.put("connection.password", to.password);
        c.put("tandem.table.name.format", "${db}.${table}");
        // a pattern subscription sees topics created after it at the next metadata refresh (5 minutes by default)
        c.put("consumer.override.metadata.max.age.ms", "10000");
        if (activeActive) {
            c.put("tandem.region", to.name);
            c.put("tandem.source.region", from.name);
        }
        c.putAll(extra);
        return new Connector(project + "-" + from.name + "-to-" + to.name, c);
    }

    /** The databases of tandem.objects ({@code shop.*,crm.customers} gives {@code shop|crm}), as a pattern. */
    static String databases(String objects) {
        List<String> dbs = new ArrayList<>();
        for (String o : objects.split(",")) {
            String db = o.trim();
            int dot = db.indexOf('.');
            db = dot < 0 ? db : db.substring(0, dot);
            String pattern = db.equals("*") ? "[^.]+" : java.util.regex.Pattern.quote(db).replace("*", "\\E.*\\Q");
            if (!db.isEmpty() && !dbs.contains(pattern)) {
                dbs.add(pattern);
            }
        }
        return String.join("|", dbs);
    }

    static String prefix(String project, Region r) {
        return project + "-" + r.name;
    }

    private static Map<String, String> options(JsonNode node) {
        Map<String, String> options = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        return options;
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? fallback : v.asText().trim();
    }

    /** A region: its name and its database, as the source and the sink reach it. */
    record Region(String name, String host, String port, String user, String password, String serverId, String url) {
        static Region of(JsonNode r, int index) {
            String where = "regions[" + index + "].";
            String name = text(r, "name", null);
            if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException(where + "name: a region name has 1 to 64 letters, digits, '-' or '_'");
            }
            for (String f : List.of("host", "port", "user", "serverId")) {
                if (text(r, f, null) == null) {
                    throw new IllegalArgumentException(where + f + ": missing");
                }
            }
            String host = text(r, "host", null);
            String port = text(r, "port", null);
            return new Region(name, host, port, text(r, "user", null), text(r, "password", ""), text(r, "serverId", null),
                    text(r, "url", "jdbc:mariadb://" + host + ":" + port + "/"));
        }
    }
}
