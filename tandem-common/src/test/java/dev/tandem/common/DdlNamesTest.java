package dev.tandem.common;

import dev.tandem.common.DdlNames.Rename;
import dev.tandem.common.select.TableId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DdlNamesTest {

    private static TableId t(String db, String table) {
        return new TableId(db, table);
    }

    @Test
    void ghostCutOverNamesBothPairsWithTheirDatabases() {
        // gh-ost's cut-over statement, comment included, as its source writes it.
        String ddl = "rename /* gh-ost */ table `shop`.`products` to `shop`.`_products_del`, `shop`.`_products_gho` to `shop`.`products`";
        assertThat(DdlNames.renames(ddl, "other")).containsExactly(
                new Rename(t("shop", "products"), t("shop", "_products_del")),
                new Rename(t("shop", "_products_gho"), t("shop", "products")));
    }

    @Test
    void unqualifiedNamesTakeTheStatementsDatabaseAndQuotedNamesKeepTheirCharacters() {
        assertThat(DdlNames.renames("RENAME TABLE a TO b, `we``ird, name` TO archive.c", "shop")).containsExactly(
                new Rename(t("shop", "a"), t("shop", "b")), new Rename(t("shop", "we`ird, name"), t("archive", "c")));
    }

    @Test
    void alterTableRenameToIsARenameButColumnAndIndexRenamesAreNot() {
        assertThat(DdlNames.renames("ALTER TABLE shop.a ADD COLUMN x INT, RENAME TO b", "db"))
                .containsExactly(new Rename(t("shop", "a"), t("db", "b")));
        assertThat(DdlNames.renames("alter table a rename as `z`", "db")).containsExactly(new Rename(t("db", "a"), t("db", "z")));
        assertThat(DdlNames.renames("ALTER TABLE a RENAME COLUMN x TO y, RENAME INDEX i TO j", "db")).isEmpty();
        assertThat(DdlNames.renames("ALTER TABLE a ADD COLUMN note VARCHAR(10) DEFAULT 'RENAME TO b'", "db")).isEmpty();
        assertThat(DdlNames.renames("DROP TABLE a, b", "db")).isEmpty();
    }

    @Test
    void aMultiTableRenameSplitsAsDebeziumReportsItAndJoinsBack() {
        String ddl = "RENAME TABLE `s`.`a` TO `s`.`b`, `s`.`c` TO `s`.`a`";
        List<String> clauses = DdlNames.clauses(ddl);
        assertThat(clauses).containsExactly("RENAME TABLE `s`.`a` TO `s`.`b`", "RENAME TABLE `s`.`c` TO `s`.`a`");
        assertThat(DdlNames.joined(clauses)).isEqualTo(ddl);
        assertThat(DdlNames.clauses("RENAME TABLE a TO b")).containsExactly("RENAME TABLE a TO b");
        assertThat(DdlNames.clauses("DROP TABLE a, b")).containsExactly("DROP TABLE a, b");
    }

    @Test
    void theFirstTableAStatementNames() {
        assertThat(DdlNames.firstTable("ALTER TABLE shop.t ADD COLUMN ip INET6", "db")).contains(t("shop", "t"));
        assertThat(DdlNames.firstTable("create or replace temporary table if not exists `a b` (x INT)", "db"))
                .contains(t("db", "a b"));
        assertThat(DdlNames.firstTable("DROP TABLE IF EXISTS a, b", "")).contains(t("", "a"));
        assertThat(DdlNames.firstTable("ALTER ONLINE IGNORE TABLE s.x ENGINE=InnoDB", "db")).contains(t("s", "x"));
        assertThat(DdlNames.firstTable("RENAME TABLE a TO b", "db")).contains(t("db", "a"));
        assertThat(DdlNames.firstTable("CREATE INDEX i ON t (x)", "db")).isEmpty();
        assertThat(DdlNames.firstTable("CREATE DATABASE shop", "db")).isEmpty();
        assertThat(DdlNames.firstTable("GRANT SELECT ON *.* TO 'u'", "db")).isEmpty();
        assertThat(DdlNames.firstTable("ALTER TABLE", "db")).isEmpty();
    }
}
