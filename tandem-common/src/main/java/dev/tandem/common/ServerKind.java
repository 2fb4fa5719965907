package dev.tandem.common;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * The product behind a MySQL-protocol connection, as its version strings name it: TiDB puts
 * "TiDB" in its version ({@code 8.0.11-TiDB-v7.5.0}), OceanBase names itself in the version
 * comment ({@code OceanBase_CE 4.2.1.0 (r...)}), MariaDB in its version; anything else is MySQL.
 */
public enum ServerKind {
    MARIADB,
    MYSQL,
    OCEANBASE,
    TIDB;

    /**
     * Databases of the server's own, never captured, copied or verified: MySQL's and MariaDB's
     * ({@code mysql}, {@code information_schema}, {@code performance_schema}, {@code sys}) and
     * TiDB's {@code metrics_schema}.
     */
    public static final List<String> SYSTEM_DATABASES = List.of("mysql", "information_schema", "performance_schema", "sys",
            "metrics_schema");

    /** Whether a database is one of the server's own ({@link #SYSTEM_DATABASES}, any case). */
    public static boolean isSystemDatabase(String database) {
        return SYSTEM_DATABASES.contains(database.toLowerCase(Locale.ROOT));
    }

    /** From {@code SELECT VERSION()} and {@code @@version_comment}. */
    public static ServerKind of(String version, String versionComment) {
        String all = ((version == null ? "" : version) + " " + (versionComment == null ? "" : versionComment)).toLowerCase(Locale.ROOT);
        if (all.contains("tidb")) {
            return TIDB;
        }
        if (all.contains("oceanbase")) {
            return OCEANBASE;
        }
        if (all.contains("mariadb")) {
            return MARIADB;
        }
        return MYSQL;
    }

    /** Asks the server behind {@code connection}. */
    public static ServerKind of(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION(), @@version_comment")) {
            rs.next();
            return of(rs.getString(1), rs.getString(2));
        }
    }
}
