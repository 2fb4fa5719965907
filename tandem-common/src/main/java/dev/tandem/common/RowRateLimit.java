package dev.tandem.common;

/**
 * Paces a reader to at most a number of rows per second over its whole run (the full migration's
 * and the verifier's rate options); 0 or less means no limit. Safe to share between threads.
 */
public final class RowRateLimit {

    private final long rowsPerSecond;
    private final long start = System.nanoTime();
    private long rows;

    public RowRateLimit(long rowsPerSecond) {
        this.rowsPerSecond = rowsPerSecond;
    }

    /** Counts {@code n} rows read and sleeps while the run is ahead of the rate. */
    public void acquire(long n) throws InterruptedException {
        if (rowsPerSecond <= 0) {
            return;
        }
        long wait;
        synchronized (this) {
            rows += n;
            long due = start + (long) (rows * 1e9 / rowsPerSecond);
            wait = due - System.nanoTime();
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
