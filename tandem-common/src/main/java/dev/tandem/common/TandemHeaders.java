package dev.tandem.common;

/** Names of the Kafka headers Tandem sets and reads; one place for source, sink and SMTs. */
public final class TandemHeaders {

    /** The region where a change was first made (see shared DESIGN: origin and loops). */
    public static final String ORIGIN = "tandem.origin";

    private TandemHeaders() {
    }
}
