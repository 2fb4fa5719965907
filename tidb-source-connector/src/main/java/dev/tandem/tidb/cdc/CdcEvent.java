package dev.tandem.tidb.cdc;

import dev.tandem.common.select.TableId;

import java.util.Map;

/**
 * One event of a TiCDC change stream, whatever its protocol: a row change (with the row's
 * columns before and after, values as the protocol carries them), a DDL statement, or a
 * watermark (every event with a smaller commit ts has been sent to the partition it arrived in).
 *
 * @param kind      what the event is
 * @param table     the row's table; for DDL the database (table may be empty)
 * @param op        for rows: c, u or d
 * @param before    for updates and deletes: column name to value (null for inserts)
 * @param after     for inserts and updates: column name to value (null for deletes)
 * @param commitTs  the TSO of the transaction (rows, DDL) or the watermark's TSO
 * @param ddl       the statement of a DDL event
 */
public record CdcEvent(Kind kind, TableId table, String op, Map<String, Object> before, Map<String, Object> after,
                       long commitTs, String ddl) {

    public enum Kind { ROW, DDL, WATERMARK }

    public static CdcEvent row(TableId table, String op, Map<String, Object> before, Map<String, Object> after, long commitTs) {
        return new CdcEvent(Kind.ROW, table, op, before, after, commitTs, null);
    }

    public static CdcEvent ddl(TableId scope, String ddl, long commitTs) {
        return new CdcEvent(Kind.DDL, scope, null, null, null, commitTs, ddl);
    }

    public static CdcEvent watermark(long ts) {
        return new CdcEvent(Kind.WATERMARK, null, null, null, null, ts, null);
    }

    /** The physical part of a TSO: milliseconds since the epoch (the low 18 bits are a logical counter). */
    public static long physicalMillis(long tso) {
        return tso >>> 18;
    }
}
