package dev.tandem.sink.schema;

import dev.tandem.common.select.TableId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DDL text as Debezium 3.5 puts it in MariaDB schema-change events (observed), translated for a renamed destination. */
class DdlTranslatorTest {

    private final DdlTranslator translator = new DdlTranslator(t -> new TableId(t.database() + "_copy", t.table()));

    private DdlTranslator.Translation tr(String ddl, boolean snapshot, boolean post) throws Exception {
        return translator.translate(ddl, "p", snapshot, post);
    }

    @Test
    void theSnapshotsCreateTableKeepsEverythingUnderTheDestinationName() throws Exception {
        String ddl = "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `a` int(11) DEFAULT NULL COMMENT 'x, (y)',\n"
                + "  PRIMARY KEY (`id`),\n  UNIQUE KEY `ua` (`a`),\n  KEY `ia` (`a`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
                + "COLLATE=utf8mb4_general_ci COMMENT='hello'";
        var plain = tr(ddl, true, false);
        assertThat(plain.statements()).singleElement().asString()
                .startsWith("CREATE TABLE IF NOT EXISTS `p_copy`.`t` (\n  `id` int(11) NOT NULL,\n  `a` int(11) DEFAULT NULL COMMENT 'x, (y)',")
                .contains("KEY `ia` (`a`)").endsWith(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='hello'");
        var post = tr(ddl, true, true);
        assertThat(post.statements().get(0)).doesNotContain("KEY `ia`").contains("UNIQUE KEY `ua`").contains("PRIMARY KEY");
        assertThat(post.deferredIndexes()).containsExactly("ALTER TABLE `p_copy`.`t` ADD KEY `ia` (`a`)");
    }

    @Test
    void theSnapshotsDropTableIsIgnoredAndAStreamingOneIsNot() throws Exception {
        assertThat(tr("DROP TABLE IF EXISTS `p`.`t`", true, false).ignored()).isTrue();
        assertThat(tr("DROP TABLE `p`.`u2`", false, false).statements()).containsExactly("DROP TABLE IF EXISTS `p_copy`.`u2`");
    }

    @Test
    void alterRenameTruncateAndIndexes() throws Exception {
        assertThat(tr("ALTER TABLE t ADD COLUMN b VARCHAR(10) /* x */ DEFAULT 'z'", false, false).statements())
                .containsExactly("ALTER TABLE `p_copy`.`t` ADD COLUMN b VARCHAR(10) /* x */ DEFAULT 'z'");
        assertThat(tr("ALTER TABLE `p`.`t` DROP COLUMN b, ADD INDEX ib (b), MODIFY a BIGINT, CHANGE c d INT, RENAME COLUMN e TO f",
                false, false).statements()).containsExactly("ALTER TABLE `p_copy`.`t` DROP COLUMN b, ADD INDEX ib (b), "
                + "MODIFY a BIGINT, CHANGE c d INT, RENAME COLUMN e TO f");
        assertThat(tr("ALTER TABLE t RENAME TO t2", false, false).statements()).containsExactly("ALTER TABLE `p_copy`.`t` RENAME TO `p_copy`.`t2`");
        assertThat(tr("RENAME TABLE u TO u2", false, false).statements()).containsExactly("RENAME TABLE `p_copy`.`u` TO `p_copy`.`u2`");
        assertThat(tr("TRUNCATE TABLE u", false, false).statements()).containsExactly("TRUNCATE TABLE `p_copy`.`u`");
        assertThat(tr("CREATE INDEX ix ON t (a)", false, false).statements()).containsExactly("CREATE INDEX ix ON `p_copy`.`t` (a)");
        assertThat(tr("DROP INDEX ix ON `p`.`t`", false, false).statements()).containsExactly("DROP INDEX ix ON `p_copy`.`t`");
        assertThat(tr("CREATE TABLE u (id INT PRIMARY KEY)", false, false).statements())
                .containsExactly("CREATE TABLE IF NOT EXISTS `p_copy`.`u` (\n  id INT PRIMARY KEY\n)");
    }

    @Test
    void unsupportedStatementsNameThemselves() {
        assertThatThrownBy(() -> tr("ALTER TABLE t ENGINE=MyISAM", false, false))
                .isInstanceOf(DdlTranslator.UnsupportedDdlException.class).hasMessageContaining("ENGINE=MyISAM");
        assertThatThrownBy(() -> tr("ALTER TABLE t ADD COLUMN x INT, PARTITION BY HASH(id)", false, false))
                .hasMessageContaining("PARTITION BY HASH(id)");
        assertThatThrownBy(() -> tr("CREATE VIEW v AS SELECT 1", false, false)).hasMessageContaining("CREATE VIEW v AS SELECT 1");
        assertThatThrownBy(() -> tr("CREATE TABLE t2 AS SELECT * FROM t", false, false)).hasMessageContaining("AS SELECT");
    }

    @Test
    void onlineSchemaChangeToolsStatementsAreTranslated() throws Exception {
        // pt-online-schema-change 3.2 and gh-ost create their shadow tables with LIKE and switch with one RENAME.
        assertThat(tr("CREATE TABLE `p`.`_t_new` LIKE `p`.`t`", false, false).statements())
                .containsExactly("CREATE TABLE IF NOT EXISTS `p_copy`.`_t_new` LIKE `p_copy`.`t`");
        assertThat(tr("create /* gh-ost */ table `p`.`_t_gho` like `p`.`t`", false, false).statements())
                .containsExactly("CREATE TABLE IF NOT EXISTS `p_copy`.`_t_gho` LIKE `p_copy`.`t`");
        assertThat(tr("rename /* gh-ost */ table `p`.`t` to `p`.`_t_del`, `p`.`_t_gho` to `p`.`t`", false, false).statements())
                .containsExactly("RENAME TABLE `p_copy`.`t` TO `p_copy`.`_t_del`, `p_copy`.`_t_gho` TO `p_copy`.`t`");
    }
}
