package dev.tandem.tidb.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.List;

/** Decodes the value of one TiCDC Kafka message into its events (usually one). */
public interface CdcDecoder {

    /** The message's events; an exception names what is wrong with it. */
    List<CdcEvent> decode(byte[] value) throws CdcFormatException;

    /** Whether {@code value} looks like a message of this protocol (for the precheck's look at the topic). */
    boolean recognises(byte[] value);

    /** The message as a JSON object, or what is wrong with it. */
    static JsonNode jsonObject(byte[] value, String protocol) throws CdcFormatException {
        JsonNode m;
        try {
            m = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new CdcFormatException("not JSON: " + e.getMessage(), e);
        }
        if (m == null || !m.isObject()) {
            throw new CdcFormatException("not a " + protocol + " object");
        }
        return m;
    }

    /** The mapper the decoders share. */
    final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();

        private Json() {
        }
    }
}
