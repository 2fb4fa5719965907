package dev.tandem.status;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProjectPlanTest {

    private static final String AA = """
            {"name": "orders", "mode": "active-active", "objects": "shop.*,crm.customers",
             "regions": [{"name": "east", "host": "db-east", "port": 3306, "user": "tandem", "password": "${env:EAST_DB_PASSWORD}", "serverId": 5201},
                         {"name": "west", "host": "db-west", "port": 2881, "user": "tandem@test", "password": "${env:WEST_DB_PASSWORD}", "serverId": 5202,
                          "url": "jdbc:oceanbase://db-west:2881/"}],
             "sink": {"tandem.conflict.strategy": "last-writer-wins"}}""";

    @Test
    void anActiveActiveProjectIsTheForwardLinkNowAndTheReverseLinkAfterTheSchema() throws Exception {
        ProjectPlan plan = ProjectPlan.of(StatusTopic.JSON.readTree(AA), "kafka:9092");
        assertThat(plan.first()).extracting(ProjectPlan.Connector::name).containsExactly("orders-east-source", "orders-east-to-west");
        assertThat(plan.afterSchema()).extracting(ProjectPlan.Connector::name).containsExactly("orders-west-source", "orders-west-to-east");
        assertThat(plan.forwardLink()).isEqualTo("orders-east-source");

        var eastSource = plan.first().get(0).config();
        assertThat(eastSource).containsEntry("tandem.project", "orders").containsEntry("tandem.region", "east")
                .containsEntry("topic.prefix", "orders-east").containsEntry("tandem.migration.types", "schema,full,incremental")
                .containsEntry("transforms.origin.region", "east").containsEntry("database.password", "${env:EAST_DB_PASSWORD}")
                .containsEntry("schema.history.internal.kafka.bootstrap.servers", "kafka:9092");
        assertThat(plan.afterSchema().get(0).config()).containsEntry("tandem.migration.types", "incremental")
                .containsEntry("tandem.ddl.table.topics", "false");
        assertThat(eastSource).containsEntry("tandem.ddl.table.topics", "true");
        var toWest = plan.first().get(1).config();
        assertThat(toWest).containsEntry("connection.url", "jdbc:oceanbase://db-west:2881/").containsEntry("tandem.region", "west")
                .containsEntry("tandem.source.region", "east").containsEntry("tandem.conflict.strategy", "last-writer-wins");
        Pattern topics = Pattern.compile(toWest.get("topics.regex"));
        assertThat(topics.matcher("orders-east.shop.items").matches()).isTrue();
        assertThat(topics.matcher("orders-east.crm.customers").matches()).isTrue();
        assertThat(topics.matcher("orders-east.transaction").matches()).isTrue();
        assertThat(topics.matcher("orders-west.shop.items").matches()).as("the other region's topics").isFalse();
        assertThat(topics.matcher("orders-east.hr.people").matches()).isFalse();
    }

    @Test
    void aOneWayProjectIsOneLinkWithoutRegions() throws Exception {
        ProjectPlan plan = ProjectPlan.of(StatusTopic.JSON.readTree(AA.replace("active-active", "one-way")), "kafka:9092");
        assertThat(plan.afterSchema()).isEmpty();
        assertThat(plan.first().get(0).config()).doesNotContainKeys("tandem.region", "transforms");
        assertThat(Pattern.compile(plan.first().get(1).config().get("topics.regex")).matcher("orders-east.transaction").matches())
                .isFalse();
    }

    @Test
    void aWrongDescriptionNamesTheField() {
        assertThatThrownBy(() -> ProjectPlan.of(StatusTopic.JSON.readTree(AA.replace("\"orders\"", "\"bad name\"")), "k"))
                .hasMessageStartingWith("name:");
        assertThatThrownBy(() -> ProjectPlan.of(StatusTopic.JSON.readTree(AA.replace("\"host\": \"db-west\", ", "")), "k"))
                .hasMessage("regions[1].host: missing");
        assertThatThrownBy(() -> ProjectPlan.of(StatusTopic.JSON.readTree(AA.replace("active-active", "ring")), "k"))
                .hasMessageStartingWith("mode:");
    }
}
