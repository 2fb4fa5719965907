package dev.tandem.rocketmq;

import dev.tandem.testkit.RocketMqServer;
import dev.tandem.testkit.TaskContexts;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One sink task driven directly against a real RocketMQ name server and broker. */
class RocketMqSinkTaskTest {

    private static final String STRING = "org.apache.kafka.connect.storage.StringConverter";

    @TempDir
    static Path work;
    private static RocketMqServer rocketmq;

    @BeforeAll
    static void start() {
        rocketmq = RocketMqServer.start("sink-task", work);
    }

    @AfterAll
    static void stop() {
        if (rocketmq != null) {
            rocketmq.close();
        }
    }

    private static RocketMqSinkTask task(TaskContexts.Sink context, String... extra) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "unit-" + System.nanoTime());
        props.put(RocketMqSettings.NAMESRV, rocketmq.namesrvAddress());
        props.put(RocketMqSinkConfig.BODY_CONVERTER, STRING);
        props.put(RocketMqSinkConfig.KEY_CONVERTER, STRING);
        props.put(RocketMqSettings.RETRY_BACKOFF, "200");
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        RocketMqSinkTask task = new RocketMqSinkTask();
        task.initialize(context);
        task.start(props);
        return task;
    }

    private static SinkRecord record(String topic, long offset, String key, String value) {
        return new SinkRecord(topic, 0, Schema.STRING_SCHEMA, key, Schema.STRING_SCHEMA, value, offset);
    }

    @Test
    void everyKeyKeepsOneQueueAndItsOrderAcrossPuts() throws Exception {
        String topic = "unit.orders" + System.nanoTime();
        RocketMqSinkTask task = task(TaskContexts.sink(Set.of(new TopicPartition(topic, 0))));
        try {
            long offset = 0;
            for (int put = 0; put < 3; put++) {
                List<SinkRecord> batch = new ArrayList<>();
                for (int i = 0; i < 40; i++, offset++) {
                    batch.add(record(topic, offset, "k" + offset % 5, "k" + offset % 5 + ":" + offset));
                }
                task.put(batch);
            }
        } finally {
            task.stop();
        }
        List<MessageExt> read = read(topic.replace('.', '_'), 120);
        assertThat(read).hasSize(120);
        Map<String, List<MessageExt>> byKey = read.stream().collect(Collectors.groupingBy(m -> body(m).split(":")[0]));
        assertThat(byKey).hasSize(5);
        byKey.forEach((key, messages) -> {
            assertThat(messages.stream().map(MessageExt::getQueueId).distinct()).as(key + " on one queue").hasSize(1);
            List<Long> sent = messages.stream().sorted(Comparator.comparingLong(MessageExt::getQueueOffset))
                    .map(m -> Long.parseLong(body(m).split(":")[1])).toList();
            assertThat(sent).as(key + " in Kafka order").isSorted().hasSize(24);
        });
    }

    @Test
    void aRecordTooLargeGoesToTheDeadLetterQueueWithItsReasonOrFailsTheTaskNamingIt() throws Exception {
        String topic = "unit.big" + System.nanoTime();
        String large = "x".repeat(2_000);
        TaskContexts.Sink withQueue = TaskContexts.sinkWithDeadLetterQueue(Set.of(new TopicPartition(topic, 0)));
        RocketMqSinkTask task = task(withQueue, RocketMqSinkConfig.MAX_MESSAGE, "1024");
        try {
            task.put(List.of(record(topic, 0, "a", "small"), record(topic, 1, "b", large), record(topic, 2, "c", "small too")));
        } finally {
            task.stop();
        }
        assertThat(withQueue.reported()).singleElement().satisfies(r -> {
            assertThat(r.record().kafkaOffset()).isEqualTo(1);
            assertThat(r.error().getMessage()).contains("2000 bytes").contains(RocketMqSinkConfig.MAX_MESSAGE);
        });
        assertThat(read(topic.replace('.', '_'), 2)).extracting(RocketMqSinkTaskTest::body)
                .containsExactlyInAnyOrder("small", "small too");

        RocketMqSinkTask strict = task(TaskContexts.sink(Set.of(new TopicPartition(topic, 0))), RocketMqSinkConfig.MAX_MESSAGE, "1024");
        try {
            assertThatThrownBy(() -> strict.put(List.of(record(topic, 7, "b", large)))).isInstanceOf(ConnectException.class)
                    .hasMessageContaining(topic + "-0@7").hasMessageContaining("errors.tolerance=all");
        } finally {
            strict.stop();
        }
    }

    private static String body(MessageExt m) {
        return new String(m.getBody(), StandardCharsets.UTF_8);
    }

    /** Every message of {@code topic}, from the start of each queue, once {@code count} arrived (or 60 s passed). */
    private static List<MessageExt> read(String topic, int count) throws Exception {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("unit_reader_" + System.nanoTime());
        consumer.setNamesrvAddr(rocketmq.namesrvAddress());
        consumer.setAutoCommit(false);
        consumer.setInstanceName("unit-" + System.nanoTime());
        consumer.start();
        try {
            List<MessageQueue> queues = new ArrayList<>(consumer.fetchMessageQueues(topic));
            consumer.assign(queues);
            for (MessageQueue q : queues) {
                consumer.seekToBegin(q);
            }
            List<MessageExt> out = new ArrayList<>();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (out.size() < count && System.nanoTime() < deadline) {
                out.addAll(consumer.poll(500));
            }
            long quiet = System.nanoTime() + 1_000_000_000L; // anything more (a message sent twice)
            while (System.nanoTime() < quiet) {
                out.addAll(consumer.poll(200));
            }
            return out;
        } finally {
            consumer.shutdown();
        }
    }
}
