package dev.tandem.tidb;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TidbSourceConfigTest {

    private static Map<String, String> props(String... extra) {
        Map<String, String> p = new java.util.HashMap<>(Map.of("name", "t", TidbSourceConfig.HOST, "tidb.invalid",
                TidbSourceConfig.USER, "reader", TidbSourceConfig.PREFIX, "tidb"));
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return p;
    }

    @Test
    void theStreamNeedsItsTopicAndKafkaAndWithoutSnapshotItsStartTso() {
        assertThat(new TidbSourceConfig(props()).crossFieldErrors()).containsOnlyKeys(TidbSourceConfig.CDC_TOPIC,
                TidbSourceConfig.CDC_BOOTSTRAP);
        assertThat(new TidbSourceConfig(props(TidbSourceConfig.SNAPSHOT_MODE, "initial_only")).crossFieldErrors()).isEmpty();
        assertThat(new TidbSourceConfig(props(TidbSourceConfig.SNAPSHOT_MODE, "never", TidbSourceConfig.CDC_TOPIC, "t",
                TidbSourceConfig.CDC_BOOTSTRAP, "k:9092")).crossFieldErrors()).containsOnlyKeys(TidbSourceConfig.START_TSO);
        assertThat(new TidbSourceConfig(props(TidbSourceConfig.SNAPSHOT_MODE, "initial_only", TidbSourceConfig.CDC_TIME_ZONE,
                "Mars/Olympus")).crossFieldErrors()).containsOnlyKeys(TidbSourceConfig.CDC_TIME_ZONE);
    }

    @Test
    void debeziumGetsTandemsDefaultsTheTablesAndThePassword() {
        Map<String, String> d = new TidbSourceConfig(props(TidbSourceConfig.OBJECTS, "shop.*", TidbSourceConfig.PASSWORD, "s3",
                TidbSourceConfig.REGION, "east")).debeziumProperties();
        assertThat(d).containsEntry("bigint.unsigned.handling.mode", "precise").containsEntry("provide.transaction.metadata",
                "true").containsEntry("database.password", "s3").containsEntry("database.port", "4000");
        assertThat(d.get("table.include.list")).contains("shop").contains("tandem_checkpoint");
        assertThat(new TidbSourceConfig(props(TidbSourceConfig.PASSWORD, "s3")).toString()).doesNotContain("s3");
    }

    @Test
    void consumerOptionsPassThroughTheirPrefix() {
        Map<String, Object> c = new TidbSourceConfig(props(TidbSourceConfig.CDC_BOOTSTRAP, "k:9092",
                "tidb.cdc.consumer.security.protocol", "SASL_SSL")).consumerProperties();
        assertThat(c).containsEntry("bootstrap.servers", "k:9092").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("enable.auto.commit", "false");
    }

    @Test
    void goDurationsOfTidbGcLifeTime() {
        assertThat(TidbPrecheck.goDurationMinutes("10m0s")).isEqualTo(10);
        assertThat(TidbPrecheck.goDurationMinutes("1h30m0s")).isEqualTo(90);
        assertThat(TidbPrecheck.goDurationMinutes("24h")).isEqualTo(1440);
        assertThat(TidbPrecheck.goDurationMinutes("90s")).isEqualTo(1);
    }
}
