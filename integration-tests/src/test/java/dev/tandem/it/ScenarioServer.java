package dev.tandem.it;

import dev.tandem.testkit.MariaDbServer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** A database server a scenario runs on: where it listens and how to log in. */
record ScenarioServer(String host, int port, String user, String password) {

    static ScenarioServer of(MariaDbServer db) {
        return new ScenarioServer(db.host(), db.port(), db.user(), db.password());
    }

    /** The JDBC URL for {@code driver} ({@code mariadb}, {@code mysql}), without a database. */
    String url(String driver) {
        return "jdbc:" + driver + "://" + host + ":" + port + "/";
    }

    /** A connection through the MySQL driver (MySQL 8's default authentication over plain TCP needs the key retrieval). */
    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url("mysql") + database + "?allowPublicKeyRetrieval=true&useSSL=false", user, password);
    }

    /** Runs statements, each in its own transaction. */
    void execute(String... statements) throws SQLException {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
