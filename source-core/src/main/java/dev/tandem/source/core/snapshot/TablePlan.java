package dev.tandem.source.core.snapshot;

import dev.tandem.common.select.TableId;

import java.util.ArrayList;
import java.util.List;

/**
 * How one table is copied: its key columns (empty: read whole), the row count the server
 * estimated, and its chunks in key order.
 */
record TablePlan(TableId table, List<String> keyColumns, long estimatedRows, List<Chunk> chunks) {

    String pack() {
        List<String> bounds = new ArrayList<>();
        for (Chunk c : chunks) {
            bounds.add(KeyValues.encode(c.upper()));
        }
        // Chunk i runs from the upper bound of chunk i-1 to its own; the last one is open.
        return Packed.pack(List.of(table.database(), table.table(), Packed.pack(keyColumns), Long.toString(estimatedRows),
                Packed.pack(bounds)));
    }

    static TablePlan unpack(String packed) {
        List<String> parts = Packed.unpack(packed);
        TableId table = new TableId(parts.get(0), parts.get(1));
        List<String> keyColumns = parts.get(2).isEmpty() ? List.of() : Packed.unpack(parts.get(2));
        List<Chunk> chunks = new ArrayList<>();
        List<Object> lower = null;
        for (String bound : Packed.unpack(parts.get(4))) {
            List<Object> upper = KeyValues.decode(bound);
            chunks.add(new Chunk(table, chunks.size(), lower, upper));
            lower = upper;
        }
        return new TablePlan(table, keyColumns, Long.parseLong(parts.get(3)), chunks);
    }
}
