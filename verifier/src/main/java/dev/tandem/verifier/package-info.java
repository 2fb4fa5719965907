/** Full verification of a destination against its source: chunked digests, row differences, re-checks, reports and repair SQL. */
package dev.tandem.verifier;
