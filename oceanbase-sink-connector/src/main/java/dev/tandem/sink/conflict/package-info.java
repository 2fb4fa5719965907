/** Active-active conflicts: detected in the apply transaction, resolved by a per-table strategy, recorded beside the checkpoints. */
package dev.tandem.sink.conflict;
