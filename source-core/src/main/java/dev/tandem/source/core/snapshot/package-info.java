/** Full migration of our own: the chunk splitter, the plan kept in Connect offsets, chunk reads across tasks, then streaming from the plan's position; the task shell both sources run. */
package dev.tandem.source.core.snapshot;
