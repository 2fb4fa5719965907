/** The status REST extension: Tandem's connectors as projects, read from a compacted status topic every worker shares. */
package dev.tandem.status;
