package dev.tandem.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerKindTest {

    @Test
    void theProductIsRecognisedFromItsVersionStrings() {
        assertThat(ServerKind.of("10.11.6-MariaDB-0+deb12u1-log", "Debian 12")).isEqualTo(ServerKind.MARIADB);
        assertThat(ServerKind.of("8.0.36", "MySQL Community Server - GPL")).isEqualTo(ServerKind.MYSQL);
        assertThat(ServerKind.of("5.7.25-OceanBase_CE-v4.2.1.0", "OceanBase_CE 4.2.1.0 (r100000)")).isEqualTo(ServerKind.OCEANBASE);
        assertThat(ServerKind.of("8.0.11-TiDB-v7.5.0", "")).isEqualTo(ServerKind.TIDB);
        assertThat(ServerKind.of(null, null)).isEqualTo(ServerKind.MYSQL);
        assertThat(ServerKind.isSystemDatabase("INFORMATION_SCHEMA")).isTrue();
        assertThat(ServerKind.isSystemDatabase("metrics_schema")).as("TiDB's").isTrue();
        assertThat(ServerKind.isSystemDatabase("shop")).isFalse();
    }

    @Test
    void presetsAreOceanBaseMigrationServicesThreeSizes() {
        assertThat(Preset.named(" Smooth ")).isEqualTo(Preset.SMOOTH);
        assertThat(Preset.SMOOTH.rowsPerSecond).as("smooth is rate-limited").isPositive();
        assertThat(Preset.FAST.concurrency).isGreaterThan(Preset.NORMAL.concurrency);
        assertThat(Preset.NORMAL.concurrency).isGreaterThan(Preset.SMOOTH.concurrency);
        assertThatThrownBy(() -> Preset.named("quick")).hasMessageContaining("smooth, normal or fast");
    }
}
