package dev.tandem.source.core;

import org.mariadb.jdbc.Driver;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * A JDBC connection to the captured server built from Debezium's connection options, for flavour
 * detection, precheck and start positions. Uses the MariaDB driver directly (it speaks to MySQL and OceanBase too),
 * not {@code DriverManager}, which does not see drivers inside a plugin's class loader.
 */
public final class ServerConnection {

    public static final String HOST = "database.hostname";
    public static final String PORT = "database.port";
    public static final String USER = "database.user";
    public static final String PASSWORD = "database.password";

    private ServerConnection() {
    }

    /** host:port of the server, for messages. */
    public static String server(Map<String, String> props) {
        return props.getOrDefault(HOST, "") + ":" + props.getOrDefault(PORT, "3306");
    }

    public static Connection open(Map<String, String> props) throws SQLException {
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

}
