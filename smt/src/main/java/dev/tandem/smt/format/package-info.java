/** Message formats: converters and format SMTs for the change topics. */
package dev.tandem.smt.format;
