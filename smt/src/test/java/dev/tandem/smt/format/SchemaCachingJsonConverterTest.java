package dev.tandem.smt.format;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The converter must read exactly what Connect's JsonConverter reads. */
class SchemaCachingJsonConverterTest {

    private static final Schema NESTED = SchemaBuilder.struct().name("nested").optional()
            .field("n", Schema.INT32_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("row")
            .field("i8", Schema.INT8_SCHEMA).field("i16", Schema.INT16_SCHEMA).field("i32", Schema.OPTIONAL_INT32_SCHEMA)
            .field("i64", Schema.INT64_SCHEMA).field("f32", Schema.FLOAT32_SCHEMA).field("f64", Schema.FLOAT64_SCHEMA)
            .field("bool", Schema.BOOLEAN_SCHEMA).field("text", Schema.OPTIONAL_STRING_SCHEMA)
            .field("bytes", Schema.OPTIONAL_BYTES_SCHEMA).field("dec", Decimal.builder(3).optional().build())
            .field("date", Date.builder().optional().build()).field("time", Time.builder().optional().build())
            .field("ts", Timestamp.builder().optional().build())
            .field("list", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .field("smap", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).optional().build())
            .field("imap", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).optional().build())
            .field("nested", NESTED)
            .field("defaulted", SchemaBuilder.string().optional().defaultValue("dflt").build())
            .build();

    private static Struct row(int i) {
        return new Struct(ROW).put("i8", (byte) -i).put("i16", (short) (i * 300)).put("i32", i % 3 == 0 ? null : i * 70_000)
                .put("i64", Long.MIN_VALUE + i).put("f32", 1.5f * i).put("f64", Math.PI * i).put("bool", i % 2 == 0)
                .put("text", i % 4 == 0 ? null : "héllo \"😀\" \\ " + i).put("bytes", new byte[] {0, (byte) 255, (byte) i})
                .put("dec", new BigDecimal("-12345678901234567890.123").add(BigDecimal.valueOf(i)))
                .put("date", new java.util.Date(86_400_000L * (19_000 + i))).put("time", new java.util.Date(3_600_000L + i))
                .put("ts", new java.util.Date(1_700_000_000_000L + i)).put("list", List.of("a", "b" + i))
                .put("smap", Map.of("k", i)).put("imap", Map.of(i, "v")).put("nested", new Struct(NESTED).put("n", i))
                .put("defaulted", i % 2 == 0 ? null : "set");
    }

    private static JsonConverter stock(Map<String, String> config, boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(config, isKey);
        return c;
    }

    private static SchemaCachingJsonConverter ours(Map<String, String> config, boolean isKey) {
        SchemaCachingJsonConverter c = new SchemaCachingJsonConverter();
        c.configure(config, isKey);
        return c;
    }

    @Test
    void writesByteForByteWhatJsonConverterWrites() {
        Schema defaultedInt = SchemaBuilder.int32().optional().defaultValue(42).build();
        Schema envelope = SchemaBuilder.struct().name("server.db.t.Envelope")
                .field("before", ROW).field("after", SchemaBuilder.struct().name("row2").optional()
                        .field("d", defaultedInt).field("b", Schema.OPTIONAL_BYTES_SCHEMA).build())
                .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
        for (Map<String, String> config : List.of(Map.of("schemas.enable", "true"),
                Map.of("schemas.enable", "true", "decimal.format", "NUMERIC"),
                Map.of("schemas.enable", "true", "replace.null.with.default", "false"),
                Map.of("schemas.enable", "false"))) {
            for (boolean isKey : new boolean[] {false, true}) {
                JsonConverter stock = stock(config, isKey);
                SchemaCachingJsonConverter ours = ours(config, isKey);
                for (int i = 0; i < 20; i++) {
                    Struct after = new Struct(envelope.field("after").schema()).put("d", i % 2 == 0 ? null : i)
                            .put("b", java.nio.ByteBuffer.wrap(new byte[] {(byte) i, 7}));
                    Struct event = new Struct(envelope).put("before", row(i)).put("after", i % 5 == 0 ? null : after)
                            .put("op", "u").put("ts_ms", i % 3 == 0 ? null : 1_700_000_000_000L + i);
                    assertThat(new String(ours.fromConnectData("t", envelope, event), StandardCharsets.UTF_8))
                            .as(config + " event " + i).isEqualTo(new String(stock.fromConnectData("t", envelope, event),
                                    StandardCharsets.UTF_8));
                    assertThat(ours.fromConnectData("t", ROW, row(i))).isEqualTo(stock.fromConnectData("t", ROW, row(i)));
                }
                assertThat(ours.fromConnectData("t", Schema.OPTIONAL_STRING_SCHEMA, null))
                        .isEqualTo(stock.fromConnectData("t", Schema.OPTIONAL_STRING_SCHEMA, null));
                assertThat(ours.fromConnectData("t", null, null)).isNull();
                assertThat(ours.fromConnectData("t", Schema.INT64_SCHEMA, 5L)).isEqualTo(stock.fromConnectData("t", Schema.INT64_SCHEMA, 5L));
            }
        }
    }

