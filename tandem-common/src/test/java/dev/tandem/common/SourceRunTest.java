package dev.tandem.common;

import java.util.List;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
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

    @Test
    void stampNamesTheRunOnEveryRecordOfAPoll() {
        SourceRun run = new SourceRun("east", 42L);
        List<SourceRecord> records = List.of(
                new SourceRecord(null, null, "east.shop.a", null, "one"),
                new SourceRecord(null, null, "east.shop.b", null, "two"));
        assertThat(run.stamp(records)).isSameAs(records);
        assertThat(records).allSatisfy(r -> assertThat(SourceRun.of(r.headers())).isEqualTo(run));
        assertThat(run.stamp((List<SourceRecord>) null)).as("a poll with nothing").isNull();
    }
}
