/** Creating destination tables from record schemas. */
package dev.tandem.sink.schema;
