/** Origin tagging and loop filtering for active-active replication. */
package dev.tandem.smt.origin;
