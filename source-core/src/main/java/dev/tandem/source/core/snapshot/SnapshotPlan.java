package dev.tandem.source.core.snapshot;

import dev.tandem.source.core.StartPosition;

import java.util.ArrayList;
import java.util.List;

/**
 * A full migration: an id, the binlog position recorded before any row was read (where streaming
 * starts afterwards), and the tables with their chunks. Kept in Connect's offsets so a restart
 * continues the same plan: rows already sent were read after this position, so streaming from it
 * still replays every change made to them since.
 */
record SnapshotPlan(String id, StartPosition position, List<TablePlan> tables, List<String> tableNames) {

    /** A whole plan: its header names exactly its tables. */
    SnapshotPlan(String id, StartPosition position, List<TablePlan> tables) {
        this(id, position, tables, tables.stream().map(t -> t.table().toString()).toList());
    }

    /** The same plan holding only {@code subset} of its tables; its header still names them all. */
    SnapshotPlan withTables(List<TablePlan> subset) {
        return new SnapshotPlan(id, position, subset, tableNames);
    }

    /** When the plan was made (epoch ms): its id starts with that time in base 36; -1 for an id that does not. */
    long createdMillis() {
        int dash = id.indexOf('-');
        if (dash < 1) {
            return -1;
        }
        try {
            return Long.parseLong(id.substring(0, dash), 36);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    int chunkCount() {
        return tables.stream().mapToInt(t -> t.chunks().size()).sum();
    }

    List<Chunk> chunks() {
        List<Chunk> all = new ArrayList<>();
        tables.forEach(t -> all.addAll(t.chunks()));
        return all;
    }

    TablePlan table(dev.tandem.common.select.TableId id) {
        return tables.stream().filter(t -> t.table().equals(id)).findFirst().orElseThrow(
                () -> new IllegalArgumentException(id + " is not in snapshot plan " + this.id));
    }

    /** The position as three strings: file, position, GTID set (empty when none). */
    static List<String> positionParts(StartPosition p) {
        return List.of(p.binlogFile() == null ? "" : p.binlogFile(), Long.toString(p.binlogPosition()),
                p.gtidSet() == null ? "" : p.gtidSet());
    }

    static StartPosition position(String file, String pos, String gtids) {
        return new StartPosition(file == null || file.isEmpty() ? null : file, Long.parseLong(pos),
                gtids == null || gtids.isEmpty() ? null : gtids);
    }

    /** Everything but the tables, packed. */
    String packHeader() {
        List<String> parts = new ArrayList<>(List.of(id));
        parts.addAll(positionParts(position));
        parts.add(Packed.pack(tableNames));
        return Packed.pack(parts);
    }

    String pack() {
        List<String> parts = new ArrayList<>();
        parts.add(packHeader());
        tables.forEach(t -> parts.add(t.pack()));
        return Packed.pack(parts);
    }

    static SnapshotPlan unpack(String packed) {
        List<String> parts = Packed.unpack(packed);
        List<String> header = Packed.unpack(parts.get(0));
        List<TablePlan> tables = new ArrayList<>();
        for (int i = 1; i < parts.size(); i++) {
            tables.add(TablePlan.unpack(parts.get(i)));
        }
        return new SnapshotPlan(header.get(0), position(header.get(1), header.get(2), header.get(3)), tables,
                tableNames(parts.get(0)));
    }

    /** The header's fields: id, then the position's file, position and GTID set. */
    static List<String> header(String packedHeader) {
        return Packed.unpack(packedHeader);
    }

    /** The table names of a packed header, in plan order. */
    static List<String> tableNames(String packedHeader) {
        List<String> header = Packed.unpack(packedHeader);
        return header.get(4).isEmpty() ? List.of() : Packed.unpack(header.get(4));
    }
}
