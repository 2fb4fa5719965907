package dev.tandem.source;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** MariaDB GTID positions against the state at the start of the server's oldest binlog. */
class PurgedBinlogTest {

    @Test
    void aPositionCoversTheStateWhenEveryDomainIsAtOrPastIt() {
        assertThat(PurgedBinlog.covers("0-1-120", "0-1-120")).as("read up to the file's start").isTrue();
        assertThat(PurgedBinlog.covers("0-1-130", "0-1-120")).isTrue();
        assertThat(PurgedBinlog.covers("0-1-119", "0-1-120")).as("one transaction purged unread").isFalse();
        assertThat(PurgedBinlog.covers("0-1-130,1-2-7", "0-1-120,1-2-9")).as("behind in domain 1").isFalse();
        assertThat(PurgedBinlog.covers("0-1-130", "0-1-120,1-2-9")).as("a domain never read").isFalse();
        assertThat(PurgedBinlog.covers("0-1-130", "")).as("nothing before the oldest binlog").isTrue();
        assertThat(PurgedBinlog.covers("0-1-130, 0-3-140", "0-3-135")).as("a domain's newest server id wins").isTrue();
    }
}
