package dev.tandem.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.testkit.ConnectCluster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the sink does on every destination it supports, written once: a test class per database
 * (MariaDB here; MySQL 8, OceanBase and TiDB on their real images, skipped where no Docker engine
 * runs) gives the server and the worker. The sink creates the table, applies inserts, updates and
 * deletes in order, keeps its checkpoint in the destination so a restarted connector applies
 * nothing twice, and drops the changes of its own region.
 */
interface SinkApplyScenario {

    Duration TIMEOUT = Duration.ofSeconds(120);
    ObjectMapper JSON = new ObjectMapper();

    /** The worker running the sink (one per test class). */
    ConnectCluster connect();

    /** The destination server. */
    ScenarioServer destination();

    /** The JDBC driver the sink is given the destination's URL for. */
    default String driver() {
        return "mysql";
    }

    private Map<String, String> sinkConfig(String topic, String database) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", SinkApplyIT.SINK);
        c.put("tasks.max", "1");
        c.put("topics", topic);
        c.put("connection.url", destination().url(driver()));
        c.put("connection.user", destination().user());
        c.put("connection.password", destination().password());
        c.put("tandem.table.name.format", database + ".${table}");
        return c;
    }

    private List<String> rows(String database) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = destination().connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v FROM " + database + ".t ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + "=" + rs.getString(2));
            }
        }
        return rows;
    }

    @Test
    default void changesAreAppliedInOrderOnceAcrossARestartAndTheSinksOwnRegionIsDropped() throws Exception {
        String database = "apply_" + Long.toString(System.nanoTime(), 36);
        String topic = "scenario." + database + ".t";
        List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
        for (int id = 1; id <= 20; id++) {
            first.add(flat(topic, id, "v" + id, "east"));
        }
        first.add(flat(topic, 3, "v3 changed", "east"));
        first.add(tombstone(topic, 4));
        first.add(flat(topic, 5, "made in west", "west")); // the sink's own region: a loop if applied
        connect().createTopic(topic, 1);
        produce(connect(), first);
        Map<String, String> sink = sinkConfig(topic, database);
        sink.put("tandem.region", "west");
        assertThat(connect().validationErrors(SinkApplyIT.SINK, sink)).isEmpty();
        String name = "scenario-" + database;
        connect().configure(name, sink);
        connect().awaitRunning(name, 1, TIMEOUT);
        List<String> expected = new ArrayList<>();
        for (int id = 1; id <= 20; id++) {
            if (id != 4) {
                expected.add(id + "=" + (id == 3 ? "v3 changed" : "v" + id));
            }
        }
        await("the first changes in " + database).atMost(TIMEOUT).ignoreExceptions()
                .untilAsserted(() -> assertThat(rows(database)).containsExactlyElementsOf(expected));

        connect().delete(name); // its checkpoint stays in the destination: the new one goes on after it
        produce(connect(), List.of(flat(topic, 21, "after the restart", "east"), tombstone(topic, 1)));
        try (Connection c = destination().connect(database); Statement s = c.createStatement()) {
            // applied twice, the first records would bring this row back to v2
            s.execute("UPDATE " + database + ".t SET v = 'changed in the destination' WHERE id = 2");
        }
        connect().configure(name, sink);
        connect().awaitRunning(name, 1, TIMEOUT);
        expected.remove("1=v1");
        expected.set(0, "2=changed in the destination");
        expected.add("21=after the restart");
        await("the changes after the restart in " + database).atMost(TIMEOUT).ignoreExceptions()
                .untilAsserted(() -> assertThat(rows(database)).containsExactlyElementsOf(expected));
        connect().delete(name);
    }

    /** A flat record in JsonConverter's with-schema form: key {id}, value {id, v}; {@code origin} in the header. */
    static ProducerRecord<byte[], byte[]> flat(String topic, int id, String v, String origin) throws Exception {
        Map<String, Object> valueSchema = Map.of("type", "struct", "optional", true, "fields", List.of(
                Map.of("field", "id", "type", "int32", "optional", false),
                Map.of("field", "v", "type", "string", "optional", true)));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("id", id);
        value.put("v", v);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, key(id),
                JSON.writeValueAsBytes(Map.of("schema", valueSchema, "payload", value)));
        if (origin != null) {
            record.headers().add("tandem.origin", origin.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    /** The deletion of row {@code id}: its key without a value. */
    static ProducerRecord<byte[], byte[]> tombstone(String topic, int id) throws Exception {
        return new ProducerRecord<>(topic, 0, key(id), null);
    }

    private static byte[] key(int id) throws Exception {
        Map<String, Object> keySchema = Map.of("type", "struct", "optional", false,
                "fields", List.of(Map.of("field", "id", "type", "int32", "optional", false)));
        return JSON.writeValueAsBytes(Map.of("schema", keySchema, "payload", Map.of("id", id)));
    }

    static void produce(ConnectCluster connect, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r).get();
            }
        }
    }
}
