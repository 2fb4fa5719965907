package dev.tandem.sink.schema;

import dev.tandem.sink.dialect.Dialect;
import dev.tandem.common.select.TableId;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MariaDB source's table definitions written for MySQL 8.0, OceanBase 4.x (MySQL mode) and TiDB
 * 8.x destinations, none of which runs on this machine. Their character sets and collations below
 * are fixtures written from each product's public documentation (MySQL 8.0 "Character Sets and
 * Collations in MySQL", a subset; OceanBase "character sets and collations" of a MySQL-mode
 * tenant; TiDB "Character Set and Collation", v8.x, the whole list), as the sink reads them from
 * the destination's information_schema. The MariaDB DDL is what Debezium 3.5's snapshot of MariaDB
 * 10.11 emits (SHOW CREATE TABLE, observed).
 */
class DestinationDdlTest {

    static final DestinationDdl MYSQL8 = new DestinationDdl(Dialect.named("mysql"),
            Set.of("utf8mb4_0900_ai_ci", "utf8mb4_0900_as_cs", "utf8mb4_0900_bin", "utf8mb4_bin", "utf8mb4_general_ci",
                    "utf8mb4_unicode_ci", "utf8mb4_unicode_520_ci", "utf8mb3_general_ci", "utf8mb3_bin", "utf8mb3_unicode_ci",
                    "latin1_swedish_ci", "latin1_bin", "ascii_general_ci", "ascii_bin", "binary"),
            Map.of("utf8mb4", "utf8mb4_0900_ai_ci", "utf8mb3", "utf8mb3_general_ci", "latin1", "latin1_swedish_ci",
                    "ascii", "ascii_general_ci", "binary", "binary"));
    static final DestinationDdl OCEANBASE = new DestinationDdl(Dialect.named("oceanbase"),
            Set.of("utf8mb4_general_ci", "utf8mb4_bin", "utf8mb4_unicode_ci", "binary", "gbk_chinese_ci", "gbk_bin",
                    "utf16_general_ci", "utf16_bin", "utf16_unicode_ci", "gb18030_chinese_ci", "gb18030_bin",
                    "latin1_swedish_ci", "latin1_bin"),
            Map.of("utf8mb4", "utf8mb4_general_ci", "binary", "binary", "gbk", "gbk_chinese_ci", "utf16", "utf16_general_ci",
                    "gb18030", "gb18030_chinese_ci", "latin1", "latin1_swedish_ci"));
    static final DestinationDdl TIDB = new DestinationDdl(Dialect.named("tidb"),
            Set.of("ascii_bin", "binary", "gbk_bin", "gbk_chinese_ci", "latin1_bin", "utf8_bin", "utf8_general_ci",
                    "utf8_unicode_ci", "utf8mb4_0900_ai_ci", "utf8mb4_0900_bin", "utf8mb4_bin", "utf8mb4_general_ci",
                    "utf8mb4_unicode_ci"),
            Map.of("ascii", "ascii_bin", "binary", "binary", "gbk", "gbk_bin", "latin1", "latin1_bin", "utf8", "utf8_bin",
                    "utf8mb4", "utf8mb4_bin"));

    static final String MARIADB_TABLE = "CREATE TABLE `t` (\n"
            + "  `id` int(11) NOT NULL,\n"
            + "  `doc` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`doc`)),\n"
            + "  `ref` uuid DEFAULT NULL,\n"
            + "  `addr` inet6 DEFAULT NULL,\n"
            + "  `legacy` varchar(20) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci DEFAULT 'x',\n"
            + "  `name` varchar(40) COLLATE utf8mb4_unicode_520_ci NOT NULL COMMENT 'COLLATE latin1_bin, in a comment, stays',\n"
            + "  `at` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),\n"
            + "  PRIMARY KEY (`id`),\n"
            + "  KEY `by_name` (`name`)\n"
            + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci PAGE_CHECKSUM=1 COMMENT='orders'";

    private static String create(DestinationDdl target) throws Exception {
        return new DdlTranslator(t -> new TableId("d", t.table()), target).translate(MARIADB_TABLE, "s", true, false)
                .statements().get(0);
    }

