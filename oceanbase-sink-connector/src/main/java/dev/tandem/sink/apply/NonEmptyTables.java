package dev.tandem.sink.apply;

/** What a full migration does with a destination table that already has rows before anything was applied to it. */
public enum NonEmptyTables {
    /** Refuse: the task fails, naming the table. */
    FAIL,
    /** Source rows replace the rows with the same key. */
    OVERWRITE,
    /** Rows already there stay; only source rows with other keys are written. */
    KEEP
}
