package dev.tandem.source;

import dev.tandem.common.ServerKind;
import dev.tandem.source.core.DebeziumFormat;
import dev.tandem.source.core.ServerConnection;
import io.debezium.connector.mariadb.MariaDbConnector;
import io.debezium.connector.mariadb.MariaDbConnectorTask;
import io.debezium.connector.mysql.MySqlConnector;
import io.debezium.connector.mysql.MySqlConnectorTask;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceTask;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The kind of server a source captures, and the Debezium binlog connector that fits it: MariaDB
 * needs Debezium's MariaDB connector (its GTIDs and binlog commands differ); MySQL and the
 * OceanBase Binlog Service, which speaks the MySQL replication protocol, use the MySQL one.
 */
public enum SourceFlavor {
    MARIADB(MariaDbConnector::new, MariaDbConnectorTask::new),
    MYSQL(MySqlConnector::new, MySqlConnectorTask::new),
    OCEANBASE(MySqlConnector::new, MySqlConnectorTask::new);

    private final Supplier<SourceConnector> connector;
    private final Supplier<SourceTask> task;

    SourceFlavor(Supplier<SourceConnector> connector, Supplier<SourceTask> task) {
        this.connector = connector;
        this.task = task;
    }

    public SourceConnector newDebeziumConnector() {
        return connector.get();
    }

    public SourceTask newDebeziumTask() {
        return task.get();
    }

    /** Whose change events the source writes for this flavour. */
    public DebeziumFormat format() {
        return this == MARIADB ? DebeziumFormat.MARIADB : DebeziumFormat.MYSQL;
    }

    /** The configuration value naming this flavour. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The flavour of a server of {@code kind}: its Debezium connector (TiDB, which has no binlog, as MySQL). */
    public static SourceFlavor of(ServerKind kind) {
        return switch (kind) {
            case MARIADB -> MARIADB;
            case OCEANBASE -> OCEANBASE;
            case MYSQL, TIDB -> MYSQL;
        };
    }

    /** Connects to the server and detects its flavour from its version strings. */
    static SourceFlavor detect(Map<String, String> props) throws SQLException {
        try (Connection c = ServerConnection.open(props)) {
            return of(ServerKind.of(c));
        }
    }

    public static SourceFlavor fromConfigValue(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
