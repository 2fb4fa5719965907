/** Turning change records into batched, reduced, transactional SQL per destination dialect. */
package dev.tandem.sink.apply;
