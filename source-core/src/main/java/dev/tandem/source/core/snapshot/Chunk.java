package dev.tandem.source.core.snapshot;

import dev.tandem.common.select.TableId;

import java.util.List;

/**
 * One primary-key range of a table: the rows whose key is above {@code lower} (exclusive) and at
 * most {@code upper} (inclusive); a null bound is open, so the first and last chunks of a table
 * together cover every key, including keys added after the split.
 */
record Chunk(TableId table, int index, List<Object> lower, List<Object> upper) {

    /** "db.table#3", the chunk's name in logs, offsets and progress records. */
    String id() {
        return table + "#" + index;
    }

    @Override
    public String toString() {
        return id() + " " + KeyValues.describe(lower) + ".." + KeyValues.describe(upper);
    }
}
