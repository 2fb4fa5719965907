package dev.tandem.sink.apply;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The sink task's apply thread: one destination transaction runs there while Connect fetches and
 * converts the next records. At most one is in flight; the next waits for it ({@link #await}).
 * What is applied is recorded per partition in the task's map once the transaction committed.
 */
public final class ApplyPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(ApplyPipeline.class);

    private final ExecutorService thread;
    private final Applier applier;
    private final Map<TopicPartition, Long> applied;
    private Future<Map<TopicPartition, Long>> inFlight;

    /** @param applied the last applied offset per partition, updated here as transactions commit */
    public ApplyPipeline(String threadName, Applier applier, Map<TopicPartition, Long> applied) {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        this.applier = applier;
        this.applied = applied;
    }

    /** Applies records of one origin as one destination transaction with their checkpoints ({@link Applier#apply}). */
    public void apply(List<ChangeRecord> records, String origin, Map<TopicPartition, Long> offsets) {
        start(() -> {
            applier.apply(records, origin, offsets);
            return offsets;
        });
    }

    /** Writes part of a source transaction into the destination transaction kept open ({@link Applier#applyOpen}). */
    public void applyOpen(List<ChangeRecord> part, String origin, Map<TopicPartition, Long> offsets) {
        start(() -> {
            applier.applyOpen(part, origin, offsets);
            return Map.of();
        });
    }

    /** Commits the destination transaction kept open, its checkpoints at {@code offsets} ({@link Applier#commitOpen}). */
    public void commitOpen(String origin, Map<TopicPartition, Long> offsets, int records, long sourceTimestampMs) {
        start(() -> {
            applier.commitOpen(origin, offsets, records, sourceTimestampMs);
            return offsets;
        });
    }

    /** Rolls back the destination transaction kept open, on the apply thread (call {@link #await} first). */
    public void abandonOpen() {
        try {
            thread.submit(applier::abandonOpen).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("Rolling back the open destination transaction failed: {}", e.getCause().getMessage());
        }
    }

    private void start(Callable<Map<TopicPartition, Long>> transaction) {
        if (inFlight != null) {
            throw new IllegalStateException("a transaction is in flight: await it first");
        }
        inFlight = thread.submit(transaction);
    }

    /**
     * Whether records handed to the sink are not committed in the destination yet: a transaction
     * in flight, or a source transaction's destination transaction kept open across puts.
     */
    public boolean uncommitted() {
        Future<Map<TopicPartition, Long>> f = inFlight;
        return f != null && !f.isDone() || applier.hasOpen();
    }

    /** Whether a transaction is in flight and already done (its outcome can be had without waiting). */
    public boolean doneInFlight() {
        return inFlight != null && inFlight.isDone();
    }

    /**
     * Waits for the transaction in flight and returns the offsets it applied (none when nothing was
     * in flight). Its failure is thrown: {@link Applier.OpenTransactionLost} as it is, anything else
     * as a {@link ConnectException} that is not retriable (Connect would redeliver the current
     * records, not those of the failed transaction; the restart resumes from the checkpoints).
     */
    public Map<TopicPartition, Long> await() {
        Future<Map<TopicPartition, Long>> pending = inFlight;
        if (pending == null) {
            return Map.of();
        }
        inFlight = null;
        try {
            Map<TopicPartition, Long> done = pending.get();
            applied.putAll(done);
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while a transaction was being applied", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConnectException ce && !(cause instanceof RetriableException)) {
                throw ce;
            }
            throw new ConnectException(cause.getMessage(), cause);
        }
    }

    /** Ends the apply thread: a retry's wait ends; a statement running finishes or fails. Nothing in flight is awaited. */
    public void stop() {
        inFlight = null; // not committed to Kafka: a restart applies what it did not, from the checkpoints
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("The sink's apply thread did not end within 30 s of stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
