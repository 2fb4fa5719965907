package dev.tandem.sink.dialect;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Opens destination connections with the driver the URL names, instantiated directly: inside a
 * plugin's class loader {@code DriverManager} does not see the plugin's drivers.
 */
public final class Jdbc {

    private Jdbc() {
    }

    /**
     * The URL as messages may show it: without its query string and any user:password@ part, where
     * drivers accept credentials and other secrets.
     */
    public static String redacted(String url) {
        if (url == null) {
            return "";
        }
        int query = url.indexOf('?');
        String shown = query < 0 ? url : url.substring(0, query);
        int scheme = shown.indexOf("//");
        int at = shown.lastIndexOf('@');
        if (scheme >= 0 && at > scheme) {
            shown = shown.substring(0, scheme + 2) + shown.substring(at + 1);
        }
        return shown;
    }

    public static Connection open(String url, String user, String password) throws SQLException {
        Driver driver;
        if (url.startsWith("jdbc:mariadb:")) {
            driver = new org.mariadb.jdbc.Driver();
        } else if (url.startsWith("jdbc:oceanbase:")) {
            driver = new com.oceanbase.jdbc.Driver();
        } else if (url.startsWith("jdbc:mysql:")) {
            driver = new com.mysql.cj.jdbc.Driver();
        } else {
            throw new SQLException("no driver for " + url + ": use jdbc:mariadb://, jdbc:mysql:// or jdbc:oceanbase://");
        }
        Properties info = new Properties();
        info.setProperty("user", user);
        info.setProperty("password", password);
        info.setProperty("connectTimeout", "10000");
        info.setProperty("allowPublicKeyRetrieval", "true");
        Connection c = driver.connect(url, info);
        if (c == null) {
            throw new SQLException("the driver did not accept " + url);
        }
        try (Statement s = c.createStatement()) {
            // Temporal values are bound in UTC; strict mode turns silent truncation into errors we can report.
            s.execute("SET SESSION time_zone = '+00:00'");
            s.execute("SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