    @Test
    void writingRejectsWhatJsonConverterRejects() {
        SchemaCachingJsonConverter ours = ours(Map.of("schemas.enable", "true"), false);
        assertThatThrownBy(() -> ours.fromConnectData("t", Schema.STRING_SCHEMA, null))
                .isInstanceOf(DataException.class).hasMessageContaining("null value for field that is required");
        assertThatThrownBy(() -> ours.fromConnectData("t", Schema.INT32_SCHEMA, "text"))
                .isInstanceOf(DataException.class).hasMessageContaining("Invalid type for INT32");
        assertThatThrownBy(() -> ours.fromConnectData("t", ROW, new Struct(NESTED).put("n", 1)))
                .isInstanceOf(DataException.class).hasMessageContaining("Mismatching schema");
    }

    @Test
    void readsExactlyWhatJsonConverterReads() {
        for (Map<String, String> config : List.of(Map.of("schemas.enable", "true"),
                Map.of("schemas.enable", "true", "decimal.format", "NUMERIC"),
                Map.of("schemas.enable", "true", "replace.null.with.default", "false"))) {
            JsonConverter stock = stock(config, false);
            SchemaCachingJsonConverter ours = ours(config, false);
            for (int i = 0; i < 20; i++) {
                byte[] bytes = stock.fromConnectData("t", ROW, row(i));
                SchemaAndValue expected = stock.toConnectData("t", bytes);
                assertThat(ours.toConnectData("t", bytes)).as(config + " row " + i).isEqualTo(expected);
                assertThat(ours.toConnectData("t", bytes)).as("again, from the schema cache").isEqualTo(expected);
            }
        }
    }

    @Test
    void keysTombstonesAndSchemalessMessagesToo() {
        JsonConverter stock = stock(Map.of("schemas.enable", "true"), true);
        SchemaCachingJsonConverter ours = ours(Map.of("schemas.enable", "true"), true);
        byte[] key = stock.fromConnectData("t", Schema.INT64_SCHEMA, 42L);
        assertThat(ours.toConnectData("t", key)).isEqualTo(stock.toConnectData("t", key));
        assertThat(ours.toConnectData("t", null)).isEqualTo(SchemaAndValue.NULL);
        byte[] noSchema = "{\"schema\":null,\"payload\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8);
        assertThat(ours.toConnectData("t", noSchema)).isEqualTo(stock.toConnectData("t", noSchema));
        byte[] payloadFirst = "{\"payload\":7,\"schema\":{\"type\":\"int32\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(ours.toConnectData("t", payloadFirst)).isEqualTo(stock.toConnectData("t", payloadFirst));
        JsonConverter schemaless = stock(Map.of("schemas.enable", "false"), false);
        byte[] plain = "{\"a\":[1,2]}".getBytes(StandardCharsets.UTF_8);
        assertThat(ours(Map.of("schemas.enable", "false"), false).toConnectData("t", plain))
                .isEqualTo(schemaless.toConnectData("t", plain));
    }

    @Test
    void missingFieldsTakeTheirDefaultsAndMissingRequiredFieldsAreErrors() {
        String schema = "{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int32\",\"optional\":false},"
                + "{\"field\":\"b\",\"type\":\"string\",\"optional\":true,\"default\":\"x\"}]}";
        byte[] missingB = ("{\"schema\":" + schema + ",\"payload\":{\"a\":1}}").getBytes(StandardCharsets.UTF_8);
        JsonConverter stock = stock(Map.of("schemas.enable", "true"), false);
        SchemaCachingJsonConverter ours = ours(Map.of("schemas.enable", "true"), false);
        assertThat(ours.toConnectData("t", missingB)).isEqualTo(stock.toConnectData("t", missingB));
        byte[] missingA = ("{\"schema\":" + schema + ",\"payload\":{\"b\":\"y\"}}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ours.toConnectData("t", missingA)).isInstanceOf(DataException.class)
                .hasMessageContaining("required");
        assertThatThrownBy(() -> ours.toConnectData("t", "{\"schema\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DataException.class);
    }

    @Test
    void writingIsJsonConvertersOwn() {
        JsonConverter stock = stock(Map.of("schemas.enable", "true"), false);
        SchemaCachingJsonConverter ours = ours(Map.of("schemas.enable", "true"), false);
        assertThat(ours.fromConnectData("t", ROW, row(3))).isEqualTo(stock.fromConnectData("t", ROW, row(3)));
    }
}
