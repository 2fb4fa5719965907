package dev.tandem.common.select;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ObjectSelectionTest {

    private static final List<String> TABLES = List.of("shop.orders", "shop.orders_archive", "shop.customers",
            "shop.tmp_x", "crm.accounts", "crm.tmp_y", "other.t");

    private static List<String> selected(ObjectSelection s) {
        return TABLES.stream().filter(t -> s.selects(TableId.parse(t))).toList();
    }

    private static List<String> selectedByDebeziumRegex(ObjectSelection s) {
        Pattern p = Pattern.compile(s.toDebeziumTableRegex());
        return TABLES.stream().filter(t -> p.matcher(t).matches()).toList();
    }

    @Test
    void includesMinusExcludes() {
        ObjectSelection s = ObjectSelection.of(List.of("shop.*", "crm.accounts"), List.of("shop.tmp_*", "shop.orders_archive"));
        assertThat(selected(s)).containsExactly("shop.orders", "shop.customers", "crm.accounts");
    }

    @Test
    void noIncludesMeansEverythingButTheExcludes() {
        ObjectSelection s = ObjectSelection.of(List.of(), List.of("*.tmp_*"));
        assertThat(selected(s)).containsExactly("shop.orders", "shop.orders_archive", "shop.customers", "crm.accounts", "other.t");
    }

    @Test
    void theDebeziumRegexSelectsExactlyTheSameTablesAndHasNoComma() {
        for (ObjectSelection s : Stream.of(
                ObjectSelection.of(List.of("shop.*", "crm.accounts"), List.of("shop.tmp_*", "shop.orders_archive")),
                ObjectSelection.of(List.of(), List.of("*.tmp_*")),
                ObjectSelection.of(List.of("shop.orders"), List.of()),
                ObjectSelection.of(List.of("sh?p.order*"), List.of())).toList()) {
            assertThat(selectedByDebeziumRegex(s)).as(s.toString()).isEqualTo(selected(s));
            assertThat(s.toDebeziumTableRegex()).doesNotContain(",");
        }
    }

    @Test
    void tablesThatMustBeCapturedAreAddedToTheIncludes() {
        ObjectSelection s = ObjectSelection.of(List.of("shop.orders"), List.of())
                .including(List.of(TableId.parse("other.t")));
        assertThat(selected(s)).containsExactly("shop.orders", "other.t");
    }
}
