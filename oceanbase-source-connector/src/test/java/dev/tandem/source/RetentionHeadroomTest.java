package dev.tandem.source;

import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RetentionHeadroomTest {

    private static final long DAY = 86_400;

    private static List<SourceRecord> changeCommittedAt(long millis) {
        return List.of(new SourceRecord(Map.of(), Map.of(), "p.db.t", null, null, null,
                Map.of("op", "u", "source", Map.of("ts_ms", millis))));
    }

    @Test
    void theHeadroomShrinksByHowFarBehindTheStreamIs() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        RetentionHeadroom headroom = new RetentionHeadroom(2 * DAY, now::get);
        assertThat(headroom.headroomSeconds()).as("nothing read yet").isEqualTo(2.0 * DAY);

        headroom.polled(changeCommittedAt(now.get() - 3_600_000)); // reading a change an hour old, more waiting
        assertThat(headroom.headroomSeconds()).isCloseTo(2.0 * DAY - 3_600, within(0.001));
        assertThat(headroom.behindMillis()).as("the stream's lag").isEqualTo(3_600_000);

        headroom.polled(List.of());
        assertThat(headroom.behindMillis()).as("caught up").isZero();
        assertThat(headroom.headroomSeconds()).as("caught up: a stop now loses nothing for the whole retention")
                .isEqualTo(2.0 * DAY);

        headroom.polled(changeCommittedAt(now.get()));
        headroom.notReading(); // the server went away
        now.addAndGet(DAY * 1000);
        assertThat(headroom.headroomSeconds()).as("a day without reading").isCloseTo(1.0 * DAY, within(0.001));
        now.addAndGet(2 * DAY * 1000);
        assertThat(headroom.headroomSeconds()).as("past the retention: binlog the link needs may be gone").isNegative();
    }

    @Test
    void aServerThatNeverPurgesByAgeHasNoLimit() {
        RetentionHeadroom headroom = new RetentionHeadroom(Double.NaN, () -> 0L);
        headroom.polled(changeCommittedAt(1L));
        assertThat(headroom.headroomSeconds()).isNaN();
    }

    @Test
    void recordsWithoutASourceTimestampKeepTheLastOne() {
        AtomicLong now = new AtomicLong(10_000_000L);
        RetentionHeadroom headroom = new RetentionHeadroom(DAY, now::get);
        headroom.polled(changeCommittedAt(now.get() - 60_000));
        headroom.polled(List.of(new SourceRecord(Map.of(), Map.of(), "p.transaction", null, null, null,
                Map.of("status", "END", "id", "0-1-9"))));
        assertThat(headroom.headroomSeconds()).isCloseTo(DAY - 60.0, within(0.001));
    }
}
