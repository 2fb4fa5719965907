package dev.tandem.benchmarks;

import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.RocketMqServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Messages per second through the RocketMQ bridge for 1 KiB change events, next to what the
 * plain clients do on the same machine and servers: Kafka → RocketMQ (the bridge sink) against a
 * RocketMQ producer sending the same messages in the same ordered batches, and RocketMQ → Kafka
 * (the bridge source) against a RocketMQ pull consumer reading them. Prints both and the ratios.
 */
public final class BridgeBenchmark {

    private static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";

    private BridgeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = 200_000;
        int size = 1024;
        Path out = Path.of("benchmarks/target/bridge-benchmark.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages", "--rows" -> messages = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --messages N, --size BYTES, --out FILE)");
            }
        }
        System.out.printf("RocketMQ bridge benchmark: %,d messages of %,d bytes (1,000 keys), Kafka → RocketMQ and back, "
                + "against the plain RocketMQ clients%n", messages, size);
        Path work = Files.createTempDirectory("bridge-bench");
        try (RocketMqServer rocketmq = RocketMqServer.start("bench", work);
             ConnectCluster connect = ConnectCluster.builder().name("bridge-benchmark").start()) {
            List<byte[]> bodies = bodies(messages, size);
            double direct = directProducer(rocketmq, "direct_bench", bodies);
            connect.createTopic("bench-in", 4);
            produceKafka(connect, "bench-in", bodies);
            double sink = bridgeSink(connect, rocketmq, "bench-in", "bridge_bench", messages);
            double consumer = directConsumer(rocketmq, "bridge_bench", messages);
            double source = bridgeSource(connect, rocketmq, "bridge_bench", "bench-out", messages);
            System.out.println();
            System.out.printf("%-52s %12s%n", "contender", "messages/s");
            System.out.printf("%-52s %,12.0f%n", "RocketMQ producer, ordered batches per queue", direct);
            System.out.printf("%-52s %,12.0f%n", "bridge sink, Kafka → RocketMQ (1 task)", sink);
            System.out.printf("%-52s %,12.0f%n", "RocketMQ pull consumer", consumer);
            System.out.printf("%-52s %,12.0f%n", "bridge source, RocketMQ → Kafka (1 task)", source);
            System.out.printf("%nbridge sink / producer: %.3f; bridge source / consumer: %.3f; MB/s through the sink: %.1f%n",
                    sink / direct, source / consumer, sink * size / 1e6);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, String.format(java.util.Locale.ROOT, "{\"messages\":%d,\"size\":%d,\"producer\":%.1f,"
                    + "\"bridgeSink\":%.1f,\"consumer\":%.1f,\"bridgeSource\":%.1f,\"sinkRatio\":%.4f,\"sourceRatio\":%.4f}%n",
                    messages, size, direct, sink, consumer, source, sink / direct, source / consumer));
            System.out.println("written " + out);
        }
    }

    private static List<byte[]> bodies(int count, int size) {
        Random random = new Random(3);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[size];
            for (int j = 0; j < size; j++) {
                b[j] = (byte) ('a' + random.nextInt(26)); // text-like, as a JSON change event
            }
            out.add(b);
        }
        return out;
    }

    private static byte[] key(int i) {
        return ("{\"id\":" + (i % 1000) + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static double directProducer(RocketMqServer rocketmq, String topic, List<byte[]> bodies) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer("bench_direct");
        p.setNamesrvAddr(rocketmq.namesrvAddress());
        p.setInstanceName("bench-direct");
        p.start();
        try {
            p.createTopic(org.apache.rocketmq.common.topic.TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC, topic, 8, null);
            List<MessageQueue> queues = new ArrayList<>();
            while (queues.isEmpty()) {
                try {
                    queues.addAll(p.fetchPublishMessageQueues(topic));
                } catch (Exception e) {
                    Thread.sleep(200);
                }
            }
            queues.sort(MessageQueue::compareTo);
            long start = System.nanoTime();
            Map<MessageQueue, List<Message>> batch = new LinkedHashMap<>();
            for (int i = 0; i < bodies.size(); i++) {
                MessageQueue q = queues.get(Utils.toPositive(Utils.murmur2(key(i))) % queues.size());
                batch.computeIfAbsent(q, x -> new ArrayList<>()).add(new Message(topic, "t", bodies.get(i)));
                if (i % 2048 == 2047 || i == bodies.size() - 1) {
                    for (var e : batch.entrySet()) {
                        List<Message> ms = e.getValue();
                        for (int from = 0; from < ms.size(); from += 256) {
                            p.send(ms.subList(from, Math.min(ms.size(), from + 256)), e.getKey(), 10_000);
                        }
                    }
                    batch.clear();
                }
            }
            double rate = bodies.size() / ((System.nanoTime() - start) / 1e9);
            System.out.printf("  RocketMQ producer: %,.0f messages/s%n", rate);
            return rate;
        } finally {
            p.shutdown();
        }
    }

    private static void produceKafka(ConnectCluster connect, String topic, List<byte[]> bodies) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", connect.bootstrapServers(),
                "key.serializer", ByteArraySerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName(),
                "linger.ms", "20", "batch.size", "262144"))) {
            for (int i = 0; i < bodies.size(); i++) {
                p.send(new ProducerRecord<>(topic, key(i), bodies.get(i)));
            }
            p.flush();
        }
    }

    private static long rocketMqMessages(DefaultMQProducer probe, String topic) {
        try {
            long total = 0;
            for (MessageQueue q : probe.fetchPublishMessageQueues(topic)) {
                total += probe.getDefaultMQProducerImpl().getMqClientFactory().getMQAdminImpl().maxOffset(q);
            }
            return total;
        } catch (Exception e) {
            return 0; // no route yet
        }
    }

    private static double bridgeSink(ConnectCluster connect, RocketMqServer rocketmq, String from, String to, int count)
            throws Exception {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", "dev.tandem.rocketmq.RocketMqSinkConnector");
        c.put("tasks.max", "1");
        c.put("topics", from);
        c.put("rocketmq.namesrv.addr", rocketmq.namesrvAddress());
        c.put("rocketmq.topic.map", from + ":" + to);
        c.put("key.converter", BYTES);
        c.put("value.converter", BYTES);
        c.put("header.converter", BYTES);
        c.put("rocketmq.body.converter", BYTES);
        c.put("rocketmq.key.converter", BYTES);
        c.put("rocketmq.header.converter", BYTES);
        c.put("consumer.override.max.poll.records", "2000");
        DefaultMQProducer probe = new DefaultMQProducer("bench_probe");
        probe.setNamesrvAddr(rocketmq.namesrvAddress());
        probe.setInstanceName("bench-probe");
        probe.start();
        try {
            long start = System.nanoTime();
            connect.configure("bench-sink", c);
            while (rocketMqMessages(probe, to) < count) {
                Thread.sleep(50);
            }
            double rate = count / ((System.nanoTime() - start) / 1e9);
            System.out.printf("  bridge sink: %,.0f messages/s%n", rate);
            connect.delete("bench-sink");
            return rate;
        } finally {
            probe.shutdown();
        }
    }

    private static double directConsumer(RocketMqServer rocketmq, String topic, int count) throws Exception {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("bench_reader");
        consumer.setNamesrvAddr(rocketmq.namesrvAddress());
        consumer.setAutoCommit(false);
        consumer.setPullBatchSize(256);
        consumer.setInstanceName("bench-reader");
        consumer.start();
        try {
            List<MessageQueue> queues = new ArrayList<>(consumer.fetchMessageQueues(topic));
            consumer.assign(queues);
            for (MessageQueue q : queues) {
                consumer.seekToBegin(q);
            }
            long start = System.nanoTime();
            long read = 0;
            while (read < count) {
                read += consumer.poll(500).size();
            }
            double rate = count / ((System.nanoTime() - start) / 1e9);
            System.out.printf("  RocketMQ pull consumer: %,.0f messages/s%n", rate);
            return rate;
        } finally {
            consumer.shutdown();
        }
    }

    private static double bridgeSource(ConnectCluster connect, RocketMqServer rocketmq, String from, String to, int count)
            throws Exception {
        connect.createTopic(to, 4);
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", "dev.tandem.rocketmq.RocketMqSourceConnector");
        c.put("tasks.max", "1");
        c.put("rocketmq.namesrv.addr", rocketmq.namesrvAddress());
        c.put("rocketmq.topics", from);
        c.put("rocketmq.kafka.topic.format", to);
        c.put("key.converter", BYTES);
        c.put("value.converter", BYTES);
        c.put("header.converter", BYTES);
        long start = System.nanoTime();
        connect.configure("bench-source", c);
        try (Admin admin = connect.kafka().createAdminClient()) {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int p = 0; p < 4; p++) {
                ends.put(new TopicPartition(to, p), OffsetSpec.latest());
            }
            while (admin.listOffsets(ends).all().get().values().stream().mapToLong(o -> o.offset()).sum() < count) {
                Thread.sleep(50);
            }
        }
        double rate = count / ((System.nanoTime() - start) / 1e9);
        System.out.printf("  bridge source: %,.0f messages/s%n", rate);
        connect.delete("bench-source");
        return rate;
    }
}
