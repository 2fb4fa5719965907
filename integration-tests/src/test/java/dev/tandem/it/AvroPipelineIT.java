package dev.tandem.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.testkit.ApicurioRegistry;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TableComparison;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Avro change topics with a real schema registry: MariaDB → Tandem's source → Apicurio's
 * AvroConverter in Confluent wire format (magic byte, 4-byte schema id) against a real Apicurio
 * Registry → Tandem's sink → MariaDB, every column type arriving exactly; a consumer with plain
 * Avro and the schema fetched from the registry's Confluent-compatible API decodes the records;
 * columns added and dropped while streaming register new schema versions under the registry's
 * BACKWARD rule (which is shown to refuse an incompatible one) and nothing is lost.
 */
class AvroPipelineIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static ApicurioRegistry registry;
    private static ConnectCluster connect;
    private static MariaDbServer source;
    private static MariaDbServer dest;

    @BeforeAll
    static void start() {
        registry = ApicurioRegistry.start(work.resolve("registry"));
        // The registry refuses a schema version that cannot read the versions before it, for every subject.
        HttpResponse<String> rule = registry.confluent("PUT", "/config", "{\"compatibility\":\"BACKWARD\"}");
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(200);
        source = MariaDbServer.start("avro-src");
        dest = MariaDbServer.start("avro-dst");
        connect = ConnectCluster.builder().name("avro").extraPluginPath(ApicurioRegistry.converterPluginPath()).start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, source, dest, registry);
    }

    /** Apicurio's converter as key and value converter, writing (and reading) Confluent's wire format. */
    static Map<String, String> avro(Map<String, String> c) {
        c.putAll(registry.converterConfig());
        return c;
    }

    private static void awaitSame(String db, String copy, String table) {
        await("destination " + copy + "." + table + " equals the source").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> assertThat(TableComparison.rows(dest, copy, table))
                        .isEqualTo(TableComparison.rows(source, db, table)));
    }

    @Test
    void everyColumnTypeTravelsAsAvroThroughTheRegistryAndArrivesExactly() throws Exception {
        String db = source.createDatabase("avro");
        String copy = "copy_" + db;
        source.execute(db, Fixtures.ALL_TYPES_TABLE, Fixtures.ALL_TYPES_ROW_1, Fixtures.ALL_TYPES_ROW_2);
        Map<String, String> src = avro(sourceConfig(connect, source, "av", 6951));
        src.put("tandem.objects", db + ".all_types");
        connect.configure("av-source", src);
        Map<String, String> sink = avro(sinkConfig(dest, "av." + db + ".all_types", copy + ".${table}"));
        assertThat(connect.validationErrors(SinkApplyIT.SINK, sink)).isEmpty();
        connect.configure("av-sink", sink);
        awaitSame(db, copy, "all_types");
        source.execute(db, "UPDATE all_types SET t_varchar = 'changed 🚀', t_dec = -0.0000000001, t_bit = b'1', "
                + "t_time = '-838:59:59.000000', t_set = '' WHERE id = 1", "DELETE FROM all_types WHERE id = 2");
        awaitSame(db, copy, "all_types");
        assertThat(TableComparison.rows(dest, copy, "all_types")).extracting(r -> r.get("id")).containsExactly("1");

        // A consumer with nothing but Avro: the schema id after the magic byte, the schema from /apis/ccompat/v7.
        List<ConsumerRecord<byte[], byte[]>> records = connect.consume(2, TIMEOUT, "av." + db + ".all_types");
        ByteBuffer wire = ByteBuffer.wrap(records.get(0).value());
        assertThat(wire.get()).as("Confluent's magic byte").isZero();
        int id = wire.getInt();
        String schemaJson = JSON.readTree(registry.getConfluent("/schemas/ids/" + id)).path("schema").asText();
        Schema schema = new Schema.Parser().parse(schemaJson);
        GenericRecord envelope = new GenericDatumReader<GenericRecord>(schema).read(null,
                DecoderFactory.get().binaryDecoder(wire.array(), wire.position(), wire.remaining(), null));
        assertThat(envelope.get("op").toString()).isEqualTo("r");
        GenericRecord after = (GenericRecord) envelope.get("after");
        assertThat(after.get("id").toString()).isEqualTo("1");
        assertThat(after.getSchema().getFields()).hasSizeGreaterThan(20);
        // The Avro type of every column, as registered (docs/avro.md is written from this).
        for (Schema.Field f : after.getSchema().getFields()) {
            Schema type = f.schema().isUnion() ? f.schema().getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL)
                    .findFirst().orElseThrow() : f.schema();
            System.out.printf("AVRO-COLUMN %s | %s | %s%n", f.name(), type.getType().getName()
                    + (type.getLogicalType() == null ? "" : " (" + type.getLogicalType().getName() + ")"),
                    type.getProp("connect.name") == null ? "" : type.getProp("connect.name"));
        }
        assertThat(registry.getConfluent("/subjects")).contains("av." + db + ".all_types.Envelope", "av." + db + ".all_types-key");
        connect.delete("av-sink");
        connect.delete("av-source");
    }

    @Test
    void addedAndDroppedColumnsRegisterNewVersionsAndNothingIsLost() throws Exception {
        String db = source.createDatabase("evolve");
        String copy = "copy_" + db;
        source.execute(db, "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20), b INT)",
                "INSERT INTO t SELECT seq, CONCAT('a', seq), seq FROM seq_1_to_100");
        Map<String, String> src = avro(sourceConfig(connect, source, "ev", 6952));
        src.put("tandem.objects", db + ".t");
        src.put("tandem.ddl.table.topics", "true");
        connect.configure("ev-source", src);
        Map<String, String> sink = avro(sinkConfig(dest, "ev." + db + ".t", copy + ".${table}"));
        sink.put("tandem.ddl.sync", "true");
        connect.configure("ev-sink", sink);
        awaitSame(db, copy, "t");
        // A streamed change first, so the DDL below is read by the streaming task, not raced by its start.
        source.execute(db, "UPDATE t SET a = 'streamed' WHERE id = 2");
        awaitSame(db, copy, "t");
        String subject = "ev." + db + ".t.Envelope";
        int before = JSON.readTree(registry.getConfluent("/subjects/" + subject + "/versions")).size();

        source.execute(db, "ALTER TABLE t ADD COLUMN c VARCHAR(10) DEFAULT 'new'", "UPDATE t SET c = 'set' WHERE id <= 50",
                "INSERT INTO t (id, a, b, c) VALUES (101, 'a101', 101, 'added')");
        awaitSame(db, copy, "t");
        source.execute(db, "ALTER TABLE t DROP COLUMN b", "UPDATE t SET a = 'after drop' WHERE id > 90",
                "INSERT INTO t (id, a, c) VALUES (102, 'a102', 'dropped b')", "DELETE FROM t WHERE id = 1");
        awaitSame(db, copy, "t");
        int after = JSON.readTree(registry.getConfluent("/subjects/" + subject + "/versions")).size();
        System.out.printf("Schema versions of %s: %d before the DDL, %d after ADD and DROP COLUMN%n", subject, before, after);
        assertThat(after).as("new value-schema versions registered").isGreaterThanOrEqualTo(before + 2);
        // The rule was in force on that subject: a version with a required field older records lack is refused.
        ObjectNode latest = (ObjectNode) JSON.readTree(JSON.readTree(registry.getConfluent("/subjects/" + subject
                + "/versions/latest")).path("schema").asText());
        ((ArrayNode) latest.withArray("fields")).addObject().put("name", "required_without_default").put("type", "string");
        HttpResponse<String> refused = registry.confluent("POST", "/subjects/" + subject + "/versions",
                JSON.writeValueAsString(JSON.createObjectNode().put("schema", JSON.writeValueAsString(latest))));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(JSON.readTree(registry.getConfluent("/subjects/" + subject + "/versions")).size()).isEqualTo(after);
        assertThat(((Number) dest.queryValue(copy, "SELECT COUNT(*) FROM t")).intValue()).isEqualTo(101);
        connect.delete("ev-sink");
        connect.delete("ev-source");
    }
}
