package dev.tandem.common;

import org.apache.kafka.connect.header.ConnectHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourceRunTest {

    @Test
    void aRunTravelsAsAHeaderAndRunsOfOneSourceAreOrderedByTheirStart() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(TandemHeaders.SOURCE_RUN, new SourceRun("east@shop", 1_700_000_000_123L).toString());
        SourceRun run = SourceRun.of(headers);
        assertThat(run).as("a connector name may hold '@'").isEqualTo(new SourceRun("east@shop", 1_700_000_000_123L));
        assertThat(run.before(new SourceRun("east@shop", 1_700_000_000_124L))).isTrue();
        assertThat(run.before(new SourceRun("east@shop", 1_700_000_000_123L))).isFalse();
        assertThat(run.before(new SourceRun("west", 1_800_000_000_000L))).as("runs of different sources are not ordered").isFalse();
        assertThat(SourceRun.of(new ConnectHeaders())).isNull();
        assertThat(SourceRun.parse("not a run")).isNull();
    }
}