    @Test
    void aMariaDbTableForMySql8() throws Exception {
        String ddl = create(MYSQL8);
        assertThat(ddl).contains("`doc` json DEFAULT NULL,", "`ref` char(36) DEFAULT NULL", "`addr` varchar(39) DEFAULT NULL",
                        "`legacy` varchar(20) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci DEFAULT 'x'",
                        "COLLATE utf8mb4_unicode_520_ci NOT NULL", "KEY `by_name` (`name`)",
                        "COMMENT 'COLLATE latin1_bin, in a comment, stays'")
                .doesNotContain("json_valid", "PAGE_CHECKSUM")
                .endsWith(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci COMMENT='orders'");
    }

    @Test
    void aMariaDbTableForOceanBase() throws Exception {
        String ddl = create(OCEANBASE);
        assertThat(ddl).contains("`doc` json DEFAULT NULL,", "`ref` char(36)",
                        "`legacy` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci DEFAULT 'x'",
                        "`name` varchar(40) COLLATE utf8mb4_unicode_ci NOT NULL")
                .endsWith(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='orders'");
    }

    @Test
    void aMariaDbTableForTiDb() throws Exception {
        String ddl = create(TIDB);
        assertThat(ddl).contains("`doc` json DEFAULT NULL,", "`addr` varchar(39)",
                        "`legacy` varchar(20) CHARACTER SET utf8 COLLATE utf8_general_ci DEFAULT 'x'",
                        "`name` varchar(40) COLLATE utf8mb4_0900_ai_ci NOT NULL COMMENT 'COLLATE latin1_bin, in a comment, stays'")
                .endsWith(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='orders'");
    }

    @Test
    void aMariaDbDestinationKeepsMariaDbsOwnFormsAndLeavesOutOtherProductsOptions() throws Exception {
        DestinationDdl mariadb = new DestinationDdl(Dialect.named("mariadb"), Set.of("utf8mb4_bin", "utf8mb4_unicode_520_ci",
                "utf8mb3_general_ci", "utf8mb4_general_ci"), Map.of("utf8mb4", "utf8mb4_general_ci", "utf8mb3", "utf8mb3_general_ci"));
        assertThat(create(mariadb)).contains("CHECK (json_valid(`doc`))", "`ref` uuid", "PAGE_CHECKSUM=1");
        // OceanBase 4.x's SHOW CREATE TABLE table options, as its documentation prints them.
        assertThat(mariadb.tableOptions(" DEFAULT CHARSET = utf8mb4 ROW_FORMAT = DYNAMIC COMPRESSION = 'zstd_1.3.8' "
                + "REPLICA_NUM = 1 BLOCK_SIZE = 16384 USE_BLOOM_FILTER = FALSE TABLET_SIZE = 134217728 PCTFREE = 0"))
                .isEqualTo(" DEFAULT CHARSET = utf8mb4 ROW_FORMAT = DYNAMIC");
        // TiDB's (its documentation's SHOW CREATE TABLE): options in TiDB comments stay comments elsewhere.
        assertThat(mariadb.tableOptions(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin "
                + "/*T! SHARD_ROW_ID_BITS=4 PRE_SPLIT_REGIONS=2 */"))
                .isEqualTo(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin /*T! SHARD_ROW_ID_BITS=4 PRE_SPLIT_REGIONS=2 */");
        assertThat(mariadb.tableOptions(" ENGINE=InnoDB WITH SYSTEM VERSIONING")).isEqualTo(" ENGINE=InnoDB WITH SYSTEM VERSIONING");
        assertThat(TIDB.tableOptions(" ENGINE=InnoDB DEFAULT CHARSET=latin1 WITH SYSTEM VERSIONING PARTITION BY HASH (`id`) PARTITIONS 4"))
                .isEqualTo(" ENGINE=InnoDB DEFAULT CHARSET=latin1 PARTITION BY HASH (`id`) PARTITIONS 4");
        assertThat(OCEANBASE.tableOptions(" ENGINE=Aria ROW_FORMAT=PAGE TRANSACTIONAL=1")).isEmpty();
        assertThat(MYSQL8.tableOptions(" ENGINE=MyISAM")).isEqualTo(" ENGINE=MyISAM");
    }

    @Test
    void alterTableColumnsAreWrittenForTheDestinationToo() throws Exception {
        DdlTranslator tidb = new DdlTranslator(t -> new TableId("d", t.table()), TIDB);
        assertThat(tidb.translate("ALTER TABLE t ADD COLUMN `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin "
                + "DEFAULT NULL CHECK (json_valid(`j`)), MODIFY `legacy` varchar(30) CHARACTER SET utf8mb3 COLLATE "
                + "utf8mb3_unicode_ci, CHANGE `a` `b` uuid NOT NULL, DROP COLUMN c", "s", false, false).statements())
                .containsExactly("ALTER TABLE `d`.`t` ADD COLUMN `j` json DEFAULT NULL, MODIFY `legacy` varchar(30) CHARACTER SET "
                        + "utf8 COLLATE utf8_unicode_ci, CHANGE `a` `b` char(36) NOT NULL, DROP COLUMN c");
    }
}
