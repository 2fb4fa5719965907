package dev.tandem.testkit;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Parsing of mariadb-binlog --verbose output (the lines below are shaped as MariaDB 10.11 prints them). */
class BinlogAuditTest {

    private static final String TEXT = String.join("\n",
            "#261125 17:48:20 server id 7  end_log_pos 364 CRC32 0x1b05a5a2 \tGTID 0-7-1 ddl",
            "create table d.t(a int primary key, o varchar(10))",
            "#261125 17:48:20 server id 7  end_log_pos 651 CRC32 0xc253047e \tGTID 0-7-2 trans",
            "### INSERT INTO `d`.`t`",
            "### SET",
            "###   @1=1",
            "###   @2='east'",
            "COMMIT/*!*/;",
            "#261125 17:48:20 server id 7  end_log_pos 866 CRC32 0x26e10d3d \tGTID 0-7-3 trans",
            "### UPDATE `tandem`.`tandem_checkpoint`",
            "### WHERE",
            "###   @1='e-to-w'",
            "###   @4='north'",
            "### SET",
            "###   @1='e-to-w'",
            "###   @2='east.d.t'",
            "###   @3=0",
            "###   @4='east'",
            "###   @5=17",
            "### INSERT INTO `d`.`t`",
            "### SET",
            "###   @1=2",
            "###   @4='not a marker'",
            "### DELETE FROM `d`.`u`",
            "### WHERE",
            "###   @1=3",
            "COMMIT/*!*/;",
            "#261125 17:48:20 server id 7  end_log_pos 900 CRC32 0x26e10d3d \tGTID 0-7-4 trans",
            "### INSERT INTO `d`.`t`",
            "### SET",
            "###   @1=5",
            "### INSERT INTO `tandem`.`tandem_checkpoint`",
            "### SET",
            "###   @4='west'",
            "COMMIT/*!*/;",
            "#261125 17:48:21 server id 7  end_log_pos 990 CRC32 0x26e10d3e \tGTID 0-7-5 trans",
            "### UPDATE `tandem`.`tandem_checkpoint`",
            "### WHERE",
            "###   @1='e-to-w'",
            "###   @4='east'",
            "### SET",
            "###   @1='e-to-w'",
            "###   @4=''",
            "### INSERT INTO `tandem`.`tandem_checkpoint`",
            "### SET",
            "###   @1='e-to-w'",
            "###   @4=''",
            "###   @5=-1 (18446744073709551615)",
            "COMMIT/*!*/;");

    @Test
    void classifiesDdlLocalAndReplicatedTransactions() {
        List<BinlogAudit.Transaction> all = BinlogAudit.parse(TEXT, 0, "tandem.tandem_checkpoint", 4);
        assertThat(all).extracting(BinlogAudit.Transaction::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(all.get(0).ddl()).isTrue();
        assertThat(all.get(1).local()).isTrue();
        assertThat(all.get(1).rows()).isEqualTo(1);
        assertThat(all.get(2).origin()).as("the after image of the head checkpoint row").isEqualTo("east");
        assertThat(all.get(2).rows()).isEqualTo(2);
        assertThat(all.get(2).tables()).containsExactly("d.t", "d.u");
        assertThat(all.get(2).checkpoints()).as("the head checkpoint row's SET image").containsExactly(
                java.util.Map.entry("e-to-w/east.d.t-0", 17L));
        assertThat(all.get(3).checkpoints()).as("no checkpoint row at the head").isEmpty();
        assertThat(all.get(3).origin()).as("a checkpoint row that does not head the transaction is no marker").isNull();
        // seq 5, a sink task claiming two partitions (empty origin, no data), is no change: left out
    }

    @Test
    void skipsTransactionsUpToTheGivenSequence() {
        assertThat(BinlogAudit.parse(TEXT, 2, "tandem.tandem_checkpoint", 4)).extracting(BinlogAudit.Transaction::seq)
                .containsExactly(3L, 4L);
    }
}
