/** Object selection shared by sources and SMTs: match rules with wildcards and the objects CSV. */
package dev.tandem.common.select;
