/** The sink connector for OceanBase, MySQL, MariaDB and TiDB: connector, task, config, precheck. */
package dev.tandem.sink;
