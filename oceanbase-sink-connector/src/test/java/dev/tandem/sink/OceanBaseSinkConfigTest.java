package dev.tandem.sink;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OceanBaseSinkConfigTest {

    private static OceanBaseSinkConfig config(String... keyValues) {
        Map<String, String> props = new HashMap<>(Map.of("connection.url", "jdbc:mariadb://db:3306/", "connection.user", "u"));
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return new OceanBaseSinkConfig(props);
    }

    @Test
    void urlsOfOtherDatabasesAreRefusedWithTheAcceptedForms() {
        assertThatThrownBy(() -> config("connection.url", "jdbc:postgresql://db/x")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("jdbc:mariadb://, jdbc:mysql:// or jdbc:oceanbase://");
    }

    @Test
    void theTableFormatMustNameADatabaseAndATable() {
        assertThat(config("tandem.table.name.format", "copy.${table}").tableFormat()).isEqualTo("copy.${table}");
        assertThatThrownBy(() -> config("tandem.table.name.format", "${table}")).hasMessageContaining("database.table");
        assertThatThrownBy(() -> config("tandem.table.name.format", "${schema}.${table}")).hasMessageContaining("only ${db}");
    }

    @Test
    void theSinksRegionMayNotBeTheSourcesRegion() {
        assertThat(config("tandem.region", "west", "tandem.source.region", "west").crossFieldErrors())
                .hasEntrySatisfying("tandem.region", m -> assertThat(m).contains("would be taken for a change made here"));
        assertThat(config("tandem.region", "west", "tandem.source.region", "east").crossFieldErrors()).isEmpty();
    }

    @Test
    void wholeTransactionsNeedOneTaskAndTheTransactionTopic() {
        assertThat(config("tandem.transactions", "whole", "topics", "east.shop.a,east.transaction").crossFieldErrors()).isEmpty();
        assertThat(config("tandem.transactions", "whole", "topics.regex", "east\\..*").crossFieldErrors()).isEmpty();
        assertThat(config("tandem.transactions", "whole", "topics", "east.shop.a,east.shop.b").crossFieldErrors())
                .hasEntrySatisfying("tandem.transactions", m -> assertThat(m).contains("<topic.prefix>.transaction"));
        assertThat(config("tandem.transactions", "whole", "tasks.max", "3", "topics", "east.transaction").crossFieldErrors())
                .hasEntrySatisfying("tandem.transactions", m -> assertThat(m).contains("tasks.max=1"));
        assertThat(config("tasks.max", "3", "topics", "east.shop.a").crossFieldErrors()).as("batched: any").isEmpty();
    }

    @Test
    void thePasswordIsAPasswordAndNotPrinted() {
        OceanBaseSinkConfig c = config("connection.password", "s3cret");
        assertThat(c.password()).isEqualTo("s3cret");
        assertThat(c.values().get("connection.password").toString()).doesNotContain("s3cret");
        assertThat(OceanBaseSinkConfig.CONFIG_DEF.configKeys().get("connection.password").type)
                .isEqualTo(org.apache.kafka.common.config.ConfigDef.Type.PASSWORD);
    }
}
