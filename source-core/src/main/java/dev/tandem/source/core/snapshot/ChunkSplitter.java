package dev.tandem.source.core.snapshot;

import dev.tandem.common.select.TableId;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a table into chunks of {@code chunkSize} rows by walking its key index: each bound is
 * the key {@code chunkSize} rows after the previous one. Chunks therefore hold the same number of
 * rows whatever the key's type (integers, strings, composite keys) and however skewed its values
 * are, which splitting the range between the smallest and largest key evenly cannot promise. The
 * walk reads only keys, about one index scan of the table.
 */
final class ChunkSplitter {

    private final long chunkSize;

    ChunkSplitter(long chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("a chunk holds at least one row, not " + chunkSize);
        }
        this.chunkSize = chunkSize;
    }

    List<Chunk> split(TableId table, KeyIndex keys) throws Exception {
        List<Chunk> chunks = new ArrayList<>();
        List<Object> lower = null;
        while (true) {
            List<Object> upper = keys.keyAfter(lower, chunkSize);
            chunks.add(new Chunk(table, chunks.size(), lower, upper));
            if (upper == null) {
                return chunks;
            }
            lower = upper;
        }
    }

    /** A table without a usable key: one chunk, read whole. */
    static List<Chunk> whole(TableId table) {
        return List.of(new Chunk(table, 0, null, null));
    }
}
