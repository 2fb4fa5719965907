/**
 * The TiDB source connector: a chunked snapshot read as of one TSO, then the changes TiCDC writes
 * into a Kafka topic from that TSO on, as Debezium-compatible change events.
 */
package dev.tandem.tidb;
