package dev.tandem.source.core.snapshot;

import dev.tandem.common.SourceRun;
import dev.tandem.source.core.StartPosition;
import dev.tandem.source.core.TransactionBoundaries;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A source task of a link, whichever database it captures: a copy task of the chunked full
 * migration, or the task that streams. After a chunked copy the streaming task first writes the
 * records that end the copy ({@link StreamStart}), then streams from the copy's position, or
 * idles when the link copies only. Every streamed record names the run of the stream that sent it
 * ({@link SourceRun}). A subclass builds the copier and the stream of its database.
 */
public abstract class SnapshotThenStreamTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotThenStreamTask.class);

    private ChunkCopier copier;
    private List<SourceRecord> before = List.of();
    private boolean streaming;
    private SourceRun run;
    private final TransactionBoundaries boundaries = new TransactionBoundaries();

    /** The copier of a copy task. */
    protected abstract ChunkCopier copier(Map<String, String> props);

    /** A connection to the captured server, to read the tables' definitions when a copy ends. */
    protected abstract Connection connect(Map<String, String> props) throws SQLException;

    /**
     * Starts streaming: from {@code afterCopy} (the chunked copy's position) when the task follows
     * a copy, else from the link's own start position or stored offsets.
     */
    protected abstract void startStream(Map<String, String> props, StartPosition afterCopy);

    /** The next records of the stream, or null. */
    protected abstract List<SourceRecord> pollStream() throws InterruptedException;

    /** Stops the stream, if one was started. */
    protected abstract void stopStream();

    /** The records of a copy task's poll, as they are sent (a subclass may route them). */
    protected List<SourceRecord> copied(List<SourceRecord> records) {
        return records;
    }

    @Override
    public final void start(Map<String, String> props) {
        if (StreamStart.isCopyTask(props)) {
            copier = copier(props);
            return;
        }
        StartPosition afterCopy = null;
        if (StreamStart.isStreamTask(props)) {
            StreamStart start = streamStart(props);
            before = new ArrayList<>(start.records());
            if (!start.streams()) {
                LOG.info("Full migration of '{}' is complete; the link copies only, so nothing is streamed",
                        props.get("name"));
                return;
            }
            afterCopy = start.position();
        }
        run = SourceRun.startingNow(props.getOrDefault("name", props.getOrDefault("topic.prefix", getClass().getSimpleName())));
        startStream(props, afterCopy);
        streaming = true;
    }

    /** The start after a chunked copy, its records carrying each table's CREATE TABLE as it is now (when readable). */
    private StreamStart streamStart(Map<String, String> props) {
        try (Connection c = connect(props)) {
            return StreamStart.of(props, c);
        } catch (SQLException e) {
            LOG.warn("Cannot read the tables' definitions for their 'snapshot complete' records: {}", e.getMessage());
            return StreamStart.of(props, (Connection) null);
        }
    }

    /**
     * The stream starts again from its stored offsets, resending the transaction it was in: a new
     * run (a stream that goes on from where it was is the same run).
     */
    protected final void newRun() {
        run = SourceRun.startingNow(run.source());
    }

    /**
     * The next records; with {@code transaction.boundary=connector} on an exactly-once worker, the
     * Kafka transactions end where the source's do ({@link TransactionBoundaries}).
     */
    @Override
    public final List<SourceRecord> poll() throws InterruptedException {
        return boundaries.mark(context.transactionContext(), next());
    }

    private List<SourceRecord> next() throws InterruptedException {
        if (copier != null) {
            return copied(copier.poll());
        }
        if (!before.isEmpty()) {
            List<SourceRecord> first = before;
            before = List.of();
            return first;
        }
        if (!streaming) {
            Thread.sleep(1000);
            return null;
        }
        List<SourceRecord> records = pollStream();
        return records == null || records.isEmpty() ? records : run.stamp(records);
    }

    @Override
    public final void stop() {
        if (copier != null) {
            copier.close();
        }
        stopStream();
    }
}
