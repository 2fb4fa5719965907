package dev.tandem.source.core;

/**
 * Whose records a source writes: the change events of Debezium's MySQL connector or of its
 * MariaDB connector (envelope, source block, value converters, DDL parser, GTID form). MySQL,
 * the OceanBase Binlog Service and TiDB are written as Debezium's MySQL connector writes them;
 * MariaDB as its MariaDB connector does, which also streams only from a GTID position.
 */
public enum DebeziumFormat {
    MYSQL,
    MARIADB
}
