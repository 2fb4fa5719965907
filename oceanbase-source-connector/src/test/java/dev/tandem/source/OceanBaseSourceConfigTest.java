package dev.tandem.source;

import dev.tandem.source.core.DebeziumFormat;
import dev.tandem.common.ServerKind;
import dev.tandem.source.core.StartPosition;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OceanBaseSourceConfigTest {

    private static OceanBaseSourceConfig config(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("topic.prefix", "p");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return new OceanBaseSourceConfig(props);
    }

    @Test
    void migrationTypesChooseDebeziumsSnapshotMode() {
        assertThat(config().snapshotMode()).isEqualTo("initial");
        assertThat(config("tandem.migration.types", "full,incremental").snapshotMode()).isEqualTo("initial");
        assertThat(config("tandem.migration.types", "schema,full").snapshotMode()).isEqualTo("initial_only");
        assertThat(config("tandem.migration.types", "incremental").snapshotMode()).isEqualTo("no_data");
        assertThat(config("tandem.migration.types", "incremental").debeziumProperties()).containsEntry("snapshot.mode", "no_data");
    }

    @Test
    void theBinlogRetentionThePrecheckAsksForFollowsTheMigrationTypes() {
        assertThat(config().retentionMinHours()).as("with a full migration: 7 days").isEqualTo(168);
        assertThat(config("tandem.migration.types", "incremental").retentionMinHours()).isEqualTo(48);
        assertThat(config("tandem.migration.types", "incremental", "tandem.precheck.binlog.retention.min.hours", "12")
                .retentionMinHours()).isEqualTo(12);
    }

    @Test
    void fullMigrationPresetsAndTheirOverrides() {
        assertThat(config().chunkedFullMigration()).isTrue();
        assertThat(config().fullTasks()).isEqualTo(2);
        assertThat(config().fullChunkSize()).isEqualTo(20_000);
        assertThat(config().fullRowsPerSecond()).isZero();
        assertThat(config("tandem.full.concurrency", "smooth").fullRowsPerSecond()).isEqualTo(5_000);
        assertThat(config("tandem.full.concurrency", "fast", "tandem.full.chunk.size", "7").fullChunkSize()).isEqualTo(7);
        assertThat(config("tandem.full.concurrency", "fast").fullTasks()).isEqualTo(4);
        assertThat(config().fullProgressTopic()).isEqualTo("__tandem-snapshot.p");
        assertThat(config("tandem.full.reader", "debezium").chunkedFullMigration()).isFalse();
        assertThat(config("tandem.migration.types", "incremental").chunkedFullMigration()).isFalse();
        assertThat(config("snapshot.mode", "no_data").chunkedFullMigration()).as("Debezium's own snapshot mode chosen").isFalse();
        assertThatThrownBy(() -> config("tandem.full.concurrency", "turbo")).hasMessageContaining("smooth, normal or fast");
        assertThat(config("tandem.full.tasks", "4", "tasks.max", "2").crossFieldErrors())
                .containsEntry("tandem.full.tasks", "tandem.full.tasks=4 copy tasks, but tasks.max=2 allows no more than 2: "
                        + "raise tasks.max to 4 or lower tandem.full.tasks");
        assertThat(config("tandem.full.tasks", "2", "tasks.max", "2").crossFieldErrors()).isEmpty();
    }

    @Test
    void schemaAloneOrAnUnknownTypeIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> config("tandem.migration.types", "schema"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("choose 'full' and/or 'incremental'");
        assertThatThrownBy(() -> config("tandem.migration.types", "full,delta"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown migration type 'delta'");
    }

    @Test
    void dmlTypesBecomeDebeziumsSkippedOperations() {
        assertThat(config().skippedOperations()).isEqualTo("t");
        assertThat(config("tandem.dml.types", "insert").skippedOperations()).isEqualTo("u,d,t");
        assertThat(config("tandem.dml.types", "delete, update").skippedOperations()).isEqualTo("c,t");
        assertThatThrownBy(() -> config("tandem.dml.types", "upsert")).hasMessageContaining("unknown DML type 'upsert'");
    }

    @Test
    void theStartPositionCountsOnlyForIncrementalOnlyLinks() {
        assertThat(config("tandem.incremental.start", "binlog:mysql-bin.000042:4").startPosition()).isEmpty();
        assertThat(config("tandem.migration.types", "incremental", "tandem.incremental.start", "binlog:mysql-bin.000042:1234")
                .startPosition()).contains(new StartPosition("mysql-bin.000042", 1234, null));
        assertThat(config("tandem.migration.types", "incremental", "tandem.incremental.start", "gtid:0-1-99")
                .startPosition()).contains(new StartPosition(null, 0, "0-1-99"));
        assertThat(config("tandem.migration.types", "incremental", "tandem.incremental.start", "timestamp:2026-11-25T08:00:00Z")
                .startPosition()).contains(new StartPosition(null, 0, null, 1_795_593_600L));
        assertThat(config("tandem.migration.types", "incremental", "tandem.incremental.start", "timestamp:1795593600")
                .startPosition()).contains(new StartPosition(null, 0, null, 1_795_593_600L));
        assertThatThrownBy(() -> config("tandem.incremental.start", "timestamp:yesterday"))
                .hasMessageContaining("ISO-8601");
        assertThat(config("tandem.migration.types", "incremental").startPosition()).isEmpty();
        assertThatThrownBy(() -> config("tandem.incremental.start", "binlog:only-a-file"))
                .hasMessageContaining("binlog:<file>:<position>");
        assertThatThrownBy(() -> config("tandem.incremental.start", "yesterday"))
                .hasMessageContaining("is not a start position");
    }

    @Test
    void theSelectionBecomesOneDebeziumIncludeRegexWithTheCheckpointTableForActiveActive() {
        OceanBaseSourceConfig c = config("tandem.objects", "shop.orders_*,crm.accounts", "tandem.objects.exclude", "shop.orders_tmp",
                "tandem.region", "west");
        Pattern include = Pattern.compile(c.debeziumProperties().get("table.include.list"));
        assertThat(include.matcher("shop.orders_1").matches()).isTrue();
        assertThat(include.matcher("crm.accounts").matches()).isTrue();
        assertThat(include.matcher("tandem.tandem_checkpoint").matches()).isTrue();
        assertThat(include.matcher("shop.orders_tmp").matches()).isFalse();
        assertThat(include.matcher("shop.customers").matches()).isFalse();
        assertThat(config().debeziumProperties()).doesNotContainKey("table.include.list");
    }

    @Test
    void defaultsTandemReliesOnAreSetUnlessTheUserChoseOtherwise() {
        assertThat(config().debeziumProperties())
                .containsEntry("provide.transaction.metadata", "true")
                .containsEntry("bigint.unsigned.handling.mode", "precise")
                .containsEntry("schema.history.internal.kafka.topic", "p.schema-history")
                .containsEntry("skipped.operations", "t")
                .containsEntry("extended.headers.enabled", "false")
                .containsEntry("poll.interval.ms", "50");
        assertThat(config("bigint.unsigned.handling.mode", "long", "snapshot.mode", "when_needed", "extended.headers.enabled", "true",
                "poll.interval.ms", "500")
                .debeziumProperties())
                .containsEntry("bigint.unsigned.handling.mode", "long")
                .containsEntry("snapshot.mode", "when_needed")
                .containsEntry("extended.headers.enabled", "true")
                .containsEntry("poll.interval.ms", "500");
    }

    @Test
    void crossFieldConflictsNameTheFieldAndBothOptions() {
        assertThat(config("tandem.objects", "a.b", "table.include.list", "a.b").crossFieldErrors())
                .containsKey("tandem.objects");
        assertThat(config("tandem.migration.types", "full", "snapshot.mode", "initial").crossFieldErrors())
                .hasEntrySatisfying("tandem.migration.types", m -> assertThat(m).contains("not both"));
        assertThat(config("tandem.region", "west", "provide.transaction.metadata", "false").crossFieldErrors())
                .hasEntrySatisfying("tandem.region", m -> assertThat(m).contains("needs transaction metadata"));
        assertThat(config("tandem.objects", "a.b$$").crossFieldErrors())
                .hasEntrySatisfying("tandem.objects", m -> assertThat(m).contains("'$$'"));
        assertThat(config().crossFieldErrors()).isEmpty();
    }

    @Test
    void copyingAgainWhenTheBinlogIsPurgedIsForOneWayLinksWithTheChunkedReader() {
        assertThat(config().recopyWhenPurged()).as("fail by default").isFalse();
        assertThat(config("tandem.binlog.purged", "RECOPY").recopyWhenPurged()).isTrue();
        assertThat(config("tandem.binlog.purged", "recopy", "tandem.migration.types", "incremental").crossFieldErrors()).isEmpty();
        assertThat(config("tandem.binlog.purged", "recopy", "tandem.region", "west").crossFieldErrors())
                .hasEntrySatisfying("tandem.binlog.purged", m -> assertThat(m).contains("active-active", "'fail'"));
        assertThat(config("tandem.binlog.purged", "recopy", "tandem.full.reader", "debezium").crossFieldErrors())
                .hasEntrySatisfying("tandem.binlog.purged", m -> assertThat(m).contains("tandem.full.reader=chunked"));
    }

    @Test
    void theFlavourIsRecognisedFromTheServersVersionStrings() {
        assertThat(SourceFlavor.of(ServerKind.of("10.11.6-MariaDB-0+deb12u1-log", "Debian 12"))).isEqualTo(SourceFlavor.MARIADB);
        assertThat(SourceFlavor.of(ServerKind.of("8.0.36", "MySQL Community Server - GPL"))).isEqualTo(SourceFlavor.MYSQL);
        assertThat(SourceFlavor.of(ServerKind.of("5.7.25-OceanBase_CE-v4.2.1.0", "OceanBase_CE 4.2.1.0 (r100000)")))
                .isEqualTo(SourceFlavor.OCEANBASE);
        assertThat(SourceFlavor.MARIADB.format()).isEqualTo(DebeziumFormat.MARIADB);
        assertThat(SourceFlavor.OCEANBASE.format()).as("the Binlog Service speaks MySQL's protocol").isEqualTo(DebeziumFormat.MYSQL);
        assertThat(Precheck.majorMinor("10.11.6-MariaDB")).containsExactly(10, 11);
    }
}
