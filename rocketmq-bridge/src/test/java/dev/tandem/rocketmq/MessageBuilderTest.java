package dev.tandem.rocketmq;

import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MessageBuilderTest {

    private static final Schema KEY = SchemaBuilder.struct().name("k").field("id", Schema.INT32_SCHEMA)
            .field("region", Schema.STRING_SCHEMA).build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("source").field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("row").field("id", Schema.INT32_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("envelope").field("after", ROW)
            .field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();

    private static MessageBuilder json(Map<String, String> props) {
        JsonConverter body = new JsonConverter();
        body.configure(Map.of("schemas.enable", "false"), false);
        JsonConverter key = new JsonConverter();
        key.configure(Map.of("schemas.enable", "false"), true);
        SimpleHeaderConverter headers = new SimpleHeaderConverter();
        headers.configure(Map.of());
        return new MessageBuilder(new RocketMqSinkConfig(props), body, key, headers);
    }

    private static Map<String, String> props(String... extra) {
        Map<String, String> p = new java.util.HashMap<>(Map.of(RocketMqSettings.NAMESRV, "127.0.0.1:9876"));
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return p;
    }

    @Test
    void aChangeEventGetsItsTableAsTagItsKeyAsKeysAndItsHeadersAsProperties() {
        Struct key = new Struct(KEY).put("id", 7).put("region", "eu");
        Struct value = new Struct(ENVELOPE).put("after", new Struct(ROW).put("id", 7))
                .put("source", new Struct(SOURCE).put("db", "shop").put("table", "orders")).put("op", "c");
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("tandem.origin", "east");
        SinkRecord r = new SinkRecord("east.shop.orders", 0, KEY, key, ENVELOPE, value, 42L, null, null, headers);
        MessageBuilder.Built built = json(props()).build(r);
        Message m = built.message();
        assertThat(m.getTopic()).isEqualTo("east_shop_orders");
        assertThat(m.getTags()).isEqualTo("orders");
        assertThat(m.getKeys()).isEqualTo("7_eu");
        assertThat(m.getUserProperty("tandem.origin")).isEqualTo("east");
        assertThat(m.getUserProperty(KafkaHeadersCodec.TOPIC)).isEqualTo("east.shop.orders");
        assertThat(new String(m.getBody(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"after\":{\"id\":7},\"source\":{\"db\":\"shop\",\"table\":\"orders\"},\"op\":\"c\"}");
        assertThat(new String(KafkaHeadersCodec.decodeBytes(m.getUserProperty(KafkaHeadersCodec.KEY)), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":7,\"region\":\"eu\"}");
        assertThat(built.routingKey()).isEqualTo(KafkaHeadersCodec.decodeBytes(m.getUserProperty(KafkaHeadersCodec.KEY)));
    }

    @Test
    void theTopicMapWinsAndTheTagFormatTakesTheTopic() {
        SinkRecord r = new SinkRecord("shop.shop.orders", 0, null, null, Schema.STRING_SCHEMA, "x", 1L);
        Message m = json(props(RocketMqSinkConfig.TOPIC_MAP, "shop.shop.orders:ORDERS", RocketMqSinkConfig.TAG, "t-${topic}"))
                .build(r).message();
        assertThat(m.getTopic()).isEqualTo("ORDERS");
        assertThat(m.getTags()).isEqualTo("t-shop.shop.orders");
        assertThat(m.getKeys()).isNull();
        Message other = json(props(RocketMqSinkConfig.TOPIC_FORMAT, "cdc_${topic}")).build(
                new SinkRecord("a.b", 0, null, null, Schema.STRING_SCHEMA, "x", 1L)).message();
        assertThat(other.getTopic()).isEqualTo("cdc_a_b");
        assertThat(other.getTags()).isEqualTo("b"); // no change event: the topic's last segment
    }

    @Test
    void tombstonesAndEmptyValuesAreFlaggedSinceRocketMqRefusesEmptyBodies() {
        ByteArrayConverter bytes = new ByteArrayConverter();
        MessageBuilder b = new MessageBuilder(new RocketMqSinkConfig(props()), bytes, bytes, bytes);
        Message tombstone = b.build(new SinkRecord("t", 0, Schema.OPTIONAL_BYTES_SCHEMA, new byte[] {1},
                Schema.OPTIONAL_BYTES_SCHEMA, null, 1L)).message();
        assertThat(tombstone.getBody()).isNotEmpty();
        assertThat(tombstone.getUserProperty(KafkaHeadersCodec.TOMBSTONE)).isEqualTo("true");
        Message empty = b.build(new SinkRecord("t", 0, Schema.OPTIONAL_BYTES_SCHEMA, new byte[] {1},
                Schema.OPTIONAL_BYTES_SCHEMA, new byte[0], 1L)).message();
        assertThat(empty.getBody()).isNotEmpty();
        assertThat(empty.getUserProperty(KafkaHeadersCodec.EMPTY)).isEqualTo("true");
    }

    @Test
    void headersRoundTripInOrderWithRepeatsNullsAndBinaryValues() {
        List<KafkaHeadersCodec.Header> headers = List.of(new KafkaHeadersCodec.Header("a", "1".getBytes(StandardCharsets.UTF_8)),
                new KafkaHeadersCodec.Header("a", new byte[] {0, -1, 44, 58}), new KafkaHeadersCodec.Header("n", null),
                new KafkaHeadersCodec.Header("ünï,cødé:", new byte[0]));
        List<KafkaHeadersCodec.Header> back = KafkaHeadersCodec.decode(KafkaHeadersCodec.encode(headers));
        assertThat(back).hasSize(4);
        for (int i = 0; i < headers.size(); i++) {
            assertThat(back.get(i).name()).isEqualTo(headers.get(i).name());
            assertThat(back.get(i).value()).isEqualTo(headers.get(i).value());
        }
    }
}
