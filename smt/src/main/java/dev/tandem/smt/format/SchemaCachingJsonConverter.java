package dev.tandem.smt.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.ConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what Connect's {@link JsonConverter} writes with {@code schemas.enable=true}, faster: a
 * message's schema is recognised by its bytes (compared first with the schemas seen last, without
 * parsing) and converted once, and only the payload is parsed, as a stream straight into Connect
 * values. With a schema in every message, the stock converter
 * spends most of a sink's time parsing that schema into a tree and hashing it for its cache.
 * Writing with schemas streams the payload after the schema's JSON made once per schema object
 * ({@link JsonEnvelopeWriter}), byte for byte what JsonConverter writes. Writing without schemas,
 * messages without a schema (or with {@code "schema":null}), and payload-before-schema messages
 * are left to an embedded {@code JsonConverter}; results are the same as its own.
 */
public class SchemaCachingJsonConverter implements Converter {

    public static final String OVERVIEW_DOC = "A drop-in replacement for org.apache.kafka.connect.json.JsonConverter for "
            + "JSON with schemas: the same wire format and results, with each distinct schema parsed once when reading "
            + "and written once when writing.";

    public static final String CACHE_SIZE = "schemas.bytes.cache.size";
    /** JsonConverter's options (copied: its ConfigDef is shared and must not change) plus ours. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef(JsonConverterConfig.configDef())
            .define(CACHE_SIZE, ConfigDef.Type.INT, 1000, ConfigDef.Range.atLeast(1), ConfigDef.Importance.LOW,
                    "How many distinct schemas (by their JSON bytes) are kept converted.");

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonConverter delegate = new JsonConverter();
    private boolean schemasEnabled = true;
    private boolean replaceNullWithDefault = true;
    private int cacheSize = 1000;
    private JsonEnvelopeWriter writer;
    /** Converted schemas by the hash of their bytes; each bucket compares the bytes themselves. */
    private final Map<Integer, List<CachedSchema>> cache = new HashMap<>();
    private int cached;

    private record CachedSchema(byte[] json, Schema schema) {
    }

