package dev.tandem.benchmarks;

import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the benchmarks share: the 10-column table they move, and the connector configurations they
 * register (Tandem's source and sink with their benchmark settings).
 */
final class Links {

    /** The benchmark table: BIGINT key, INT, two VARCHAR, DECIMAL(12,2), DOUBLE, DATETIME(3), DATE, TINYINT, VARCHAR(120). */
    static final String TABLE = "CREATE TABLE t (id BIGINT PRIMARY KEY, c_int INT, c_name VARCHAR(64), c_city VARCHAR(16), "
            + "c_amount DECIMAL(12,2), c_score DOUBLE, c_created DATETIME(3), c_day DATE, c_flag TINYINT, c_note VARCHAR(120))";

    private Links() {
    }

    /** Database {@code db} with table {@code t} holding {@code rows} generated rows (ids 1..rows). */
    static void benchTable(MariaDbServer server, String db, int rows) {
        server.execute("", "CREATE DATABASE " + db);
        server.execute(db, TABLE,
                "INSERT INTO t SELECT seq, seq % 1000, CONCAT('name-', seq), ELT(1 + seq % 4, 'hz', 'sh', 'bj', 'sz'), "
                        + "(seq % 100000) / 100, seq / 7, '2024-01-01 00:00:00' + INTERVAL seq SECOND, "
                        + "'2024-01-01' + INTERVAL (seq % 365) DAY, seq % 2, CONCAT('note ', seq) FROM seq_1_to_" + rows);
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

    /**
     * The source settings {@code config-examples/} ships, on top of {@link #source}: the table's
     * DDL in its topic, lz4 and 512 KiB producer batches, and the caching JSON converter.
     */
    static Map<String, String> shippedSourceSettings(Map<String, String> c) {
        c.put("tandem.ddl.table.topics", "true");
        c.put("producer.override.compression.type", "lz4");
        c.put("producer.override.batch.size", "524288");
        c.put("producer.override.linger.ms", "20");
        c.put("key.converter", "dev.tandem.smt.format.SchemaCachingJsonConverter");
        c.put("value.converter", "dev.tandem.smt.format.SchemaCachingJsonConverter");
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
