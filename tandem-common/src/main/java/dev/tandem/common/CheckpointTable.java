package dev.tandem.common;

import dev.tandem.common.select.TableId;

/**
 * The checkpoint table of the sink (see docs/design.md): one row per connector, topic and
 * partition holding the origin region and the last applied offset. Written first in every apply
 * transaction, it is both the loop marker the source's origin tagger sees and the sink's
 * exactly-once checkpoint. Source and sink find it by the same option and default.
 */
public final class CheckpointTable {

    /** The option naming the table, {@code database.table}, on source and sink alike. */
    public static final String CONFIG = "tandem.checkpoint.table";
    public static final String DEFAULT = "tandem.tandem_checkpoint";
    public static final String DOC = "The checkpoint table, as database.table: the sink writes one row of it first "
            + "in every transaction it applies (the loop marker and exactly-once checkpoint); the source of an "
            + "active-active link captures it to recognise replicated transactions. Source and sink of the same "
            + "database must name the same table.";

    public static final String CONNECTOR = "connector";
    public static final String TOPIC = "topic";
    public static final String PARTITION = "kafka_partition";
    public static final String ORIGIN = "origin";
    public static final String KAFKA_OFFSET = "kafka_offset";
    public static final String DDL = "ddl";
    public static final String UPDATED = "updated_at";

    /**
     * The reserved topic name of the row a sink with DDL synchronization keeps in the checkpoint
     * table of its destination (partition -1, origin = the sink's region): it tells the source
     * capturing that database, at {@code validate}, that DDL already travels into it, so DDL sync is
     * not enabled on the other link of the pair too.
     */
    public static final String DDL_SYNC_TOPIC = "__tandem.ddl-sync";
    /** The option of an active-active source that lets both links of a pair carry DDL (tests, and users who must). */
    public static final String DDL_BOTH_LINKS = "tandem.ddl.both.links";

    private CheckpointTable() {
    }

    public static TableId parse(String value) {
        return TableId.parse(value.trim());
    }

    /**
     * A DDL statement as the sink announces it in the {@code ddl} column and as the tagger matches
     * it with schema-change events: whitespace collapsed, a trailing semicolon dropped, case folded.
     */
    public static String normaliseDdl(String ddl) {
        String s = ddl.trim().replaceAll("\\s+", " ");
        if (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        return s.toLowerCase(java.util.Locale.ROOT);
    }
}
