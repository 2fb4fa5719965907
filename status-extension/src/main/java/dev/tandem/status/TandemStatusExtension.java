package dev.tandem.status;

import dev.tandem.common.TandemVersion;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Tandem's status REST extension for a Connect worker ({@code rest.extension.classes=
 * dev.tandem.status.TandemStatusExtension}): serves {@code /tandem/v1/projects} and the console
 * {@code /tandem/ui/} on the worker's REST listener, and has the worker sample its Tandem tasks into the cluster's status topic.
 * Worker options: {@code tandem.status.topic} (default {@code __tandem-status.<group.id>}),
 * {@code tandem.status.interval.ms} (5000), {@code tandem.status.switchover.max.delay.ms} (10000),
 * and {@code tandem.status.client.*} for the status topic's Kafka clients.
 */
public class TandemStatusExtension implements ConnectRestExtension {

    private static final Logger LOG = LoggerFactory.getLogger(TandemStatusExtension.class);

    private StatusSettings settings;
    private StatusTopic topic;
    private StatusPublisher publisher;
    private StatusMBeans beans;
    private PendingLinks pending;

    @Override
    public void configure(Map<String, ?> configs) {
        settings = StatusSettings.from(configs);
    }

    @Override
    public void register(ConnectRestExtensionContext context) {
        topic = new StatusTopic(settings);
        topic.start();
        ProjectView view = new ProjectView(settings.switchoverMaxDelayMs());
        beans = new StatusMBeans();
        publisher = new StatusPublisher(context.clusterState(), topic, new MetricSampler(), view, settings.intervalMs(), beans);
        publisher.start();
        pending = new PendingLinks(context.clusterState(), topic, settings);
        context.configurable().register(new ProjectsResource(context.clusterState(), topic, view, settings.bootstrapServers(),
                pending));
        context.configurable().register(new ConsoleResource());
        LOG.info("Tandem status: /tandem/v1/projects and the console /tandem/ui/, sampling every {} ms into {}",
                settings.intervalMs(), settings.topic());
    }

    @Override
    public void close() {
        if (pending != null) {
            pending.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (topic != null) {
            topic.close();
        }
        if (beans != null) {
            beans.close();
        }
    }

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }
}
