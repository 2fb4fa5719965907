package dev.tandem.rocketmq;

import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.topic.TopicValidator;

/** Topic routes, and creating a missing topic where the brokers allow it ({@code autoCreateTopicEnable}). */
final class RocketMqTopics {

    private RocketMqTopics() {
    }

    /** Whether the brokers create topics on first use: they then publish the route of the default topic (TBW102). */
    static boolean autoCreateAllowed(DefaultMQProducer producer) {
        try {
            return !producer.fetchPublishMessageQueues(TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC).isEmpty();
        } catch (MQClientException e) {
            return false;
        }
    }

    /** Creates {@code topic} with {@code queues} queues on the brokers serving the default topic. */
    static void create(DefaultMQProducer producer, String topic, int queues) throws MQClientException {
        producer.createTopic(TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC, topic, queues, null);
    }
}
