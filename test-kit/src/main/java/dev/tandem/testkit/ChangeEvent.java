package dev.tandem.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A change record read back from Kafka as JSON with schemas (Connect's JsonConverter): the
 * Debezium envelope's parts, with helpers that decode field values by their Connect schema
 * (Decimal bytes, BYTES in base64) so tests can compare them with what was written.
 */
public record ChangeEvent(String topic, int partition, long offset, JsonNode keySchema, JsonNode key,
                          JsonNode valueSchema, JsonNode value, Map<String, String> headers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ChangeEvent of(ConsumerRecord<byte[], byte[]> record) {
        JsonNode k = parse(record.key());
        JsonNode v = parse(record.value());
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return new ChangeEvent(record.topic(), record.partition(), record.offset(),
                k.path("schema"), k.path("payload"), v.path("schema"), v.path("payload"), headers);
    }

    public static List<ChangeEvent> of(List<ConsumerRecord<byte[], byte[]>> records) {
        List<ChangeEvent> events = new ArrayList<>();
        records.forEach(r -> events.add(of(r)));
        return events;
    }

    private static JsonNode parse(byte[] bytes) {
        if (bytes == null) {
            return NullNode.getInstance();
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    public boolean isTombstone() {
        return value == null || value.isNull() || value.isMissingNode();
    }

    /** {@code r} (snapshot read), {@code c}, {@code u}, {@code d}; null for tombstones. */
    public String op() {
        return isTombstone() ? null : value.path("op").asText(null);
    }

    public JsonNode before() {
        return value.path("before");
    }

    public JsonNode after() {
        return value.path("after");
    }

    public JsonNode source() {
        return value.path("source");
    }

    /**
     * For a change of a sink's checkpoint table: whether it is a sink task claiming its partition
     * (a new {@code claim_epoch}, or a first row with nothing applied, offset -1) rather than the
     * checkpoint of a transaction it applied.
     */
    public boolean isCheckpointClaim() {
        JsonNode after = after();
        if (isTombstone() || !after.isObject()) {
            return false;
        }
        JsonNode before = before();
        return after.path("kafka_offset").asLong() < 0
                || before.isObject() && before.path("claim_epoch").asLong() != after.path("claim_epoch").asLong();
    }

    /** The transaction id from the envelope's {@code transaction} block, or null. */
    public String transactionId() {
        JsonNode tx = value.path("transaction");
        return tx.isMissingNode() || tx.isNull() ? null : tx.path("id").asText(null);
    }

    /** The position of this event within its transaction ({@code transaction.total_order}), or -1. */
    public long transactionOrder() {
        JsonNode tx = value.path("transaction");
        return tx.isMissingNode() || tx.isNull() ? -1 : tx.path("total_order").asLong(-1);
    }

    /** A field of the key, as text. */
    public String keyField(String name) {
        return key.path(name).asText(null);
    }

    /** The row image ({@code after}, or {@code before} for deletes) field decoded by its schema. */
    public Object field(String name) {
        String part = "d".equals(op()) ? "before" : "after";
        return decode(fieldSchema(part, name), value.path(part).path(name));
    }

    private JsonNode fieldSchema(String part, String name) {
        for (JsonNode f : valueSchema.path("fields")) {
            if (part.equals(f.path("field").asText())) {
                for (JsonNode column : f.path("fields")) {
                    if (name.equals(column.path("field").asText())) {
                        return column;
                    }
                }
            }
        }
        throw new IllegalArgumentException("no field " + name + " in the " + part + " schema of " + topic);
    }

    static Object decode(JsonNode schema, JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        String logical = schema.path("name").asText("");
        String type = schema.path("type").asText("");
        if (logical.equals("org.apache.kafka.connect.data.Decimal")) {
            int scale = Integer.parseInt(schema.path("parameters").path("scale").asText("0"));
            return new BigDecimal(new BigInteger(base64(v)), scale);
        }
        return switch (type) {
            case "bytes" -> base64(v);
            case "int8", "int16", "int32", "int64" -> v.asLong();
            case "float", "double" -> v.asDouble();
            case "boolean" -> v.asBoolean();
            case "string" -> v.asText();
            default -> v;
        };
    }

    private static byte[] base64(JsonNode v) {
        return Base64.getDecoder().decode(v.asText());
    }

    /** Field names of the row image's schema, in order. */
    public List<String> columns() {
        List<String> names = new ArrayList<>();
        for (JsonNode f : valueSchema.path("fields")) {
            if ("after".equals(f.path("field").asText())) {
                for (Iterator<JsonNode> it = f.path("fields").elements(); it.hasNext(); ) {
                    names.add(it.next().path("field").asText());
                }
            }
        }
        return names;
    }

    @Override
    public String toString() {
        return topic + "@" + partition + ":" + offset + " key=" + key + " op=" + op() + " after=" + value.path("after");
    }
}
