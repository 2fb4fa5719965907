package dev.tandem.sink.apply;

/** How long the sink waits before its next attempt after a transient failure: doubling from the configured backoff, at most a minute. */
public final class Backoff {

    static final long MAX_MS = 60_000L;

    private Backoff() {
    }

    /** The wait before attempt {@code failures + 1}, after {@code failures} failures in a row (0: the first retry). */
    public static long delayMs(long baseMs, int failures) {
        return Math.min(MAX_MS, baseMs << Math.min(Math.max(failures, 0), 16));
    }

    /** Waits {@code ms} before the next attempt; an interrupt stops the task. */
    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.connect.errors.ConnectException("interrupted while waiting to retry", e);
        }
    }
}
