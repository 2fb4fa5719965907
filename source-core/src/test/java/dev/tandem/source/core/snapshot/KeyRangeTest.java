package dev.tandem.source.core.snapshot;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeyRangeTest {

    @Test
    void oneColumnBounds() {
        assertThat(KeyRange.of(List.of("`id`"), List.of(BigInteger.ONE), List.of(BigInteger.TEN)).condition())
                .isEqualTo("`id` > ? AND `id` <= ?");
        assertThat(KeyRange.of(List.of("`id`"), null, List.of(BigInteger.TEN)).where()).isEqualTo(" WHERE `id` <= ?");
        assertThat(KeyRange.of(List.of("`id`"), null, null).where()).isEmpty();
    }

    @Test
    void compositeBoundsAreSpelledOutForTheIndexRange() {
        String lower = KeyRange.of(List.of("`a`", "`b`", "`c`"), List.of("x", BigInteger.TWO, "z"), null).condition();
        assertThat(lower).isEqualTo("(`a` > ? OR (`a` = ? AND `b` > ?) OR (`a` = ? AND `b` = ? AND `c` > ?))");
        String upper = KeyRange.of(List.of("`a`", "`b`"), null, List.of("x", BigInteger.TWO)).condition();
        assertThat(upper).isEqualTo("(`a` < ? OR (`a` = ? AND `b` <= ?))");
    }

    @Test
    void keysSurviveTheirTextFormExactly() {
        List<Object> key = List.of(new BigInteger("18446744073709551615"), new BigDecimal("-12.3400"), "a|b\\c",
                new byte[] {0, (byte) 0xff}, "2024-02-29 12:34:56.123456");
        List<Object> back = KeyValues.decode(KeyValues.encode(key));
        assertThat(back.get(0)).isEqualTo(key.get(0));
        assertThat(back.get(1)).isEqualTo(key.get(1));
        assertThat(back.get(2)).isEqualTo("a|b\\c");
        assertThat((byte[]) back.get(3)).containsExactly(0, 0xff);
        assertThat(back.get(4)).isEqualTo(key.get(4));
        assertThat(KeyValues.decode(KeyValues.encode(null))).isNull();
    }

    @Test
    void plansSurviveTheirPackedForm() {
        var table = new dev.tandem.common.select.TableId("shop", "order|lines");
        List<Chunk> chunks = List.of(new Chunk(table, 0, null, List.of(BigInteger.valueOf(10), "b")),
                new Chunk(table, 1, List.of(BigInteger.valueOf(10), "b"), null));
        TablePlan t = new TablePlan(table, List.of("id", "part"), 20, chunks);
        SnapshotPlan plan = new SnapshotPlan("p1", new dev.tandem.source.core.StartPosition("binlog.000002", 4242, "0-1-17"), List.of(t));
        SnapshotPlan back = SnapshotPlan.unpack(plan.pack());
        assertThat(back.id()).isEqualTo("p1");
        assertThat(back.position()).isEqualTo(plan.position());
        assertThat(back.tableNames()).containsExactly("shop.order|lines");
        assertThat(back.chunks()).extracting(Chunk::id).containsExactly("shop.order|lines#0", "shop.order|lines#1");
        assertThat(back.chunks().get(1).lower()).isEqualTo(List.of(BigInteger.valueOf(10), "b"));
        assertThat(back.chunks().get(1).upper()).isNull();
        assertThat(back.table(table).keyColumns()).containsExactly("id", "part");
        assertThat(plan.withTables(List.of()).packHeader()).isEqualTo(plan.packHeader());
    }
}
