package dev.tandem.sink.schema;

import dev.tandem.sink.dialect.Dialect;
import dev.tandem.common.select.TableId;
import dev.tandem.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table definitions as OceanBase 4.x, TiDB 8.x and MySQL 8.0 print them (SHOW CREATE TABLE, which
 * is also the DDL of their snapshots' schema-change events), translated for a real MariaDB 10.11
 * destination whose character sets and collations the translator reads from the server, then
 * executed there. The statements are fixtures written from each product's documentation of SHOW
 * CREATE TABLE: OceanBase's storage options after the column list, TiDB's feature comments
 * ({@code /*T![...] ... *}{@code /}), MySQL 8's {@code utf8mb4_0900_*} collations and expression defaults.
 */
class ForeignDdlOnMariaDbTest {

    private static MariaDbServer db;
    private static Connection connection;
    private static DdlTranslator translator;

    @BeforeAll
    static void start() throws Exception {
        db = MariaDbServer.start("foreign-ddl");
        db.execute("", "CREATE DATABASE copy");
        connection = DriverManager.getConnection(db.jdbcUrl(""), db.user(), db.password());
        translator = new DdlTranslator(t -> new TableId("copy", t.table()), DestinationDdl.read(connection, Dialect.named("mariadb")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (connection != null) {
            connection.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static void apply(String ddl) throws Exception {
        for (String statement : translator.translate(ddl, "src", true, false).statements()) {
            try (var s = connection.createStatement()) {
                s.execute(statement);
            }
        }
    }

    /** Column → data type and collation, as the destination holds them. */
    private static Map<String, String> columns(String table) {
        List<Map<String, Object>> rows = db.query("", "SELECT COLUMN_NAME, COLUMN_TYPE, COALESCE(COLLATION_NAME, '') c "
                + "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'copy' AND TABLE_NAME = '" + table + "'");
        return rows.stream().collect(Collectors.toMap(r -> r.get("COLUMN_NAME").toString(),
                r -> r.get("COLUMN_TYPE") + (r.get("c").toString().isEmpty() ? "" : " " + r.get("c"))));
    }

    @Test
    void anOceanBaseTableLosesOnlyItsStorageOptions() throws Exception {
        apply("CREATE TABLE `ob_orders` (\n"
                + "  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n"
                + "  `status` varchar(16) COLLATE utf8mb4_bin NOT NULL DEFAULT 'new',\n"
                + "  `amount` decimal(12,2) DEFAULT NULL,\n"
                + "  `created` datetime(6) DEFAULT CURRENT_TIMESTAMP(6),\n"
                + "  PRIMARY KEY (`id`),\n"
                + "  KEY `idx_status` (`status`) BLOCK_SIZE 16384 LOCAL\n"
                + ") AUTO_INCREMENT = 1000001 DEFAULT CHARSET = utf8mb4 ROW_FORMAT = DYNAMIC COMPRESSION = 'zstd_1.3.8' "
                + "REPLICA_NUM = 1 BLOCK_SIZE = 16384 USE_BLOOM_FILTER = FALSE TABLET_SIZE = 134217728 PCTFREE = 0");
        assertThat(columns("ob_orders")).containsEntry("status", "varchar(16) utf8mb4_bin")
                .containsEntry("amount", "decimal(12,2)").containsEntry("created", "datetime(6)");
        assertThat(db.queryValue("copy", "SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'copy' "
                + "AND TABLE_NAME = 'ob_orders' AND NON_UNIQUE = 1")).isEqualTo("idx_status");
    }

    @Test
    void aTidbTableKeepsItsFeatureCommentsAsComments() throws Exception {
        apply("CREATE TABLE `ti_users` (\n"
                + "  `id` bigint(20) NOT NULL /*T![auto_rand] AUTO_RANDOM(5) */,\n"
                + "  `name` varchar(255) COLLATE utf8mb4_general_ci DEFAULT NULL,\n"
                + "  `profile` json DEFAULT NULL,\n"
                + "  PRIMARY KEY (`id`) /*T![clustered_index] CLUSTERED */\n"
                + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin /*T![auto_rand_base] AUTO_RANDOM_BASE=30001 */");
        assertThat(columns("ti_users")).containsEntry("name", "varchar(255) utf8mb4_general_ci")
                .containsEntry("profile", "longtext utf8mb4_bin");
        assertThat(db.queryValue("copy", "SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'copy' "
                + "AND TABLE_NAME = 'ti_users'")).isEqualTo("utf8mb4_bin");
    }

    @Test
    void aMySql8TableGetsMariaDbsNearestCollations() throws Exception {
        apply("CREATE TABLE `my_notes` (\n"
                + "  `id` int NOT NULL AUTO_INCREMENT,\n"
                + "  `title` varchar(64) COLLATE utf8mb4_0900_bin DEFAULT NULL,\n"
                + "  `body` text,\n"
                + "  `seen` datetime(3) DEFAULT (now(3)),\n"
                + "  PRIMARY KEY (`id`),\n"
                + "  KEY `by_title` (`title`)\n"
                + ") ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci");
        assertThat(columns("my_notes")).containsEntry("title", "varchar(64) utf8mb4_bin")
                .containsEntry("body", "text utf8mb4_unicode_520_ci").containsEntry("seen", "datetime(3)");
    }
}
