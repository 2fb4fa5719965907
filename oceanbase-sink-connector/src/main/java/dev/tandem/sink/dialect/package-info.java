/** What differs between destination products (MariaDB, MySQL, OceanBase, TiDB): upsert spelling, transient errors, quoting, opening a JDBC connection. */
package dev.tandem.sink.dialect;
