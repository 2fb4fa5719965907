package dev.tandem.tidb.cdc;

import dev.tandem.common.select.TableId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionBufferTest {

    private static final TableId ORDERS = new TableId("shop", "orders");
    private static final TableId CHECKPOINT = new TableId("tandem", "tandem_checkpoint");

    private static CdcEvent row(TableId t, String id, long ts) {
        return CdcEvent.row(t, "c", null, Map.of("id", id), ts);
    }

    private static List<String> ids(List<TransactionBuffer.Pending> tx) {
        return tx.stream().map(p -> p.event().after().get("id").toString()).toList();
    }

    @Test
    void aTransactionSpreadOverPartitionsIsReleasedWhenEveryPartitionHasPassedIt() {
        TransactionBuffer b = new TransactionBuffer(List.of(0, 1), true, null, 0);
        b.add(row(ORDERS, "a", 10), 0, 0);
        b.add(row(ORDERS, "b", 10), 1, 0);
        assertThat(b.nextComplete()).isNull(); // more of ts 10 may follow in either partition
        b.add(CdcEvent.watermark(11), 0, 1);
        assertThat(b.nextComplete()).isNull(); // partition 1 has said nothing past 10
        b.add(row(ORDERS, "c", 12), 1, 1);
        assertThat(ids(b.nextComplete())).containsExactly("a", "b");
        assertThat(b.nextComplete()).isNull(); // 12: partition 0 is only past 11
        assertThat(b.oldestPending(1)).isEqualTo(1);
        assertThat(b.oldestPending(0)).isEqualTo(-1);
    }

    @Test
    void transactionsComeOutInCommitTsOrderWithTheCheckpointRowFirst() {
        TransactionBuffer b = new TransactionBuffer(List.of(0, 1), true, CHECKPOINT, 0);
        b.add(row(ORDERS, "late", 20), 0, 0);
        b.add(row(ORDERS, "x", 15), 1, 0);
        b.add(row(CHECKPOINT, "marker", 15), 1, 1);
        b.add(row(ORDERS, "y", 15), 1, 2);
        b.add(CdcEvent.watermark(30), 0, 1);
        b.add(CdcEvent.watermark(30), 1, 3);
        assertThat(ids(b.nextComplete())).containsExactly("marker", "x", "y");
        assertThat(ids(b.nextComplete())).containsExactly("late");
        assertThat(b.nextComplete()).isNull();
    }

    @Test
    void repeatsOfReleasedTransactionsAndOfDdlAreDropped() {
        TransactionBuffer b = new TransactionBuffer(List.of(0, 1), true, null, 10);
        assertThat(b.add(row(ORDERS, "old", 10), 0, 0)).isFalse(); // at or before the resume point
        CdcEvent ddl = CdcEvent.ddl(ORDERS, "ALTER TABLE orders ADD c INT", 12);
        assertThat(b.add(ddl, 0, 1)).isTrue();
        assertThat(b.add(ddl, 1, 0)).isFalse(); // the same DDL sent to every partition
        b.add(CdcEvent.watermark(13), 0, 2);
        b.add(CdcEvent.watermark(13), 1, 1);
        assertThat(b.nextComplete()).hasSize(1);
        assertThat(b.add(row(ORDERS, "again", 12), 1, 2)).isFalse(); // TiCDC's at-least-once repeat
    }

    @Test
    void withoutWatermarksAPartitionReadToItsEndDoesNotHoldBack() {
        TransactionBuffer b = new TransactionBuffer(List.of(0, 1), false, null, 0);
        b.add(row(ORDERS, "a", 10), 0, 0);
        assertThat(b.nextComplete()).isNull(); // partition 1 said nothing, is not known to be idle
        b.idle(1, true);
        assertThat(b.nextComplete()).isNull(); // partition 0 may still hold more of 10
        b.idle(0, true);
        assertThat(ids(b.nextComplete())).containsExactly("a");
    }

    @Test
    void aWatermarkSeenWithoutProtocolWatermarksMakesPartitionsCompleteByThem() {
        TransactionBuffer b = new TransactionBuffer(List.of(0), false, null, 0);
        b.add(CdcEvent.watermark(5), 0, 0);
        b.add(row(ORDERS, "a", 10), 0, 1);
        b.idle(0, true);
        assertThat(b.nextComplete()).isNull(); // idle no longer counts: a watermark past 10 is needed
        b.add(CdcEvent.watermark(11), 0, 2);
        assertThat(ids(b.nextComplete())).containsExactly("a");
    }
}
