/**
 * TiCDC's output (canal-json or Debezium JSON) decoded and turned into change events one commit
 * ts at a time, with transaction metadata, in commit-ts order.
 */
package dev.tandem.tidb.cdc;
