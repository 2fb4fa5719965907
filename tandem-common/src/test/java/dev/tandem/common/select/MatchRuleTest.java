package dev.tandem.common.select;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MatchRuleTest {

    private static boolean matches(String rule, String table) {
        return MatchRule.parse(rule).matches(TableId.parse(table));
    }

    @Test
    void explicitNamesMatchExactlyAndCaseSensitively() {
        assertThat(matches("shop.orders", "shop.orders")).isTrue();
        assertThat(matches("shop.orders", "shop.orders2")).isFalse();
        assertThat(matches("shop.orders", "Shop.orders")).isFalse();
    }

    @Test
    void starAndQuestionMarkStayInsideTheirPart() {
        assertThat(matches("shop.*", "shop.orders")).isTrue();
        assertThat(matches("shop*.orders", "shop_eu.orders")).isTrue();
        assertThat(matches("shop_?.orders_*", "shop_1.orders_2024")).isTrue();
        assertThat(matches("shop_?.orders_*", "shop_12.orders_2024")).isFalse();
        assertThat(matches("*.orders", "a.orders")).isTrue();
        assertThat(matches("*.orders", "a.orders_x")).isFalse();
    }

    @Test
    void regexCharactersInNamesAreLiteral() {
        assertThat(matches("a+b.t(1)", "a+b.t(1)")).isTrue();
        assertThat(matches("a+b.t(1)", "aab.t1")).isFalse();
    }

    @Test
    void malformedRulesAndDoubleDollarNamesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> MatchRule.parse("orders")).hasMessageContaining("must be database.table");
        assertThatThrownBy(() -> MatchRule.parse("a.b.c")).hasMessageContaining("must be database.table");
        assertThatThrownBy(() -> MatchRule.parse("shop.ord$$ers")).hasMessageContaining("contains '$$'");
    }
}
