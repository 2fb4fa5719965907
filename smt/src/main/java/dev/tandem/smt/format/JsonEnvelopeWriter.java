package dev.tandem.smt.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.DecimalFormat;
import org.apache.kafka.connect.json.JsonConverter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Writes {@code {"schema":S,"payload":P}} byte for byte as {@link JsonConverter} does with
 * {@code schemas.enable=true}, faster: S, the schema's JSON, is made once per schema object (by
 * JsonConverter itself) and copied into every message, and P is streamed straight from the
 * Connect value, with JsonConverter's rules for nulls, defaults and logical types. JsonConverter
 * instead looks the schema up in a cache by deep equality and builds a tree of both parts for
 * every message; for change events, whose schema is larger than their data, that is most of a
 * source task's time.
 */
final class JsonEnvelopeWriter {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] SCHEMA_PREFIX = "{\"schema\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PAYLOAD_FIELD = ",\"payload\":".getBytes(StandardCharsets.US_ASCII);

    private final JsonConverter schemas;
    private final boolean decimalsNumeric;
    private final boolean replaceNullWithDefault;
    private final int cacheSize;
    /** The schema JSON of the schema objects seen, by identity (change events reuse one schema object per table). */
    private final Map<Schema, byte[]> schemaJson = new IdentityHashMap<>();

    JsonEnvelopeWriter(JsonConverter schemas, DecimalFormat decimalFormat, boolean replaceNullWithDefault, int cacheSize) {
        this.schemas = schemas;
        this.decimalsNumeric = decimalFormat == DecimalFormat.NUMERIC;
        this.replaceNullWithDefault = replaceNullWithDefault;
        this.cacheSize = cacheSize;
    }

    byte[] write(Schema schema, Object value) {
        byte[] s = schemaJson.get(schema);
        if (s == null) {
            try {
                s = MAPPER.writeValueAsBytes(schemas.asJsonSchema(schema));
            } catch (IOException e) {
                throw new DataException("Converting Kafka Connect schema to JSON failed", e);
            }
            if (schemaJson.size() >= cacheSize) {
                schemaJson.clear();
            }
            schemaJson.put(schema, s);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length + 512);
        out.writeBytes(SCHEMA_PREFIX);
        out.writeBytes(s);
        out.writeBytes(PAYLOAD_FIELD);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, schema, value);
        } catch (IOException e) {
            throw new DataException("Converting Kafka Connect data to byte[] failed due to serialization error: ", e);
        }
        out.write('}');
        return out.toByteArray();
    }

    private void write(JsonGenerator g, Schema schema, Object value) throws IOException {
        if (value == null) {
            if (schema.defaultValue() != null && replaceNullWithDefault) {
                write(g, schema, schema.defaultValue());
                return;
            }
            if (schema.isOptional()) {
                g.writeNull();
                return;
            }
            throw new DataException("Conversion error: null value for field that is required and has no default value");
        }
        String logical = schema.name();
        if (logical != null && writeLogical(g, schema, logical, value)) {
            return;
        }
        try {
            switch (schema.type()) {
                case INT8 -> g.writeNumber((Byte) value);
                case INT16 -> g.writeNumber((Short) value);
                case INT32 -> g.writeNumber((Integer) value);
                case INT64 -> g.writeNumber((Long) value);
                case FLOAT32 -> g.writeNumber((Float) value);
                case FLOAT64 -> g.writeNumber((Double) value);
                case BOOLEAN -> g.writeBoolean((Boolean) value);
                case STRING -> g.writeString(((CharSequence) value).toString());
                case BYTES -> {
                    if (value instanceof byte[] b) {
                        g.writeBinary(b);
                    } else if (value instanceof ByteBuffer bb) {
                        g.writeBinary(bb.array());
                    } else {
                        throw new DataException("Invalid type for bytes type: " + value.getClass());
                    }
                }
                case ARRAY -> {
                    g.writeStartArray();
                    for (Object element : (Collection<?>) value) {
                        write(g, schema.valueSchema(), element);
                    }
                    g.writeEndArray();
                }
                case MAP -> writeMap(g, schema, (Map<?, ?>) value);
                case STRUCT -> {
                    Struct struct = (Struct) value;
                    if (struct.schema() != schema && !struct.schema().equals(schema)) {
                        throw new DataException("Mismatching schema.");
                    }
                    g.writeStartObject();
                    for (Field field : schema.fields()) {
                        g.writeFieldName(field.name());
                        write(g, field.schema(), struct.getWithoutDefault(field.name()));
                    }
                    g.writeEndObject();
                }
                default -> throw new DataException("Couldn't convert " + value + " to JSON.");
            }
        } catch (ClassCastException e) {
            throw new DataException("Invalid type for " + schema.type() + ": " + value.getClass());
        }
    }

    /** Connect's own logical types, as JsonConverter writes them; false for any other name. */
    private boolean writeLogical(JsonGenerator g, Schema schema, String logical, Object value) throws IOException {
        switch (logical) {
            case Decimal.LOGICAL_NAME -> {
                if (!(value instanceof BigDecimal decimal)) {
                    throw new DataException("Invalid type for Decimal, expected BigDecimal but was " + value.getClass());
                }
                if (decimalsNumeric) {
                    g.writeNumber(decimal);
                } else {
                    g.writeBinary(Decimal.fromLogical(schema, decimal));
                }
                return true;
            }
            case Date.LOGICAL_NAME -> {
                g.writeNumber(Date.fromLogical(schema, date(value, "Date")));
                return true;
            }
            case Time.LOGICAL_NAME -> {
                g.writeNumber(Time.fromLogical(schema, date(value, "Time")));
                return true;
            }
            case Timestamp.LOGICAL_NAME -> {
                g.writeNumber(Timestamp.fromLogical(schema, date(value, "Timestamp")));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private static java.util.Date date(Object value, String type) {
        if (!(value instanceof java.util.Date d)) {
            throw new DataException("Invalid type for " + type + ", expected Date but was " + value.getClass());
        }
        return d;
    }

    private void writeMap(JsonGenerator g, Schema schema, Map<?, ?> map) throws IOException {
        if (schema.keySchema().type() == Schema.Type.STRING) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, schema.valueSchema(), e.getValue());
            }
            g.writeEndObject();
            return;
        }
        g.writeStartArray();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            g.writeStartArray();
            write(g, schema.keySchema(), e.getKey());
            write(g, schema.valueSchema(), e.getValue());
            g.writeEndArray();
        }
        g.writeEndArray();
    }
}
