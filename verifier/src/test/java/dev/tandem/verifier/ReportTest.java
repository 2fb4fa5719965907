package dev.tandem.verifier;

import dev.tandem.common.select.TableId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportTest {

    private static Verifier.TableResult table(String name, Verifier.Difference... differences) {
        TableId id = TableId.parse(name);
        return new Verifier.TableResult(id, id, 1_000, 4, differences.length == 0 ? 0 : 1, 0, List.of(differences),
                List.of(differences).stream().map(d -> "-- repair " + d.key()).toList(), 0.5, null);
    }

    @Test
    void aReportWithoutDifferencesOrErrorsIsClean() {
        Report report = new Report(List.of(table("shop.a"), table("shop.b")), 1.0);
        assertThat(report.clean()).isTrue();
        assertThat(report.rows()).isEqualTo(2_000);
        assertThat(report.summary()).contains("CLEAN: 2,000 rows in 2 tables, 0 differences");
        assertThat(report.toJson()).startsWith("{\"clean\":true,").contains("\"source\":\"shop.a\"");
        assertThat(report.repairSql()).isEmpty();
    }

    @Test
    void differencesAndTablesNotComparedAreCountedShownAndRepaired() {
        Verifier.Difference missing = new Verifier.Difference("MISSING", "id=7", List.of());
        Verifier.Difference different = new Verifier.Difference("DIFFERENT", "id=9", List.of("name", "note \"x\""));
        TableId gone = TableId.parse("shop.gone");
        Verifier.TableResult failed = new Verifier.TableResult(gone, gone, 0, 0, 0, 0, List.of(), List.of(), 0.1,
                "the destination has no such table");
        Report report = new Report(List.of(table("shop.a", missing, different), failed), 2.0);
        assertThat(report.clean()).isFalse();
        assertThat(report.differences()).isEqualTo(2);
        assertThat(report.errors()).isEqualTo(1);
        assertThat(report.summary()).contains("DIFFERENCES:").contains("NOT COMPARED: the destination has no such table");
        assertThat(report.toJson()).contains("{\"kind\":\"DIFFERENT\",\"key\":\"id=9\",\"columns\":[\"name\",\"note \\\"x\\\"\"]}")
                .contains("\"error\":\"the destination has no such table\"");
        assertThat(report.repairSql()).isEqualTo("-- repair id=7\n-- repair id=9\n");
    }

    @Test
    void filtersAndPresetsAreParsedWithTheReasonWhenWrong() {
        Verifier.Filter filter = Verifier.Filter.parse("shop.orders_*=amount > 100");
        assertThat(filter.condition()).isEqualTo("amount > 100");
        assertThatThrownBy(() -> Verifier.Filter.parse("amount > 100")).hasMessageContaining("db.table=condition");
        assertThatThrownBy(() -> Verifier.Filter.parse("shop.t=amount >")).isInstanceOf(RuntimeException.class);
        assertThat(Verifier.Options.concurrencyOf("FAST")).isEqualTo(4);
    }
}
