package dev.tandem.sink.dialect;

import dev.tandem.common.ServerKind;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DialectTest {

    @Test
    void eachProductSpellsItsUpsertAndKnowsItsTransientErrors() {
        assertThat(Dialect.named("MySQL").upsertClause(List.of("a")))
                .isEqualTo(" AS tandem_new ON DUPLICATE KEY UPDATE `a` = tandem_new.`a`");
        for (String name : List.of("mariadb", "oceanbase", "tidb")) {
            assertThat(Dialect.named(name).upsertClause(List.of("a", "b`c"))).as(name)
                    .isEqualTo(" ON DUPLICATE KEY UPDATE `a` = VALUES(`a`), `b``c` = VALUES(`b``c`)");
        }
        assertThat(Dialect.named("tidb").isTransient(new SQLException("write conflict", "HY000", 9007))).isTrue();
        assertThat(Dialect.named("mariadb").isTransient(new SQLException("write conflict", "HY000", 9007))).isFalse();
        assertThat(Dialect.named("oceanbase").isTransient(new SQLException("not master", "HY000", 4038))).isTrue();
        assertThat(Dialect.named("mysql").isTransient(new SQLException("deadlock", "40001", 1213))).isTrue();
        assertThat(Dialect.named("mariadb").jsonIsText()).isTrue();
        assertThat(Dialect.named("oceanbase").loadsLocalData()).isFalse();
        assertThat(Dialect.of(ServerKind.TIDB).name()).isEqualTo("tidb");
        assertThat(Dialect.named("oceanbase").kind()).isEqualTo(ServerKind.OCEANBASE);
        assertThat(Dialect.named("oceanbase").ownTableOptions()).contains("COMPRESSION");
        assertThat(Dialect.named("mysql").ownTableOptions()).as("MySQL's COMPRESSION takes other values").doesNotContain("COMPRESSION");
        assertThat(List.of(Dialect.NAMES)).allSatisfy(n -> assertThat(Dialect.named(n).name()).isEqualTo(n));
        assertThatThrownBy(() -> Dialect.named("postgres")).hasMessageContaining("unknown dialect");
    }
}
