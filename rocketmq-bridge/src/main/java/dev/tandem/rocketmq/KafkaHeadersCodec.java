package dev.tandem.rocketmq;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * How Kafka's record key and headers travel in a RocketMQ message so the way back restores them
 * byte for byte: the key's bytes in property {@link #KEY} (base64), every header, in order and
 * with repeats, in {@link #HEADERS} as {@code name:value} pairs separated by commas, both base64
 * ({@code !} for a null value). Each header is also a plain user property (its last value as
 * text) for RocketMQ consumers.
 */
final class KafkaHeadersCodec {

    static final String KEY = "TANDEM_KAFKA_KEY";
    static final String HEADERS = "TANDEM_KAFKA_HEADERS";
    static final String TOPIC = "TANDEM_KAFKA_TOPIC";
    static final String TOMBSTONE = "TANDEM_TOMBSTONE";
    static final String EMPTY = "TANDEM_EMPTY";

    record Header(String name, byte[] value) {
    }

    private KafkaHeadersCodec() {
    }

    static String encodeBytes(byte[] bytes) {
        return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] decodeBytes(String text) {
        return text == null ? null : Base64.getDecoder().decode(text);
    }

    static String encode(List<Header> headers) {
        StringBuilder out = new StringBuilder();
        for (Header h : headers) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(encodeBytes(h.name().getBytes(StandardCharsets.UTF_8))).append(':')
                    .append(h.value() == null ? "!" : encodeBytes(h.value()));
        }
        return out.toString();
    }

    static List<Header> decode(String encoded) {
        List<Header> out = new ArrayList<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split(",")) {
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("property " + HEADERS + " is not Tandem's header list: " + encoded);
            }
            String value = pair.substring(colon + 1);
            out.add(new Header(new String(decodeBytes(pair.substring(0, colon)), StandardCharsets.UTF_8),
                    value.equals("!") ? null : decodeBytes(value)));
        }
        return out;
    }
}
