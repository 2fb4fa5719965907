/** The source connector for OceanBase (Binlog Service), MySQL and MariaDB: config, flavour, precheck, Debezium delegation. */
package dev.tandem.source;
