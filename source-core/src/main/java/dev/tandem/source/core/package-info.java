/** What both database sources share beside the full migration: start positions, the server connection, DDL copies in table topics, the change-event format. */
package dev.tandem.source.core;
