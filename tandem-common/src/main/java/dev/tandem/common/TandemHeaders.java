package dev.tandem.common;

/** Names of the Kafka headers Tandem sets and reads; one place for source, sink and SMTs. */
public final class TandemHeaders {

    /** The region where a change was first made (see shared DESIGN: origin and loops). */
    public static final String ORIGIN = "tandem.origin";

    private TandemHeaders() {
    }

    /**
     * Set on the copy of a schema-change event that the source puts into the table's own topic
     * (so the sink sees the DDL in order with the table's rows); the original stays on the schema
     * change topic.
     */
    public static final String DDL_COPY = "tandem.ddl.copy";

    /**
     * Set on the copies of a statement that names several tables (a multi-table RENAME, DROP TABLE
     * a, b): the topics, comma-separated, that received a copy. A sink applies the statement once
     * every one of them it reads has reached its copy.
     */
    public static final String DDL_TOPICS = "tandem.ddl.topics";

    /** Set on DDL copies: the source database's default character set when the event was captured. */
    public static final String DATABASE_CHARSET = "tandem.database.charset";

    /** Set on DDL copies: the source database's default collation when the event was captured. */
    public static final String DATABASE_COLLATION = "tandem.database.collation";

    /**
     * Set on the record a source writes into a table's topic once every row of the table's
     * chunked snapshot is in that topic before it (value: the table, db.table); a sink adds the
     * secondary indexes it held back (post-indexing) when it meets it.
     */
    public static final String SNAPSHOT_COMPLETE = "tandem.snapshot.complete";

    /**
     * Set on the record a source writes into a table's topic when it stops on something it cannot
     * go past (a statement its parser does not read, say); value: what stopped it. The record has no
     * key and no value. A sink meeting it fails, naming the cause, instead of waiting for changes
     * that will not come; restarted, it goes on past it.
     */
    public static final String SOURCE_STOPPED = "tandem.source.stopped";

    /**
     * Set by a database source on every record it streams: which run of its binlog reader produced
     * it ({@link SourceRun}). A reader that starts again (a task restart, a worker lost) sends again
     * what follows its last stored position, so a transaction it was in the middle of appears twice
     * in the topics: begun and cut short by the first run, then whole from the next. A sink applying
     * whole source transactions tells the two apart by the run.
     */
    public static final String SOURCE_RUN = "tandem.source.run";
}
