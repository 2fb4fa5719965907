package dev.tandem.common;

import java.util.List;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;

/**
 * One run of a source's binlog reader: the source (its connector's name) and when the run
 * started. Runs of one source follow one another in its topics, and a later run started later:
 * the start time orders them (a task moves between workers in seconds, far more than the clocks
 * of a cluster's workers differ). Travels as the header {@link TandemHeaders#SOURCE_RUN}, value
 * {@code <started epoch ms>@<source>}.
 */
public record SourceRun(String source, long started) {

    /** A run of {@code source} starting now. */
    public static SourceRun startingNow(String source) {
        return new SourceRun(source, System.currentTimeMillis());
    }

    /** The run a record's headers name, or null (a record of a source that does not say). */
    public static SourceRun of(Headers headers) {
        Header h = headers == null ? null : headers.lastWithName(TandemHeaders.SOURCE_RUN);
        return h == null || h.value() == null ? null : parse(h.value().toString());
    }

    /** Parses a header value; null when it is not one. */
    static SourceRun parse(String value) {
        int at = value.indexOf('@');
        if (at <= 0) {
            return null;
        }
        try {
            return new SourceRun(value.substring(at + 1), Long.parseLong(value.substring(0, at)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Names this run on every record of a poll (null or empty: nothing to name); returns them. */
    public <R extends ConnectRecord<R>> List<R> stamp(List<R> records) {
        if (records != null) {
            String value = toString();
            records.forEach(r -> r.headers().addString(TandemHeaders.SOURCE_RUN, value));
        }
        return records;
    }

    /** Whether this run came before {@code other}, a run of the same source. */
    public boolean before(SourceRun other) {
        return source.equals(other.source) && started < other.started;
    }

    /** The header value. */
    @Override
    public String toString() {
        return started + "@" + source;
    }
}
