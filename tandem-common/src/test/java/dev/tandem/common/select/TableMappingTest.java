package dev.tandem.common.select;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableMappingTest {

    private static Optional<TableId> map(String spec, boolean databases, String table) {
        return TableMapping.parse(spec, databases).map(TableId.parse(table));
    }

    @Test
    void wildcardsCarryWhatTheyMatched() {
        assertThat(map("src_db.*->dst_db.*", false, "src_db.orders")).contains(new TableId("dst_db", "orders"));
        assertThat(map("shop.orders_?->shop.orders_archive_?", false, "shop.orders_7")).contains(new TableId("shop", "orders_archive_7"));
        assertThat(map("shop.orders_?->shop.orders_archive_?", false, "shop.orders_10")).isEmpty();
        assertThat(map("s_*.t_*->d_*.x_*", false, "s_eu.t_items")).contains(new TableId("d_eu", "x_items"));
        assertThat(map("shop.orders->sales.orders_2024", false, "shop.orders")).contains(new TableId("sales", "orders_2024"));
        assertThat(map("shop.orders->sales.orders_2024", false, "shop.orders2")).isEmpty();
    }

    @Test
    void databaseMappingsKeepTableNames() {
        assertThat(map("src_*->dst_*", true, "src_eu.orders")).contains(new TableId("dst_eu", "orders"));
    }

    @Test
    void badMappingsSayWhatIsExpected() {
        assertThatThrownBy(() -> TableMapping.parse("a.b", false)).hasMessageContaining("must be from->to");
        assertThatThrownBy(() -> TableMapping.parse("a.*->b.c", false)).hasMessageContaining("1 wildcard(s) on the left and 0");
        assertThatThrownBy(() -> TableMapping.parse("a->b.c", true)).hasMessageContaining("without a dot");
        assertThatThrownBy(() -> TableMapping.parse("a.b->c", false)).hasMessageContaining("target");
    }
}
