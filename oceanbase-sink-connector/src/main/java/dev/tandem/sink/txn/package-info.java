/**
 * Whole source transactions ({@code tandem.transactions=whole}): the source's transactions
 * reassembled from Debezium's transaction metadata across topics and partitions, each committed as
 * one destination transaction, and told apart from the copies a restart of the source cut short.
 */
package dev.tandem.sink.txn;
