package dev.tandem.source.core.snapshot;

import dev.tandem.common.select.TableId;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The splitter walks an index of keys in key order; here the index is an in-memory sorted set
 * (the same contract as the server's, see {@link JdbcKeyIndexTest} for the SQL one), so the
 * balance of chunks can be checked for skewed, string and composite keys.
 */
class ChunkSplitterTest {

    private static final TableId T = new TableId("db", "t");

    /** Keys of one table, sorted by the comparator the server would use. */
    private record SortedKeys(TreeSet<List<Object>> keys) implements KeyIndex {
        @Override
        public List<Object> keyAfter(List<Object> after, long rows) {
            var tail = after == null ? keys : keys.tailSet(after, false);
            long i = 0;
            for (List<Object> k : tail) {
                if (++i == rows) {
                    return k;
                }
            }
            return null;
        }

        long count(Predicate<List<Object>> p) {
            return keys.stream().filter(p).count();
        }
    }

    @SuppressWarnings("unchecked")
    private static final Comparator<List<Object>> BY_KEY = (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
            int c = ((Comparable<Object>) a.get(i)).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    private static SortedKeys keys(List<List<Object>> values) {
        TreeSet<List<Object>> set = new TreeSet<>(BY_KEY);
        set.addAll(values);
        return new SortedKeys(set);
    }

    /** Rows per chunk, counting each key by the chunk's bounds (lower exclusive, upper inclusive). */
    private static List<Long> sizes(List<Chunk> chunks, SortedKeys keys) {
        List<Long> sizes = new ArrayList<>();
        for (Chunk c : chunks) {
            sizes.add(keys.count(k -> (c.lower() == null || BY_KEY.compare(k, c.lower()) > 0)
                    && (c.upper() == null || BY_KEY.compare(k, c.upper()) <= 0)));
        }
        return sizes;
    }

    @Test
    void skewedIntegerKeysGiveChunksOfEqualSize() throws Exception {
        // 9,000 keys packed in 1..9000 and 1,000 spread up to 10^12: an even split of [min, max] would
        // put 9,000+ rows in the first chunk and leave the others nearly empty.
        List<List<Object>> values = new ArrayList<>();
        for (long i = 1; i <= 9_000; i++) {
            values.add(List.of(BigInteger.valueOf(i)));
        }
        for (long i = 1; i <= 1_000; i++) {
            values.add(List.of(BigInteger.valueOf(i * 1_000_000_000L)));
        }
        SortedKeys keys = keys(values);
        List<Chunk> chunks = new ChunkSplitter(1_000).split(T, keys);
        List<Long> sizes = sizes(chunks, keys);
        assertThat(sizes.subList(0, 10)).containsOnly(1_000L);
        assertThat(sizes.get(10)).as("the open last chunk").isZero();
        assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(10_000);
        assertThat(chunks.get(0).lower()).isNull();
        assertThat(chunks.get(chunks.size() - 1).upper()).isNull();
        assertThat(chunks).extracting(Chunk::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void stringKeysSplitInTheirOwnOrder() throws Exception {
        List<List<Object>> values = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            values.add(List.of("customer-" + Integer.toString(i * 7919 % 100_000, 36)));
        }
        SortedKeys keys = keys(values);
        List<Long> sizes = sizes(new ChunkSplitter(1_000).split(T, keys), keys);
        assertThat(sizes).containsExactly(1_000L, 1_000L, 500L);
    }

    @Test
    void compositeKeysSplitInsideARunOfTheFirstColumn() throws Exception {
        // One tenant holds 90 % of the rows: chunks must split inside its run of the first key column.
        List<List<Object>> values = new ArrayList<>();
        for (int i = 0; i < 4_500; i++) {
            values.add(List.of("tenant-a", BigInteger.valueOf(i)));
        }
        for (int t = 0; t < 500; t++) {
            values.add(List.of("tenant-" + (char) ('b' + t % 20), BigInteger.valueOf(t)));
        }
        SortedKeys keys = keys(values);
        List<Chunk> chunks = new ChunkSplitter(1_250).split(T, keys);
        assertThat(sizes(chunks, keys)).containsExactly(1_250L, 1_250L, 1_250L, 1_250L, 0L);
        assertThat(chunks.get(1).upper()).containsExactly("tenant-a", BigInteger.valueOf(2_499));
    }

    @Test
    void anEmptyTableIsOneOpenChunk() throws Exception {
        List<Chunk> chunks = new ChunkSplitter(10).split(T, keys(List.of()));
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).lower()).isNull();
        assertThat(chunks.get(0).upper()).isNull();
    }

    @Test
    void aChunkHoldsAtLeastOneRow() {
        assertThatThrownBy(() -> new ChunkSplitter(0)).hasMessageContaining("at least one row");
    }
}
