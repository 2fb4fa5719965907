package dev.tandem.rocketmq;

import dev.tandem.testkit.RocketMqServer;
import dev.tandem.testkit.TaskContexts;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One source task driven directly against a real RocketMQ name server and broker, stopped and started under it. */
class RocketMqSourceTaskTest {

    @TempDir
    static Path work;
    private static RocketMqServer rocketmq;
    private static DefaultMQProducer producer;

    @BeforeAll
    static void start() throws Exception {
        rocketmq = RocketMqServer.start("source-task", work);
        producer = new DefaultMQProducer("unit_writer_" + System.nanoTime());
        producer.setNamesrvAddr(rocketmq.namesrvAddress());
        producer.setInstanceName("unit-writer-" + System.nanoTime());
        producer.start();
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.shutdown();
        }
        if (rocketmq != null) {
            rocketmq.close();
        }
    }

    private static RocketMqSourceTask task(Map<Map<String, String>, Map<String, Object>> committed, String topic,
                                           String... extra) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "unit-" + System.nanoTime());
        props.put(RocketMqSettings.NAMESRV, rocketmq.namesrvAddress());
        props.put(RocketMqSourceConfig.TOPICS, topic);
        props.put(RocketMqSettings.RETRY_BACKOFF, "200");
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        RocketMqSourceTask task = new RocketMqSourceTask();
        task.initialize(TaskContexts.source(committed));
        task.start(props);
        return task;
    }

    /** Messages "0".."count-1" into one queue of a new topic that holds nothing else, at offsets 0..count-1; the queue. */
    private static MessageQueue write(String topic, int count) throws Exception {
        var probe = producer.send(new Message(topic, "probe".getBytes(StandardCharsets.UTF_8))); // creates the topic
        assertThat(probe.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
        MessageQueue queue = producer.fetchPublishMessageQueues(topic).stream()
                .filter(q -> q.getQueueId() != probe.getMessageQueue().getQueueId()).findFirst().orElseThrow();
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(new Message(topic, Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(producer.send(messages, queue).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
        return queue;
    }

    /** The bodies of the records of {@code queue} polled within 60 s, once {@code count} of them arrived. */
    private static List<String> pollQueue(RocketMqSourceTask task, MessageQueue queue, int count) {
        List<String> bodies = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (bodies.size() < count && System.currentTimeMillis() < deadline) {
            List<SourceRecord> records = task.poll();
            if (records != null) {
                records.stream().filter(r -> r.sourcePartition().equals(RocketMqSourceTask.partition(queue)))
                        .forEach(r -> bodies.add(new String((byte[]) r.value(), StandardCharsets.UTF_8)));
            }
        }
        return bodies;
    }

    @Test
    void aBrokerDownWhenTheTaskStartsIsWaitedForAndTheCommittedOffsetIsKept() throws Exception {
        String topic = "unit_down_" + System.nanoTime();
        MessageQueue queue = write(topic, 10);
        // Connect committed: the queue is read up to its offset 6 (messages at offsets 0..5 are in Kafka)
        Map<Map<String, String>, Map<String, Object>> committed = Map.of(RocketMqSourceTask.partition(queue),
                Map.of("offset", 6L));
        rocketmq.stopBroker();
        RocketMqSourceTask task;
        try {
            task = task(committed, topic);
            for (int i = 0; i < 5; i++) {
                assertThat(task.poll()).as("nothing to read while the broker is down").isNull();
            }
        } finally {
            rocketmq.startBroker();
        }
        try {
            assertThat(pollQueue(task, queue, 4)).as("the queue from the committed offset on").containsExactly("6", "7", "8", "9");
        } finally {
            task.stop();
        }
    }

    @Test
    void aTopicThatNeverAppearsFailsTheTaskOnceTheRetryTimeoutPassedNamingTopicAndOption() {
        String topic = "unit_missing_" + System.nanoTime();
        RocketMqSourceTask task = task(Map.of(), topic, RocketMqSettings.RETRY_TIMEOUT, "1000");
        try {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    task.poll();
                }
            }).isInstanceOf(ConnectException.class).hasMessageContaining(topic)
                    .hasMessageContaining(RocketMqSettings.RETRY_TIMEOUT).hasMessageContaining(rocketmq.namesrvAddress());
        } finally {
            task.stop();
        }
    }
}
