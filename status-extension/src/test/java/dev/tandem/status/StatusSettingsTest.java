package dev.tandem.status;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatusSettingsTest {

    @Test
    void theWorkersSettingsGiveTheTopicAndTheClients() {
        StatusSettings s = StatusSettings.from(Map.of("group.id", "connect-east", "bootstrap.servers", "k1:9092",
                "security.protocol", "SASL_SSL", "sasl.jaas.config", "secret", "offset.flush.interval.ms", "1000",
                "tandem.status.client.client.dns.lookup", "use_all_dns_ips"));
        assertThat(s.topic()).isEqualTo("__tandem-status.connect-east");
        assertThat(s.intervalMs()).isEqualTo(5000);
        assertThat(s.clients()).containsOnlyKeys("bootstrap.servers", "security.protocol", "sasl.jaas.config", "client.dns.lookup");
        assertThat(StatusSettings.from(Map.of()).clients()).containsEntry("bootstrap.servers", "localhost:9092");
        assertThat(StatusSettings.from(Map.of("tandem.status.topic", "ops-status")).topic()).isEqualTo("ops-status");
        assertThatThrownBy(() -> StatusSettings.from(Map.of("tandem.status.interval.ms", "10")))
                .hasMessageContaining("tandem.status.interval.ms");
    }

    @Test
    void theRestSchemeComesFromTheAdvertisedListenerElseTheFirstListener() {
        assertThat(StatusSettings.from(Map.of()).restScheme()).isEqualTo("http");
        assertThat(StatusSettings.from(Map.of("listeners", "HTTPS://:8443,http://localhost:8083")).restScheme()).isEqualTo("https");
        assertThat(StatusSettings.from(Map.of("listeners", "http://:8083,https://:8443", "rest.advertised.listener", "https"))
                .restScheme()).isEqualTo("https");
    }
}
