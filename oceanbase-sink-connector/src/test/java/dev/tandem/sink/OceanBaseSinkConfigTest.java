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
        assertThat(config("tandem.transactions", "whole", "topics.regex", "east\\.shop\\..*").crossFieldErrors())
                .as("a regex starting with the prefix that misses its transaction topic")
                .hasEntrySatisfying("tandem.transactions", m -> assertThat(m).contains("topics.regex"));
        assertThat(config("tandem.transactions", "whole", "topics.regex", "(east|north)\\..*").crossFieldErrors())
                .as("a regex that does not start with the prefix: taken as it is").isEmpty();
        assertThat(config("tasks.max", "3", "topics", "east.shop.a").crossFieldErrors()).as("batched: any").isEmpty();
    }

    @Test
    void wholeTransactionsAreTheDefaultForActiveActiveSinksThatReadTheTransactionTopic() {
        String[] activeActive = {"tandem.region", "west", "tandem.source.region", "east"};
        assertThat(config(with(activeActive, "topics.regex", "east\\.(shop\\..*|transaction)")).wholeTransactions()).isTrue();
        assertThat(config(with(activeActive, "topics", "east.shop.a,east.transaction")).wholeTransactions()).isTrue();
        OceanBaseSinkConfig noTopic = config(with(activeActive, "topics.regex", "east\\.shop\\..*"));
        assertThat(noTopic.wholeTransactions()).isFalse();
        assertThat(noTopic.transactionsChoice()).contains("batched", "transaction topic is not among the topics");
        assertThat(config(with(activeActive, "topics", "east.transaction", "tasks.max", "2")).transactionsChoice())
                .contains("batched", "tasks.max");
        assertThat(config("topics", "east.shop.a,east.transaction").transactionsChoice()).as("one-way")
                .contains("batched", "one-way");
        assertThat(config(with(activeActive, "topics", "east.transaction", "tandem.transactions", "batched")).wholeTransactions())
                .isFalse();
        assertThat(config(with(activeActive, "topics", "east.shop.a", "tasks.max", "4")).crossFieldErrors())
                .as("auto never fails validation").isEmpty();
    }

    private static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void thePasswordIsAPasswordAndNotPrinted() {
        OceanBaseSinkConfig c = config("connection.password", "s3cret");
        assertThat(c.password()).isEqualTo("s3cret");
        assertThat(c.values().get("connection.password").toString()).doesNotContain("s3cret");
        assertThat(OceanBaseSinkConfig.CONFIG_DEF.configKeys().get("connection.password").type)
                .isEqualTo(org.apache.kafka.common.config.ConfigDef.Type.PASSWORD);
    }

    @Test
    void policiesAreReadAsEnumsAndRetriesBackOffUpToAMinute() {
        assertThat(config().nonEmptyPolicy()).isEqualTo(dev.tandem.sink.apply.NonEmptyTables.FAIL);
        assertThat(config("tandem.destination.nonempty", "keep").nonEmptyPolicy()).isEqualTo(dev.tandem.sink.apply.NonEmptyTables.KEEP);
        assertThatThrownBy(() -> config("tandem.destination.nonempty", "merge")).hasMessageContaining("one of: fail, overwrite, keep");
        assertThat(config("tandem.ddl.unsupported", "skip").unsupportedDdl()).isEqualTo(dev.tandem.sink.schema.UnsupportedDdl.SKIP);
        assertThat(dev.tandem.sink.apply.Backoff.delayMs(500, 0)).isEqualTo(500);
        assertThat(dev.tandem.sink.apply.Backoff.delayMs(500, 3)).isEqualTo(4_000);
        assertThat(dev.tandem.sink.apply.Backoff.delayMs(500, 40)).isEqualTo(60_000);
    }
}
