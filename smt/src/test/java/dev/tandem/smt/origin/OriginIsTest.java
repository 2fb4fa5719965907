package dev.tandem.smt.origin;

import dev.tandem.common.TandemHeaders;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OriginIsTest {

    private static SinkRecord record(String origin, Object value) {
        ConnectHeaders headers = new ConnectHeaders();
        if (origin != null) {
            headers.addString(TandemHeaders.ORIGIN, origin);
        }
        return new SinkRecord("t", 0, Schema.STRING_SCHEMA, "k", null, value, 0L, 0L, null, headers);
    }

    private static OriginIs<SinkRecord> predicate(Map<String, String> config) {
        OriginIs<SinkRecord> p = new OriginIs<>();
        p.configure(config);
        return p;
    }

    @Test
    void matchesTheConfiguredRegionsOnly() {
        OriginIs<SinkRecord> p = predicate(Map.of("regions", "west, north"));
        assertThat(p.test(record("west", "v"))).isTrue();
        assertThat(p.test(record("north", "v"))).isTrue();
        assertThat(p.test(record("east", "v"))).isFalse();
    }

    @Test
    void theLastOriginHeaderWins() {
        SinkRecord r = record("east", "v");
        r.headers().addString(TandemHeaders.ORIGIN, "west");
        assertThat(predicate(Map.of("regions", "west")).test(r)).isTrue();
    }

    @Test
    void recordsWithoutOriginMatchOnlyWhenAskedTo() {
        assertThat(predicate(Map.of("regions", "west")).test(record(null, "v"))).isFalse();
        assertThat(predicate(Map.of("regions", "west", "match.missing", "true")).test(record(null, "v"))).isTrue();
    }

    @Test
    void tombstonesAreJudgedByTheirHeaderToo() {
        assertThat(predicate(Map.of("regions", "west")).test(record("west", null))).isTrue();
    }

    @Test
    void anEmptyRegionListIsAConfigErrorThatSaysWhatIsExpected() {
        assertThatThrownBy(() -> predicate(Map.of("regions", "")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("regions")
                .hasMessageContaining("needs at least one region name");
        assertThatThrownBy(() -> predicate(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("regions");
    }
}
