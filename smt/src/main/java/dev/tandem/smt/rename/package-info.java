/** Renames of databases, tables and columns in change records. */
package dev.tandem.smt.rename;
