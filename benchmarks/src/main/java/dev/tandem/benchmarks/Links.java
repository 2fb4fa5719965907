package dev.tandem.benchmarks;

import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;

import java.util.LinkedHashMap;
import java.util.Map;

/** The connector configurations the benchmarks register: Tandem's source and sink with their benchmark settings. */
final class Links {

    private Links() {
    }

    /** Tandem's source capturing {@code objects} of {@code server}, topics {@code prefix.db.table}. */
    static Map<String, String> source(ConnectCluster connect, MariaDbServer server, String prefix, int serverId, String objects) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "dev.tandem.source.OceanBaseSourceConnector");
        c.put("tasks.max", "1");
        c.put("database.hostname", server.host());
        c.put("database.port", Integer.toString(server.port()));
        c.put("database.user", server.user());
        c.put("database.password", server.password());
        c.put("database.server.id", Integer.toString(serverId));
        c.put("topic.prefix", prefix);
        c.put("tandem.objects", objects);
        c.put("schema.history.internal.kafka.bootstrap.servers", connect.bootstrapServers());
        c.put("topic.creation.default.replication.factor", "-1");
        c.put("topic.creation.default.partitions", "-1");
        return c;
    }

    /** Tandem's sink applying {@code topics} to {@code dest}, batches of 5,000, read with the caching converter. */
    static Map<String, String> sink(MariaDbServer dest, String topics, String tableFormat) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "dev.tandem.sink.OceanBaseSinkConnector");
        c.put("tasks.max", "1");
        c.put("topics", topics);
        c.put("connection.url", "jdbc:mariadb://" + dest.host() + ":" + dest.port() + "/");
        c.put("connection.user", dest.user());
        c.put("connection.password", dest.password());
        c.put("tandem.table.name.format", tableFormat);
        c.put("tandem.batch.size", "5000");
        c.put("consumer.override.max.poll.records", "5000");
        c.put("value.converter", "dev.tandem.smt.format.SchemaCachingJsonConverter");
        c.put("key.converter", "dev.tandem.smt.format.SchemaCachingJsonConverter");
        return c;
    }
}
