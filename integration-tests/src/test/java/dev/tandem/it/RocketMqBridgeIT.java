package dev.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.ConnectWorkerProcess;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.RocketMqServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The RocketMQ bridge, loaded from its plugin zip, on a real RocketMQ 5.5.0 name server and
 * broker (processes, from Maven Central) and a real Kafka and Connect worker: a MariaDB table
 * captured by our source reaches a RocketMQ consumer once per change, in per-key order, with the
 * table as tag and the key as message keys; Kafka → RocketMQ → Kafka keeps keys, values and
 * headers byte for byte; a broker outage and a killed worker lose nothing.
 */
class RocketMqBridgeIT {

    static final String SINK = "dev.tandem.rocketmq.RocketMqSinkConnector";
    static final String SOURCE = "dev.tandem.rocketmq.RocketMqSourceConnector";
    private static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the worker processes' logs stay when a test fails
    static Path work;

    private static RocketMqServer rocketmq;
    private static ConnectCluster connect;
    private static MariaDbServer db;

    @BeforeAll
    static void start() {
        rocketmq = RocketMqServer.start("bridge", work);
        db = MariaDbServer.start("bridge-src");
        connect = ConnectCluster.builder().name("bridge").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, db, rocketmq);
    }

    /** A test may follow the outage test's broker restart: the name server must know the broker again. */
    @BeforeEach
    void brokerRegistered() {
        await("the broker registered with the name server").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> connect.validationErrors(SINK, sink("probe")).isEmpty());
    }

    static Map<String, String> sink(String topics) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", SINK);
        c.put("tasks.max", "1");
        c.put("topics", topics);
        c.put("rocketmq.namesrv.addr", rocketmq.namesrvAddress());
        c.put("rocketmq.retry.backoff.ms", "500");
        return c;
    }

    /** Both bridge directions with Kafka's bytes passed through unchanged. */
    static Map<String, String> bytes(Map<String, String> c) {
        c.put("key.converter", BYTES);
        c.put("value.converter", BYTES);
        c.put("header.converter", BYTES);
        if (SINK.equals(c.get("connector.class"))) {
            c.put("rocketmq.body.converter", BYTES);
            c.put("rocketmq.key.converter", BYTES);
            c.put("rocketmq.header.converter", BYTES);
        }
        return c;
    }

    /** Every message of {@code topic} stored so far, read from the start of every queue, until {@code count} arrived. */
    static List<MessageExt> readRocketMq(String topic, int count) throws Exception {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("it_reader_" + System.nanoTime());
        consumer.setNamesrvAddr(rocketmq.namesrvAddress());
        consumer.setAutoCommit(false);
        consumer.setInstanceName("it-" + System.nanoTime());
        consumer.start();
        try {
            List<MessageQueue> queues = new ArrayList<>();
            await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
                queues.clear();
                queues.addAll(consumer.fetchMessageQueues(topic));
                return !queues.isEmpty();
            });
            consumer.assign(queues);
            for (MessageQueue q : queues) {
                // asks the broker for the queue's first offset; on a busy 2-core runner that call can time out once
                await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
                    consumer.seekToBegin(q);
                    return true;
                });
            }
            List<MessageExt> out = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                out.addAll(consumer.poll(500));
            }
            long quiet = System.nanoTime() + 2_000_000_000L; // what else is there (repeats)
            while (System.nanoTime() < quiet) {
                out.addAll(consumer.poll(200));
            }
            return out;
        } finally {
            consumer.shutdown();
        }
    }

    @Test
    void aCapturedTableReachesRocketMqOnceInPerKeyOrderWithTableTagAndKeys() throws Exception {
        String shop = db.createDatabase("rq");
        db.execute(shop, "CREATE TABLE orders (id INT PRIMARY KEY, v INT NOT NULL)",
                "INSERT INTO orders SELECT seq, 0 FROM seq_1_to_50");
        Map<String, String> src = sourceConfig(connect, db, "rq", 6901);
        src.put("tandem.objects", shop + ".orders");
        connect.configure("rq-source", src);
        String rocketTopic = "orders_" + shop;
        Map<String, String> sink = sink("rq." + shop + ".orders");
        sink.put("rocketmq.topic.map", "rq." + shop + ".orders:" + rocketTopic);
        assertThat(connect.validationErrors(SINK, sink)).isEmpty();
        connect.configure("rq-sink", sink);
        // The same topic in Canal JSON, the format OceanBase Migration Service writes to RocketMQ: the MessageFormat SMT first.
        Map<String, String> canal = sink("rq." + shop + ".orders");
        canal.put("rocketmq.topic.map", "rq." + shop + ".orders:canal_" + shop);
        canal.put("transforms", "canal");
        canal.put("transforms.canal.type", "dev.tandem.smt.format.MessageFormat");
        canal.put("transforms.canal.format", "canal-json");
        connect.configure("rq-canal-sink", canal);
        // The copy first: a chunked copy reads rows as they are when it reads them, so updates made during it could
        // reach RocketMQ before the copied row (which already holds them); per-key order is about the stream after it.
        readRocketMq(rocketTopic, 50);
        readRocketMq("canal_" + shop, 50);
        for (int round = 1; round <= 10; round++) {
            db.execute(shop, "UPDATE orders SET v = " + round);
        }
        List<MessageExt> messages = readRocketMq(rocketTopic, 50 + 500);
        assertThat(messages).hasSize(550);
        Map<String, List<Integer>> versions = new LinkedHashMap<>();
        for (MessageExt m : messages) {
            assertThat(m.getTags()).isEqualTo("orders");
            JsonNode event = JSON.readTree(new String(m.getBody(), StandardCharsets.UTF_8));
            assertThat(m.getKeys()).isEqualTo(event.path("after").path("id").asText());
            assertThat(m.getUserProperty("TANDEM_KAFKA_TOPIC")).isEqualTo("rq." + shop + ".orders");
            versions.computeIfAbsent(m.getKeys() + "@" + m.getQueueId(), k -> new ArrayList<>())
                    .add(event.path("after").path("v").asInt());
        }
        // Per queue, in queue order: each key's versions 0, 1, ..., 10 — one key lives on one queue.
        assertThat(versions).hasSize(50);
        versions.values().forEach(v -> assertThat(v).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));

        List<MessageExt> canalMessages = readRocketMq("canal_" + shop, 550);
        assertThat(canalMessages).hasSize(550);
        Map<String, List<String>> canalTypes = new LinkedHashMap<>();
        for (MessageExt m : canalMessages) {
            JsonNode event = JSON.readTree(new String(m.getBody(), StandardCharsets.UTF_8));
            assertThat(m.getTags()).isEqualTo("orders");
            assertThat(event.path("table").asText()).isEqualTo("orders");
            assertThat(event.path("database").asText()).isEqualTo(shop);
            assertThat(event.path("data").get(0).path("id").asText()).isEqualTo(m.getKeys());
            canalTypes.computeIfAbsent(m.getKeys(), k -> new ArrayList<>()).add(event.path("type").asText() + ":"
                    + event.path("data").get(0).path("v").asText());
        }
        assertThat(canalTypes.get("1")).containsExactly("INSERT:0", "UPDATE:1", "UPDATE:2", "UPDATE:3", "UPDATE:4", "UPDATE:5",
                "UPDATE:6", "UPDATE:7", "UPDATE:8", "UPDATE:9", "UPDATE:10");
        connect.delete("rq-canal-sink");
        connect.delete("rq-sink");
        connect.delete("rq-source");
    }

    @Test
    void validateNamesTheFieldAndTheFix() throws Exception {
        Map<String, String> source = new LinkedHashMap<>(Map.of("connector.class", SOURCE, "rocketmq.namesrv.addr",
                rocketmq.namesrvAddress(), "rocketmq.topics", "no_such_topic"));
        Map<String, List<String>> errors = connect.validationErrors(SOURCE, source);
        assertThat(errors).containsOnlyKeys("rocketmq.topics");
        assertThat(errors.get("rocketmq.topics").get(0)).contains("does not exist").contains("mqadmin updateTopic");
        Map<String, String> sink = sink("t");
        sink.put("rocketmq.topic.map", "t:created_on_first_use");
        assertThat(connect.validationErrors(SINK, sink)).as("the broker creates topics: a sink may name a new one").isEmpty();
        sink.put("rocketmq.namesrv.addr", "127.0.0.1:" + unusedPort());
        assertThat(connect.validationErrors(SINK, sink)).containsOnlyKeys("rocketmq.namesrv.addr");
        sink.put("rocketmq.namesrv.addr", "");
        assertThat(connect.validationErrors(SINK, sink)).containsKey("rocketmq.namesrv.addr");
    }

    private static int unusedPort() throws Exception {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static List<ProducerRecord<byte[], byte[]>> randomRecords(String topic, int count, long seed) {
        Random random = new Random(seed);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] key = i % 17 == 0 ? null : ("key-" + random.nextInt(20)).getBytes(StandardCharsets.UTF_8);
            byte[] value;
            if (i % 13 == 0) {
                value = null; // a tombstone
            } else if (i % 29 == 0) {
                value = new byte[0];
            } else {
                value = new byte[1 + random.nextInt(300)];
                random.nextBytes(value);
            }
            byte[] binary = new byte[8];
            random.nextBytes(binary);
            List<org.apache.kafka.common.header.Header> headers = new ArrayList<>(List.of(
                    new RecordHeader("tandem.origin", "east".getBytes(StandardCharsets.UTF_8)),
                    new RecordHeader("bin", binary),
                    new RecordHeader("twice", "a".getBytes(StandardCharsets.UTF_8)),
                    new RecordHeader("twice", "b".getBytes(StandardCharsets.UTF_8))));
            if (i % 5 == 0) {
                headers.add(new RecordHeader("empty", null));
            }
            out.add(new ProducerRecord<>(topic, null, null, key, value, headers));
        }
        return out;
    }

    private static void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", connect.bootstrapServers(),
                "key.serializer", ByteArraySerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName(),
                "enable.idempotence", "true"))) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                p.send(r).get();
            }
        }
    }

    /** A record as comparable text: key, value and headers in order, bytes in hex; null stays "null". */
    private static String describe(byte[] key, byte[] value, Iterable<org.apache.kafka.common.header.Header> headers) {
        StringBuilder s = new StringBuilder(hex(key)).append('|').append(hex(value));
        for (var h : headers) {
            s.append('|').append(h.key()).append('=').append(hex(h.value()));
        }
        return s.toString();
    }

    private static String hex(byte[] b) {
        if (b == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder("x");
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    @Test
    void kafkaToRocketMqAndBackKeepsKeysValuesAndHeadersByteForByte() throws Exception {
        connect.createTopic("rt-in", 3);
        connect.createTopic("rt-out", 3);
        List<ProducerRecord<byte[], byte[]>> sent = randomRecords("rt-in", 300, 5);
        produce(sent);
        Map<String, String> sink = bytes(sink("rt-in"));
        sink.put("rocketmq.topic.map", "rt-in:rt_mid");
        connect.configure("rt-sink", sink);
        Map<String, String> source = bytes(new LinkedHashMap<>(Map.of("connector.class", SOURCE, "tasks.max", "2",
                "rocketmq.namesrv.addr", rocketmq.namesrvAddress(), "rocketmq.topics", "rt_mid",
                "rocketmq.kafka.topic.format", "rt-out")));
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> connect.validationErrors(SOURCE, source).isEmpty());
        connect.configure("rt-source", source);
        List<ConsumerRecord<byte[], byte[]>> back = connect.consume(300, TIMEOUT, "rt-out");
        Map<String, List<String>> sentByKey = new HashMap<>();
        for (var r : sent) {
            sentByKey.computeIfAbsent(hex(r.key()), k -> new ArrayList<>()).add(describe(r.key(), r.value(), r.headers()));
        }
        Map<String, List<String>> backByKey = new HashMap<>();
        for (var r : back) {
            backByKey.computeIfAbsent(hex(r.key()), k -> new ArrayList<>()).add(describe(r.key(), r.value(), r.headers()));
        }
        // Every key's records, in order, byte for byte (keyless records carry no order: compared as a set).
        assertThat(backByKey.keySet()).isEqualTo(sentByKey.keySet());
        sentByKey.forEach((key, records) -> {
            if (key.equals("null")) {
                assertThat(backByKey.get(key)).containsExactlyInAnyOrderElementsOf(records);
            } else {
                assertThat(backByKey.get(key)).as("records of key " + key).containsExactlyElementsOf(records);
            }
        });
        connect.delete("rt-source");
        connect.delete("rt-sink");
    }

    @Test
    void aBrokerOutageDuringTheStreamLosesNothing() throws Exception {
        connect.createTopic("outage-in", 2);
        Map<String, String> sink = bytes(sink("outage-in"));
        sink.put("rocketmq.topic.map", "outage-in:outage_mid");
        connect.configure("outage-sink", sink);
        produce(numbered("outage-in", 0, 500));
        await().atMost(TIMEOUT).until(() -> connect.status("outage-sink").tasks().size() == 1);
        rocketmq.stopBroker();
        produce(numbered("outage-in", 500, 1000)); // into Kafka while RocketMQ is down
        Thread.sleep(8_000);
        assertThat(connect.status("outage-sink").tasks().get(0).state()).as("the sink waits, it does not fail")
                .isEqualTo("RUNNING");
        rocketmq.startBroker();
        produce(numbered("outage-in", 1000, 1500));
        Set<String> received = readRocketMq("outage_mid", 1500).stream()
                .map(m -> new String(m.getBody(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
        assertThat(received).as("every record, after the broker came back").hasSize(1500);
        connect.delete("outage-sink");
    }

    private static List<ProducerRecord<byte[], byte[]>> numbered(String topic, int from, int to) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new ProducerRecord<>(topic, ("k" + (i % 37)).getBytes(StandardCharsets.UTF_8),
                    ("message-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Test
    void aKilledWorkerLosesNothingOnEitherSide() throws Exception {
        connect.createTopic("kill-in", 2);
        connect.createTopic("kill-out", 2);
        String group = "bridge-kill";
        Map<String, String> sink = bytes(sink("kill-in"));
        sink.put("rocketmq.topic.map", "kill-in:kill_mid");
        Map<String, String> source = bytes(new LinkedHashMap<>(Map.of("connector.class", SOURCE, "tasks.max", "1",
                "rocketmq.namesrv.addr", rocketmq.namesrvAddress(), "rocketmq.topics", "kill_mid",
                "rocketmq.kafka.topic.format", "kill-out")));
        Set<String> out = ConcurrentHashMap.newKeySet();
        ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work);
        try {
            first.rest().configure("kill-sink", sink);
            produce(numbered("kill-in", 0, 1000));
            readRocketMq("kill_mid", 1); // the topic has a route: the source can start
            first.rest().configure("kill-source", source);
            produce(numbered("kill-in", 1000, 2000));
            await().atMost(TIMEOUT).until(() -> connect.consumeAll(Duration.ofSeconds(10), "kill-out").size() > 200);
            first.kill();
        } finally {
            first.kill();
        }
        produce(numbered("kill-in", 2000, 3000)); // while no worker runs
        try (ConnectWorkerProcess second = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group,
                work)) {
            Set<String> inRocketMq = readRocketMq("kill_mid", 3000).stream()
                    .map(m -> new String(m.getBody(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
            assertThat(inRocketMq).as("Kafka → RocketMQ after the kill").hasSize(3000);
            try {
                await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    out.clear();
                    connect.consumeAll(Duration.ofSeconds(10), "kill-out")
                            .forEach(r -> out.add(new String(r.value(), StandardCharsets.UTF_8)));
                    return out.size() == 3000;
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                List<Integer> missing = new ArrayList<>();
                for (int i = 0; i < 3000; i++) {
                    if (!out.contains("message-" + i)) {
                        missing.add(i);
                    }
                }
                throw new AssertionError("RocketMQ → Kafka after the kill: " + out.size() + " of 3000 distinct messages; "
                        + missing.size() + " missing, first " + missing.subList(0, Math.min(20, missing.size()))
                        + "; source status " + second.rest().status("kill-source") + "; worker log:\n"
                        + String.join("\n", first.logLines("RocketMqSource")) + "\n--- after the kill:\n"
                        + String.join("\n", second.logLines("RocketMqSource")) + "\n" + second.logTail(), e);
            }
            assertThat(out).as("RocketMQ → Kafka after the kill").hasSize(3000);
            second.rest().delete("connectors/kill-source");
            second.rest().delete("connectors/kill-sink");
        }
    }
}
