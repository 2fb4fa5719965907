package dev.tandem.status;

import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatusMBeansTest {

    @Test
    void eachLinkAndProjectIsABeanUntilItIsGone() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        ConnectorInfo.State running = new ConnectorInfo.State("RUNNING", "w1:8083", null);
        ConnectorInfo source = new ConnectorInfo("east-source", "orders", true, Map.of("topic.prefix", "east"), running,
                List.of(new ConnectorInfo.Task(0, running)));
        ProjectView.Result result = new ProjectView(10_000).view("orders", List.of(source), Map.of());
        try (StatusMBeans beans = new StatusMBeans(server)) {
            beans.show(Map.of("orders", result));
            ObjectName link = new ObjectName("tandem:type=link,project=orders,link=east-source,kind=sync");
            assertThat(server.getAttribute(link, "state")).isEqualTo(1.0);
            assertThat(server.getAttribute(new ObjectName("tandem:type=project,project=orders"), "links")).isEqualTo(1.0);
            assertThat(server.getMBeanInfo(link).getAttributes()).extracting(a -> a.getName())
                    .contains("delay_ms", "checkpoint_ms", "binlog_retention_headroom_seconds", "verification_differences");

            assertThat(StatusMBeans.value("a,b")).isEqualTo("\"a,b\"");

            beans.show(Map.of());
            assertThat(server.isRegistered(link)).as("the project was deleted").isFalse();
        }
    }
}
