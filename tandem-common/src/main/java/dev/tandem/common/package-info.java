/** What every Tandem plugin shares: header names, envelope fields, the checkpoint table, match rules. */
package dev.tandem.common;
