package dev.tandem.sink.schema;

/** What a DDL statement outside the supported list does. */
public enum UnsupportedDdl {
    /** The task fails, naming the statement. */
    FAIL,
    /** The statement is logged and left out. */
    SKIP
}
