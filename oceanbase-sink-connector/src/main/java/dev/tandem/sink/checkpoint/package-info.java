/** The checkpoint table: the loop marker and the exactly-once position of every partition. */
package dev.tandem.sink.checkpoint;
