package dev.tandem.source.core.snapshot;

import java.util.List;

/** The keys of one table in key order, as the chunk splitter walks them. */
interface KeyIndex {

    /**
     * The key {@code rows} rows after {@code after} (exclusive; null = before the first key): the
     * inclusive upper bound of a chunk of {@code rows} rows that starts after {@code after}. Null
     * when fewer than {@code rows} keys follow.
     */
    List<Object> keyAfter(List<Object> after, long rows) throws Exception;
}
