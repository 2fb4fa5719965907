package dev.tandem.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.testkit.MariaDbServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a TiCDC changefeed with {@code protocol=canal-json&enable-tidb-extension=true} would write
 * for changes made to a MariaDB stand-in of TiDB: each transaction is run on the database, given a
 * commit "TSO" from the server's clock after its commit (TiDB's layout: milliseconds shifted left by
 * 18 bits, the microseconds within the millisecond in the low bits, as the connector's
 * system-versioning clock reads it), and written as one canal-json message per row, dispatched to a
 * partition by the row's key as TiCDC's index-value dispatcher does; DDL goes to partition 0;
 * watermarks go to every partition. The layout follows "TiCDC Canal-JSON Protocol"
 * (docs.pingcap.com/tidb/stable/ticdc-canal-json); values are the server's text forms, which for
 * the types used here (INT, VARCHAR, DECIMAL, DATETIME(6)) are TiDB's too.
 */
final class TicdcFeed implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One row change of a transaction: SQL on a row of {@code table} keyed by {@code id}. */
    record Change(String table, String op, int id, String sql) {

        static Change insert(String table, int id, String sql) {
            return new Change(table, "INSERT", id, sql);
        }

        static Change update(String table, int id, String sql) {
            return new Change(table, "UPDATE", id, sql);
        }

        static Change delete(String table, int id) {
            return new Change(table, "DELETE", id, "DELETE FROM " + table + " WHERE id = " + id);
        }
    }

    private final MariaDbServer db;
    private final String database;
    private final String topic;
    private final int partitions;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Connection connection;
    private long lastTso;
    private int transactions;

    TicdcFeed(MariaDbServer db, String database, String bootstrapServers, String topic, int partitions) throws SQLException {
        this.db = db;
        this.database = database;
        this.topic = topic;
        this.partitions = partitions;
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers, "acks", "all",
                "key.serializer", ByteArraySerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName()));
        this.connection = db.connect(database);
        try (Statement s = connection.createStatement()) {
            s.execute("SET SESSION system_versioning_alter_history = KEEP");
        }
    }

    /** Runs {@code changes} as one transaction and writes their messages; returns the commit ts. */
    synchronized long transaction(List<Change> changes) throws Exception {
        connection.setAutoCommit(false);
        List<ObjectNode> messages = new ArrayList<>();
        try {
            for (Change c : changes) {
                Map<String, String> before = c.op().equals("INSERT") ? null : row(c.table(), c.id());
                try (Statement s = connection.createStatement()) {
                    s.execute(c.sql());
                }
                Map<String, String> after = c.op().equals("DELETE") ? null : row(c.table(), c.id());
                messages.add(dml(c, before, after));
            }
            connection.commit();
        } catch (Exception e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        long ts = nextTso();
        for (int i = 0; i < messages.size(); i++) {
            ObjectNode m = messages.get(i);
            m.putObject("_tidb").put("commitTs", ts);
            m.put("es", ts >>> 18);
            send(Math.floorMod(changes.get(i).id(), partitions), m);
        }
        producer.flush();
        transactions++;
        return ts;
    }

    /** Runs a DDL statement and writes its DDL event (to partition 0, as TiCDC does). */
    synchronized long ddl(String table, String type, String sql) throws Exception {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
        long ts = nextTso();
        ObjectNode m = JSON.createObjectNode().put("id", 0).put("database", database).put("table", table);
        m.putNull("pkNames");
        m.put("isDdl", true).put("type", type).put("es", ts >>> 18).put("ts", System.currentTimeMillis()).put("sql", sql);
        m.putNull("sqlType");
        m.putNull("mysqlType");
        m.putNull("data");
        m.putNull("old");
        m.putObject("_tidb").put("commitTs", ts);
        send(0, m);
        producer.flush();
        return ts;
    }

    /** A watermark to every partition: everything committed before now has been written. */
    synchronized void watermark() throws Exception {
        long ts = nextTso();
        for (int p = 0; p < partitions; p++) {
            ObjectNode m = JSON.createObjectNode().put("id", 0).put("database", "").put("table", "");
            m.putNull("pkNames");
            m.put("isDdl", false).put("type", "TIDB_WATERMARK").put("es", ts >>> 18).put("ts", System.currentTimeMillis())
                    .put("sql", "");
            m.putNull("sqlType");
            m.putNull("mysqlType");
            m.putNull("data");
            m.putNull("old");
            m.putObject("_tidb").put("watermarkTs", ts);
            send(p, m);
        }
        producer.flush();
    }

    synchronized int transactions() {
        return transactions;
    }

    private void send(int partition, ObjectNode message) throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, null, JSON.writeValueAsBytes(message))).get();
    }

    private long nextTso() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT UNIX_TIMESTAMP(NOW(6))")) {
            rs.next();
            long micros = rs.getBigDecimal(1).movePointRight(6).longValueExact();
            long tso = ((micros / 1000) << 18) | (micros % 1000);
            lastTso = Math.max(tso, lastTso + 1);
            return lastTso;
        }
    }

    private Map<String, String> row(String table, int id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT * FROM " + table + " WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row " + id + " in " + table);
                }
                ResultSetMetaData md = rs.getMetaData();
                Map<String, String> out = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    out.put(md.getColumnLabel(i), v == null ? null : v instanceof BigDecimal d ? d.toPlainString() : rs.getString(i));
                }
                return out;
            }
        }
    }

    private ObjectNode dml(Change c, Map<String, String> before, Map<String, String> after) {
        ObjectNode m = JSON.createObjectNode().put("id", 0).put("database", database).put("table", c.table());
        m.putArray("pkNames").add("id");
        m.put("isDdl", false).put("type", c.op()).put("ts", System.currentTimeMillis()).put("sql", "");
        Map<String, String> image = after != null ? after : before;
        ObjectNode types = m.putObject("mysqlType");
        image.keySet().forEach(k -> types.put(k, k.equals("id") ? "int" : "varchar"));
        m.set("data", rows(after != null ? after : before));
        if (c.op().equals("UPDATE")) {
            m.set("old", rows(before));
        } else {
            m.putNull("old");
        }
        return m;
    }

    private static ArrayNode rows(Map<String, String> row) {
        ArrayNode a = JSON.createArrayNode();
        ObjectNode r = a.addObject();
        row.forEach(r::put);
        return a;
    }

    /** Writes one message value to partition 0 of {@code topic} (a fixture, as a changefeed would have written it). */
    static void produce(String bootstrapServers, String topic, String value) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers,
                "key.serializer", ByteArraySerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(topic, 0, null, value.getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + topic, e);
        }
    }

    @Override
    public void close() throws Exception {
        producer.close();
        connection.close();
    }
}
