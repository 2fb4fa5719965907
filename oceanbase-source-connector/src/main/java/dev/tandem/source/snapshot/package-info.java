/** Full migration of our own: the chunk splitter, the plan kept in Connect offsets, chunk reads across tasks, then the binlog from the plan's position. */
package dev.tandem.source.snapshot;
