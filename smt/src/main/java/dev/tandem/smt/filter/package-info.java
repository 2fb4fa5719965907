/** Row filters: WHERE-style conditions evaluated on row images, with move-in/move-out semantics. */
package dev.tandem.smt.filter;
