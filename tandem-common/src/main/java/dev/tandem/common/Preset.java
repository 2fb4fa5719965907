package dev.tandem.common;

/**
 * The Smooth / Normal / Fast presets of OceanBase Migration Service, as Tandem sizes the full
 * migration and the verification with them: how many tasks (or threads) work at once, rows per
 * chunk, and a rate limit in rows per second (0: none).
 */
public enum Preset {
    SMOOTH(1, 10_000, 5_000),
    NORMAL(2, 20_000, 0),
    FAST(4, 50_000, 0);

    /** Tasks (or threads) working at once. */
    public final int concurrency;
    /** Rows per chunk. */
    public final int chunkRows;
    /** Rows read per second at most (0: no limit). */
    public final long rowsPerSecond;

    Preset(int concurrency, int chunkRows, long rowsPerSecond) {
        this.concurrency = concurrency;
        this.chunkRows = chunkRows;
        this.rowsPerSecond = rowsPerSecond;
    }

    /** The preset a name (any case, blanks around it ignored) names. */
    public static Preset named(String name) {
        try {
            return ConfigValidators.choice(Preset.class, name == null ? "" : name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("preset '" + name + "': choose smooth, normal or fast", e);
        }
    }
}
