package dev.tandem.source;

import org.mariadb.jdbc.Driver;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * A JDBC connection to the captured server built from Debezium's connection options, for flavour
 * detection and precheck. Uses the MariaDB driver directly (it speaks to MySQL and OceanBase too),
 * not {@code DriverManager}, which does not see drivers inside a plugin's class loader.
 */
final class ServerConnection {

    static final String HOST = "database.hostname";
    static final String PORT = "database.port";
    static final String USER = "database.user";
    static final String PASSWORD = "database.password";

    private ServerConnection() {
    }

    /** host:port of the server, for messages. */
    static String server(Map<String, String> props) {
        return props.getOrDefault(HOST, "") + ":" + props.getOrDefault(PORT, "3306");
    }

    static Connection open(Map<String, String> props) throws SQLException {
        String host = props.getOrDefault(HOST, "");
        String port = props.getOrDefault(PORT, "3306");
        Properties info = new Properties();
        info.setProperty("user", props.getOrDefault(USER, ""));
        info.setProperty("password", props.getOrDefault(PASSWORD, ""));
        info.setProperty("connectTimeout", "10000");
        // MySQL 8's default authentication (caching_sha2_password) over a connection without TLS needs
        // the server's public key; Debezium's MySQL connector allows retrieving it by default too.
        info.setProperty("allowPublicKeyRetrieval", "true");
        Connection c = new Driver().connect("jdbc:mariadb://" + host + ":" + port + "/", info);
        if (c == null) {
            throw new SQLException("the MariaDB driver did not accept the connection URL for " + host + ":" + port);
        }
        return c;
    }

    /** Detects the server flavour from its version strings. */
    static SourceFlavor detectFlavor(Map<String, String> props) throws SQLException {
        try (Connection c = open(props);
             var s = c.createStatement();
             var rs = s.executeQuery("SELECT VERSION(), @@version_comment")) {
            rs.next();
            return SourceFlavor.fromServerVersion(rs.getString(1), rs.getString(2));
        }
    }
}
