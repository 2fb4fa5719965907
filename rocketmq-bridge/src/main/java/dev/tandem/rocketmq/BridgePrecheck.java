package dev.tandem.rocketmq;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code config/validate} checks on RocketMQ: the name server answers, and each named topic
 * has a route (exists, or the broker creates topics on first use). Errors by field, with the fix.
 */
final class BridgePrecheck {

    private BridgePrecheck() {
    }

    /** {@code creatable}: whether a missing topic is fine when the brokers create topics on first use (a sink's, not a source's). */
    static Map<String, String> run(AbstractConfig config, List<String> topics, boolean creatable) {
        Map<String, String> errors = new LinkedHashMap<>();
        DefaultMQProducer probe = new DefaultMQProducer("tandem_precheck", RocketMqSettings.aclHook(config));
        probe.setNamesrvAddr(config.getString(RocketMqSettings.NAMESRV));
        probe.setInstanceName("tandem-precheck-" + System.nanoTime());
        probe.setMqClientApiTimeout(5000);
        try {
            probe.start();
            try {
                var cluster = probe.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getBrokerClusterInfo(5000);
                if (cluster.getBrokerAddrTable() == null || cluster.getBrokerAddrTable().isEmpty()) {
                    errors.put(RocketMqSettings.NAMESRV, "the name server " + config.getString(RocketMqSettings.NAMESRV)
                            + " knows no broker: start one (or wait for it to register)");
                    return errors;
                }
            } catch (Exception e) {
                errors.put(RocketMqSettings.NAMESRV, "no RocketMQ name server answers at " + config.getString(RocketMqSettings.NAMESRV)
                        + ": " + e.getMessage());
                return errors;
            }
            boolean autoCreate = creatable && RocketMqTopics.autoCreateAllowed(probe);
            for (String topic : topics) {
                try {
                    probe.fetchPublishMessageQueues(topic);
                } catch (MQClientException e) {
                    if (autoCreate) {
                        continue; // created on first use
                    }
                    errors.merge(RocketMqSinkConfig.TOPIC_MAP, "RocketMQ topic " + topic + " does not exist: create it "
                            + "(mqadmin updateTopic -n <namesrv> -c <cluster> -t " + topic + ")"
                            + (creatable ? " or enable the broker's autoCreateTopicEnable" : ""), (a, b) -> a + "; " + b);
                }
            }
        } catch (MQClientException e) {
            errors.put(RocketMqSettings.NAMESRV, "cannot reach RocketMQ at " + config.getString(RocketMqSettings.NAMESRV) + ": "
                    + e.getErrorMessage());
        } finally {
            probe.shutdown();
        }
        return errors;
    }
}
