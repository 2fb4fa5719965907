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
}