    private static final byte[] SCHEMA_PREFIX = "{\"schema\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PAYLOAD_FIELD = ",\"payload\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int RECENT = 8;
    /** The schemas seen last, most recent first: a message is first compared byte for byte with these. */
    private final java.util.ArrayDeque<CachedSchema> recent = new java.util.ArrayDeque<>(RECENT);

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> conf = new HashMap<>(configs);
        conf.put(ConverterConfig.TYPE_CONFIG, isKey ? ConverterType.KEY.getName() : ConverterType.VALUE.getName());
        Object size = conf.remove(CACHE_SIZE);
        if (size != null) {
            cacheSize = Integer.parseInt(size.toString());
        }
        delegate.configure(conf);
        JsonConverterConfig config = new JsonConverterConfig(conf);
        schemasEnabled = config.schemasEnabled();
        replaceNullWithDefault = config.replaceNullWithDefault();
        writer = new JsonEnvelopeWriter(delegate, config.decimalFormat(), replaceNullWithDefault, cacheSize);
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (!schemasEnabled || schema == null) {
            return delegate.fromConnectData(topic, schema, value);
        }
        return writer.write(schema, value);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (value == null || !schemasEnabled) {
            return delegate.toConnectData(topic, value);
        }
        SchemaAndValue fast = withRecentSchema(value);
        if (fast != null) {
            return fast;
        }
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME
                    || !"schema".equals(p.currentName())) {
                return delegate.toConnectData(topic, value);
            }
            p.nextToken();
            int start = (int) p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            int end = (int) p.currentLocation().getByteOffset();
            Schema schema = schema(value, start, end);
            if (schema == null || p.nextToken() != JsonToken.FIELD_NAME || !"payload".equals(p.currentName())) {
                return delegate.toConnectData(topic, value);
            }
            p.nextToken();
            Object payload = read(p, schema);
            if (p.nextToken() != JsonToken.END_OBJECT) {
                return delegate.toConnectData(topic, value); // more fields than schema and payload: not ours to guess
            }
            return new SchemaAndValue(schema, payload);
        } catch (IOException e) {
            throw new DataException("Converting byte[] to Kafka Connect data failed due to serialization error: ", e);
        }
    }

    /**
     * The fast path: a message written by JsonConverter is {@code {"schema":S,"payload":P}} with S
     * byte for byte the same as in the topic's other messages. When S is a recent schema, only P is
     * parsed. Null when the message is not of that form, or its schema is not a recent one.
     */
    private SchemaAndValue withRecentSchema(byte[] value) {
        if (!startsWith(value, 0, SCHEMA_PREFIX)) {
            return null;
        }
        for (CachedSchema c : recent) {
            int schemaEnd = SCHEMA_PREFIX.length + c.json().length;
            if (value.length < schemaEnd + PAYLOAD_FIELD.length + 2
                    || !Arrays.equals(value, SCHEMA_PREFIX.length, schemaEnd, c.json(), 0, c.json().length)
                    || !startsWith(value, schemaEnd, PAYLOAD_FIELD)) {
                continue;
            }
            int payloadStart = schemaEnd + PAYLOAD_FIELD.length;
            try (JsonParser p = JSON.createParser(value, payloadStart, value.length - payloadStart)) {
                p.nextToken();
                Object payload = read(p, c.schema());
                int after = payloadStart + (int) p.currentLocation().getByteOffset();
                if (!onlyClosingBrace(value, after)) {
                    return null;
                }
                return new SchemaAndValue(c.schema(), payload);
            } catch (IOException e) {
                return null; // not what it seemed: the full path decides, and reports
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] value, int at, byte[] prefix) {
        return value.length >= at + prefix.length && Arrays.equals(value, at, at + prefix.length, prefix, 0, prefix.length);
    }

    /** Whether only whitespace, one '}', and whitespace follow {@code from}. */
    private static boolean onlyClosingBrace(byte[] value, int from) {
        int i = from;
        while (i < value.length && Character.isWhitespace(value[i])) {
            i++;
        }
        if (i >= value.length || value[i] != '}') {
            return false;
        }
        for (i++; i < value.length; i++) {
            if (!Character.isWhitespace(value[i])) {
                return false;
            }
        }
        return true;
    }

    private void remember(CachedSchema c) {
        recent.remove(c);
        recent.addFirst(c);
        if (recent.size() > RECENT) {
            recent.removeLast();
        }
    }

    private Schema schema(byte[] message, int start, int end) throws IOException {
        if (start == end - 4 && new String(message, start, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("null")) {
            return null;
        }
        int hash = 1;
        for (int i = start; i < end; i++) {
            hash = 31 * hash + message[i];
        }
        List<CachedSchema> bucket = cache.get(hash);
        if (bucket != null) {
            for (CachedSchema c : bucket) {
                if (Arrays.equals(c.json(), 0, c.json().length, message, start, end)) {
                    remember(c);
                    return c.schema();
                }
            }
        }
        JsonNode node = MAPPER.readTree(message, start, end - start);
        Schema schema = delegate.asConnectSchema(node);
        if (cached >= cacheSize) {
            cache.clear();
            recent.clear();
            cached = 0;
        }
        CachedSchema entry = new CachedSchema(Arrays.copyOfRange(message, start, end), schema);
        cache.computeIfAbsent(hash, h -> new ArrayList<>(1)).add(entry);
        cached++;
        remember(entry);
        return schema;
    }

    /** The value at the parser's current token, as Connect data of {@code schema}. */
    private Object read(JsonParser p, Schema schema) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            if (schema.defaultValue() != null && replaceNullWithDefault) {
                return schema.defaultValue();
            }
            if (schema.isOptional()) {
                return null;
            }
            throw new DataException("Invalid null value for required " + schema.type() + " field");
        }
        String logical = schema.name();
        switch (schema.type()) {
            case INT8:
                return (byte) p.getIntValue();
            case INT16:
                return (short) p.getIntValue();
            case INT32: {
                int v = p.getIntValue();
                if (Date.LOGICAL_NAME.equals(logical)) {
                    return Date.toLogical(schema, v);
                }
                if (Time.LOGICAL_NAME.equals(logical)) {
                    return Time.toLogical(schema, v);
                }
                return v;
            }
            case INT64: {
                long v = p.getLongValue();
                return Timestamp.LOGICAL_NAME.equals(logical) ? Timestamp.toLogical(schema, v) : v;
            }
            case FLOAT32:
                return p.getFloatValue();
            case FLOAT64:
                return p.getDoubleValue();
            case BOOLEAN:
                return p.getBooleanValue();
            case STRING:
                return p.getText();
            case BYTES:
                if (Decimal.LOGICAL_NAME.equals(logical)) {
                    int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
                    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                        return p.getDecimalValue().setScale(scale);
                    }
                    return new BigDecimal(new BigInteger(p.getBinaryValue()), scale);
                }
                return p.getBinaryValue();
            case ARRAY: {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p, schema.valueSchema()));
                }
                return list;
            }
            case MAP: {
                Map<Object, Object> map = new LinkedHashMap<>();
                if (t == JsonToken.START_OBJECT) {
                    while (p.nextToken() != JsonToken.END_OBJECT) {
                        String key = p.currentName();
                        p.nextToken();
                        map.put(key, read(p, schema.valueSchema()));
                    }
                } else {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        p.nextToken();
                        Object key = read(p, schema.keySchema());
                        p.nextToken();
                        map.put(key, read(p, schema.valueSchema()));
                        p.nextToken();
                    }
                }
                return map;
            }
            case STRUCT: {
                if (t != JsonToken.START_OBJECT) {
                    throw new DataException("Structs should be encoded as JSON objects, found " + t);
                }
                Struct struct = new Struct(schema);
                List<Field> fields = schema.fields();
                boolean[] seen = new boolean[fields.size()];
                int next = 0;
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    // JsonConverter writes a struct's fields in schema order: try the next one before a lookup by name.
                    String name = p.currentName();
                    Field field = next < fields.size() && fields.get(next).name().equals(name) ? fields.get(next)
                            : schema.field(name);
                    next = field == null ? next : field.index() + 1;
                    p.nextToken();
                    if (field == null) {
                        p.skipChildren();
                        continue;
                    }
                    seen[field.index()] = true;
                    struct.put(field, read(p, field.schema()));
                }
                for (Field field : schema.fields()) {
                    if (!seen[field.index()]) {
                        Schema fs = field.schema();
                        if (fs.defaultValue() != null) {
                            struct.put(field, fs.defaultValue());
                        } else if (!fs.isOptional()) {
                            throw new DataException("Invalid null value for required " + fs.type() + " field " + field.name());
                        }
                    }
                }
                return struct;
            }
            default:
                throw new DataException("Unknown schema type: " + schema.type());
        }
    }
}
