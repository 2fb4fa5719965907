package dev.tandem.source;

import io.debezium.connector.mariadb.MariaDbConnector;
import io.debezium.connector.mariadb.MariaDbConnectorTask;
import io.debezium.connector.mysql.MySqlConnector;
import io.debezium.connector.mysql.MySqlConnectorTask;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceTask;

import java.util.Locale;
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

    /** The configuration value naming this flavour. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Recognises the flavour from {@code SELECT VERSION()} and {@code @@version_comment}: MariaDB
     * puts "MariaDB" in its version; OceanBase (and its Binlog Service) names itself in the
     * version comment, e.g. "OceanBase_CE 4.2.1.0 (r...)".
     */
    public static SourceFlavor fromServerVersion(String version, String versionComment) {
        String v = version == null ? "" : version.toLowerCase(Locale.ROOT);
        String c = versionComment == null ? "" : versionComment.toLowerCase(Locale.ROOT);
        if (v.contains("oceanbase") || c.contains("oceanbase")) {
            return OCEANBASE;
        }
        if (v.contains("mariadb") || c.contains("mariadb")) {
            return MARIADB;
        }
        return MYSQL;
    }

    public static SourceFlavor fromConfigValue(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
