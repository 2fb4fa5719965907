package dev.tandem.smt.filter;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowConditionTest {

    /** A row image of plain values (as a schemaless record carries them) or logical-typed ones. */
    private static RowCondition.Row row(Object... namesAndValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return new RowCondition.Row() {
            @Override
            public boolean has(String column) {
                return values.containsKey(column);
            }

            @Override
            public Object value(String column) {
                return values.get(column);
            }
        };
    }

    private static boolean test(String condition, Object... row) {
        return RowCondition.parse(condition, true).test(row(row));
    }

    private static BigDecimal n(String v) {
        return new BigDecimal(v);
    }

    @Test
    void theIssuesExampleWithBackquotedColumns() {
        String c = "`amount` > 100 AND `region` IN ('hz','sh')";
        assertThat(test(c, "amount", n("100.01"), "region", "hz")).isTrue();
        assertThat(test(c, "amount", n("100"), "region", "hz")).isFalse();
        assertThat(test(c, "amount", n("500"), "region", "bj")).isFalse();
        assertThat(RowCondition.parse(c, true).columns()).containsExactly("amount", "region");
    }

    @Test
    void inBindsTighterThanAndAndOr() {
        assertThat(test("region IN ('hz','sh') AND amount > 100", "region", "hz", "amount", n("5"))).isFalse();
        assertThat(test("region IN ('hz','sh') AND amount > 100", "region", "hz", "amount", n("500"))).isTrue();
        assertThat(test("region IN ('hz') OR amount > 100", "region", "bj", "amount", n("500"))).isTrue();
        assertThat(test("NOT (region IN ('a','b') OR amount BETWEEN 1 AND 3)", "region", "c", "amount", n("9"))).isTrue();
    }

    @Test
    void comparisonsBetweenAndNot() {
        assertThat(test("a BETWEEN 1 AND 3", "a", n("3"))).isTrue();
        assertThat(test("a NOT BETWEEN 1 AND 3", "a", n("3"))).isFalse();
        assertThat(test("a <> 2 AND a != 3 AND a >= -1.5 AND a <= 1e3", "a", n("-1.5"))).isTrue();
        assertThat(test("NOT (a = 1 OR b = 2)", "a", n("1"), "b", n("0"))).isFalse();
        assertThat(test("a = 1 OR b = 2 AND c = 3", "a", n("1"), "b", n("0"), "c", n("0"))).as("AND binds tighter").isTrue();
        assertThat(test("(a = 1 OR b = 2) AND c = 3", "a", n("1"), "b", n("0"), "c", n("0"))).isFalse();
        assertThat(test("flag = TRUE", "flag", n("1"))).isTrue();
        assertThat(test("a = '10'", "a", n("10.0"))).as("a numeric string compares as a number").isTrue();
    }

    @Test
    void nullFollowsSqlThreeValuedLogic() {
        assertThat(test("a = NULL", "a", null)).isFalse();
        assertThat(test("NOT (a = 1)", "a", null)).as("NOT unknown is unknown").isFalse();
        assertThat(test("a IS NULL", "a", null)).isTrue();
        assertThat(test("a IS NOT NULL", "a", n("0"))).isTrue();
        assertThat(test("a = 1 OR b = 1", "a", null, "b", n("1"))).as("unknown OR true").isTrue();
        assertThat(test("a = 1 AND b = 1", "a", null, "b", n("0"))).as("unknown AND false").isFalse();
        assertThat(test("a NOT IN (1, NULL)", "a", n("2"))).as("NOT IN with a NULL member is never true").isFalse();
        assertThat(test("a IN (1, NULL)", "a", n("1"))).isTrue();
        assertThat(test("a BETWEEN NULL AND 0", "a", n("5"))).as("above the known bound: false, not unknown").isFalse();
        assertThat(test("a NOT BETWEEN NULL AND 0", "a", n("5"))).isTrue();
        assertThat(test("s = ''", "s", "")).as("empty string is not NULL").isTrue();
        assertThat(test("s IS NULL", "s", "")).isFalse();
    }

    @Test
    void stringsQuotesEscapesAndLike() {
        assertThat(test("name = 'O''Brien'", "name", "O'Brien")).isTrue();
        assertThat(test("name = 'tab\\there'", "name", "tab\there")).isTrue();
        assertThat(test("name = 'HZ'", "name", "hz")).as("case-insensitive by default").isTrue();
        assertThat(RowCondition.parse("name = 'HZ'", false).test(row("name", "hz"))).as("binary").isFalse();
        assertThat(test("name LIKE 'a%c'", "name", "abbbc")).isTrue();
        assertThat(test("name LIKE 'a_c'", "name", "abbc")).isFalse();
        assertThat(test("name LIKE '100\\%'", "name", "100%")).isTrue();
        assertThat(test("name LIKE '100\\%'", "name", "1000")).isFalse();
        assertThat(test("name LIKE 'a!_b' ESCAPE '!'", "name", "a_b")).isTrue();
        assertThat(test("name LIKE 'a!_b' ESCAPE '!'", "name", "axb")).isFalse();
        assertThat(test("name NOT LIKE '%.*%'", "name", "regex.*chars")).as("regex characters are literal").isFalse();
        assertThat(test("`odd name` = 'x'", "odd name", "x")).isTrue();
    }

    @Test
    void temporalColumnsCompareWithStringAndTypedLiterals() {
        Schema date = SchemaBuilder.int32().name("io.debezium.time.Date").build();
        Schema micros = SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build();
        Schema zoned = SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build();
        Schema time = SchemaBuilder.int64().name("io.debezium.time.MicroTime").build();
        Object d = Values.comparable((int) LocalDate.parse("2024-02-29").toEpochDay(), date);
        long epochMicros = LocalDateTime.parse("2024-02-29T12:34:56.123456").toEpochSecond(ZoneOffset.UTC) * 1_000_000 + 123_456;
        Object dt = Values.comparable(epochMicros, micros);
        Object ts = Values.comparable("2024-02-29T12:34:56.654321Z", zoned);
        Object t = Values.comparable(-(838L * 3600 + 59 * 60 + 59) * 1_000_000, time);
        assertThat(test("d = '2024-02-29' AND d > DATE '2024-02-28' AND d < '2024-03-01 00:00:01'", "d", d)).isTrue();
        assertThat(test("dt > '2024-02-29 12:34:56' AND dt < '2024-02-29 12:34:56.2'", "dt", dt)).isTrue();
        assertThat(test("dt = TIMESTAMP '2024-02-29 12:34:56.123456'", "dt", dt)).isTrue();
        assertThat(test("dt LIKE '2024-02-29 %'", "dt", dt)).isTrue();
        assertThat(test("ts BETWEEN '2024-02-29' AND '2024-03-01'", "ts", ts)).isTrue();
        assertThat(test("t < '00:00:00' AND t = '-838:59:59'", "t", t)).isTrue();
        Schema decimal = Decimal.schema(2);
        assertThat(test("amount = 12.5", "amount", Values.comparable(new BigDecimal("12.50"), decimal))).isTrue();
        assertThat(test("big > 18446744073709551614", "big", Values.comparable(new java.math.BigInteger("18446744073709551615"), null)))
                .isTrue();
    }

    @Test
    void parseErrorsNameTheColumn() {
        assertThatThrownBy(() -> RowCondition.parse("amount > 100 AND AND region = 'x'", true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot parse the condition at column 14, near 'AND': amount > 100 ▶AND AND region = 'x'");
        assertThatThrownBy(() -> RowCondition.parse("amount > 100 AND (region = 'x'", true))
                .hasMessageContaining("near the end");
        assertThatThrownBy(() -> RowCondition.parse("amount > ", true))
                .hasMessageContaining("cannot parse the condition at column");
        assertThatThrownBy(() -> RowCondition.parse("name = 'unterminated", true))
                .hasMessageContaining("cannot parse the condition");
        assertThatThrownBy(() -> RowCondition.parse("  ", true)).hasMessage("the condition is empty");
    }

    @Test
    void unsupportedConstructsAreRefusedWithTheList() {
        assertThatThrownBy(() -> RowCondition.parse("upper(name) = 'X'", true))
                .hasMessageContaining("'upper(name)' is not supported").hasMessageContaining("supported: =");
        assertThatThrownBy(() -> RowCondition.parse("t.a = 1", true)).hasMessageContaining("without a table");
        assertThatThrownBy(() -> RowCondition.parse("a IN (SELECT 1)", true)).hasMessageContaining("not supported");
        assertThatThrownBy(() -> RowCondition.parse("a", true)).hasMessageContaining("not a condition");
    }

    @Test
    void aMissingColumnIsReportedNotTakenForNull() {
        RowCondition c = RowCondition.parse("missing = 1", true);
        assertThatThrownBy(() -> c.test(row("a", n("1")))).isInstanceOf(RowCondition.MissingColumnException.class)
                .hasMessageContaining("`missing`");
    }
}
