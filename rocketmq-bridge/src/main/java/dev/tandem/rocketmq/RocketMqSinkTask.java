package dev.tandem.rocketmq;

import dev.tandem.common.TandemVersion;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends each batch of Kafka records to RocketMQ before {@code put} returns: records are grouped by
 * target queue (chosen by a hash of the Kafka key, so one key always lands on one queue), each
 * queue's messages go out in Kafka order as batch requests, one after another, each acknowledged
 * by the broker before the next. Connect commits a partition's offset only after {@code put}
 * returned, so no offset passes a message the broker has not stored; a restart re-sends at most
 * the records after the last commit (at least once). Transient broker errors are retried with a
 * backoff (the broker down, busy, a timeout); a permanent one fails the task, naming the record.
 */
public class RocketMqSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqSinkTask.class);
    private static final int MAX_BATCH_BYTES = 1024 * 1024;

    private RocketMqSinkConfig config;
    private DefaultMQProducer producer;
    private MessageBuilder builder;
    private ErrantRecordReporter reporter;
    private final Map<String, List<MessageQueue>> queues = new HashMap<>();
    private long sent;

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new RocketMqSinkConfig(props);
        Converter body = converter(props, RocketMqSinkConfig.BODY_CONVERTER, false);
        Converter key = converter(props, RocketMqSinkConfig.KEY_CONVERTER, true);
        HeaderConverter headers = headerConverter(props);
        builder = new MessageBuilder(config, body, key, headers);
        producer = new DefaultMQProducer(RocketMqSettings.group(config, props.get("name")), RocketMqSettings.aclHook(config));
        producer.setNamesrvAddr(config.getString(RocketMqSettings.NAMESRV));
        producer.setSendMsgTimeout(config.getInt(RocketMqSinkConfig.SEND_TIMEOUT));
        producer.setRetryTimesWhenSendFailed(0); // retried here, in order
        producer.setMaxMessageSize(config.getInt(RocketMqSinkConfig.MAX_MESSAGE));
        producer.setInstanceName("tandem-" + props.get("name") + "-" + System.identityHashCode(this));
        try {
            producer.start();
        } catch (MQClientException e) {
            throw new ConnectException("Cannot start the RocketMQ producer for " + config.getString(RocketMqSettings.NAMESRV)
                    + ": " + e.getMessage(), e);
        }
        reporter = context.errantRecordReporter();
    }

    private static Converter converter(Map<String, String> props, String option, boolean isKey) {
        String cls = props.getOrDefault(option, "org.apache.kafka.connect.json.JsonConverter");
        try {
            Converter c = (Converter) Utils.newInstance(Class.forName(cls, true, RocketMqSinkTask.class.getClassLoader()));
            Map<String, Object> settings = new HashMap<>();
            settings.put("schemas.enable", "false");
            props.forEach((k, v) -> {
                if (k.startsWith(option + ".")) {
                    settings.put(k.substring(option.length() + 1), v);
                }
            });
            c.configure(settings, isKey);
            return c;
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new ConnectException(option + ": " + cls + " is not a Converter on the plugin's class path", e);
        }
    }

    private static HeaderConverter headerConverter(Map<String, String> props) {
        String cls = props.getOrDefault(RocketMqSinkConfig.HEADER_CONVERTER, "org.apache.kafka.connect.storage.SimpleHeaderConverter");
        try {
            HeaderConverter c = (HeaderConverter) Utils.newInstance(Class.forName(cls, true,
                    RocketMqSinkTask.class.getClassLoader()));
            c.configure(Map.of());
            return c;
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new ConnectException(RocketMqSinkConfig.HEADER_CONVERTER + ": " + cls + " is not a HeaderConverter", e);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        Map<MessageQueue, List<Pending>> byQueue = new LinkedHashMap<>();
        for (SinkRecord r : records) {
            MessageBuilder.Built built;
            try {
                built = builder.build(r);
            } catch (RuntimeException e) {
                reject(r, "cannot be written as a RocketMQ message: " + e.getMessage(), e);
                continue;
            }
            if (built.message().getBody().length > config.getInt(RocketMqSinkConfig.MAX_MESSAGE)) {
                reject(r, "has a body of " + built.message().getBody().length + " bytes, more than "
                        + RocketMqSinkConfig.MAX_MESSAGE + "=" + config.getInt(RocketMqSinkConfig.MAX_MESSAGE), null);
                continue;
            }
            MessageQueue q = queueFor(built.message().getTopic(), built.routingKey());
            byQueue.computeIfAbsent(q, x -> new ArrayList<>()).add(new Pending(r, built.message()));
        }
        for (var e : byQueue.entrySet()) {
            sendInOrder(e.getKey(), e.getValue());
        }
    }

    private record Pending(SinkRecord record, Message message) {
    }

    private void reject(SinkRecord r, String why, Throwable cause) {
        String what = "Record " + r.topic() + "-" + r.kafkaPartition() + "@" + r.kafkaOffset() + " " + why;
        if (reporter == null) {
            throw new ConnectException(what + " (configure errors.tolerance=all and errors.deadletterqueue.topic.name to "
                    + "send such records to a dead-letter queue)", cause);
        }
        LOG.warn("{}; sent to the dead-letter queue", what);
        reporter.report(r, cause != null ? cause : new IllegalArgumentException(what));
    }

    private MessageQueue queueFor(String topic, byte[] key) {
        List<MessageQueue> qs = queues.computeIfAbsent(topic, this::fetchQueues);
        return qs.get(Utils.toPositive(Utils.murmur2(key)) % qs.size());
    }

    private List<MessageQueue> fetchQueues(String topic) {
        long deadline = System.currentTimeMillis() + config.getLong(RocketMqSettings.RETRY_TIMEOUT);
        while (true) {
            try {
                List<MessageQueue> qs = new ArrayList<>(producer.fetchPublishMessageQueues(topic));
                qs.sort(MessageQueue::compareTo);
                if (!qs.isEmpty()) {
                    return qs;
                }
            } catch (MQClientException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new RetriableException("RocketMQ topic " + topic + " has no route (is the broker up, does the topic "
                            + "exist or is autoCreateTopicEnable on?): " + e.getErrorMessage(), e);
                }
                if (RocketMqTopics.autoCreateAllowed(producer)) {
                    try {
                        RocketMqTopics.create(producer, topic, config.getInt(RocketMqSinkConfig.QUEUES));
                        LOG.info("Created RocketMQ topic {} with {} queues (the brokers allow topics to be created)", topic,
                                config.getInt(RocketMqSinkConfig.QUEUES));
                        continue;
                    } catch (MQClientException create) {
                        LOG.warn("Cannot create RocketMQ topic {}: {}", topic, create.getErrorMessage());
                    }
                } else {
                    LOG.warn("No route to RocketMQ topic {} yet ({}); retrying", topic, e.getErrorMessage());
                }
            }
            sleep();
        }
    }

    /** Sends a queue's messages in order, in batches; retries transient errors; returns when all are stored. */
    private void sendInOrder(MessageQueue queue, List<Pending> messages) {
        int i = 0;
        while (i < messages.size()) {
            int end = i;
            int bytes = 0;
            while (end < messages.size() && end - i < config.getInt(RocketMqSinkConfig.BATCH)
                    && (end == i || bytes + messages.get(end).message().getBody().length < MAX_BATCH_BYTES)) {
                bytes += messages.get(end).message().getBody().length;
                end++;
            }
            List<Pending> batch = messages.subList(i, end);
            send(queue, batch);
            sent += batch.size();
            i = end;
        }
    }

    private void send(MessageQueue queue, List<Pending> batch) {
        long deadline = System.currentTimeMillis() + config.getLong(RocketMqSettings.RETRY_TIMEOUT);
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                List<Message> ms = batch.stream().map(Pending::message).toList();
                SendResult result = ms.size() == 1 ? producer.send(ms.get(0), queue, config.getInt(RocketMqSinkConfig.SEND_TIMEOUT))
                        : producer.send(ms, queue, config.getInt(RocketMqSinkConfig.SEND_TIMEOUT));
                if (result.getSendStatus() == SendStatus.SEND_OK || result.getSendStatus() == SendStatus.FLUSH_DISK_TIMEOUT
                        || result.getSendStatus() == SendStatus.FLUSH_SLAVE_TIMEOUT) {
                    if (attempt > 1) {
                        LOG.info("RocketMQ {} accepted {} message(s) after {} attempts", queue, batch.size(), attempt);
                    }
                    return; // stored by the master (flush timeouts: stored, not yet on disk/slave)
                }
                LOG.warn("RocketMQ {} answered {}; retrying", queue, result.getSendStatus());
            } catch (MQBrokerException e) {
                if (permanent(e.getResponseCode())) {
                    Pending first = batch.get(0);
                    throw new ConnectException("RocketMQ refused the records " + first.record().topic() + "-"
                            + first.record().kafkaPartition() + "@" + first.record().kafkaOffset() + ".."
                            + batch.get(batch.size() - 1).record().kafkaOffset() + " for " + queue + ": code "
                            + e.getResponseCode() + " " + e.getErrorMessage(), e);
                }
                LOG.warn("RocketMQ broker error on {} (code {}: {}); retrying", queue, e.getResponseCode(), e.getErrorMessage());
            } catch (MQClientException e) {
                if (e.getResponseCode() == ResponseCode.MESSAGE_ILLEGAL) {
                    Pending first = batch.get(0);
                    throw new ConnectException("RocketMQ's client refused the records " + first.record().topic() + "-"
                            + first.record().kafkaPartition() + "@" + first.record().kafkaOffset() + ".."
                            + batch.get(batch.size() - 1).record().kafkaOffset() + ": " + e.getErrorMessage(), e);
                }
                LOG.warn("Sending to RocketMQ {} failed ({}); retrying in {} ms", queue, e.getErrorMessage(),
                        config.getLong(RocketMqSettings.RETRY_BACKOFF));
            } catch (Exception e) {
                // The broker down or unreachable, a timeout: transient.
                LOG.warn("Sending to RocketMQ {} failed ({}); retrying in {} ms", queue, e.getMessage(),
                        config.getLong(RocketMqSettings.RETRY_BACKOFF));
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    throw new RetriableException("interrupted while sending to RocketMQ", e);
                }
            }
            if (System.currentTimeMillis() > deadline) {
                queues.remove(queue.getTopic());
                throw new RetriableException("RocketMQ " + queue + " did not accept " + batch.size() + " message(s) within "
                        + RocketMqSettings.RETRY_TIMEOUT + "; Connect will retry the records");
            }
            sleep();
        }
    }

    private static boolean permanent(int code) {
        return code == ResponseCode.MESSAGE_ILLEGAL || code == ResponseCode.NO_PERMISSION || code == ResponseCode.TOPIC_NOT_EXIST;
    }

    private void sleep() {
        try {
            Thread.sleep(config.getLong(RocketMqSettings.RETRY_BACKOFF));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while waiting to retry", e);
        }
    }

    @Override
    public void stop() {
        if (producer != null) {
            producer.shutdown();
            LOG.info("RocketMQ sink task stopped after sending {} message(s)", sent);
        }
    }
}
