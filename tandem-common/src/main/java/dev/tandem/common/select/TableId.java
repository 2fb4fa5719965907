package dev.tandem.common.select;

import java.util.Objects;

/** A table by database and name, as MySQL-family servers name it. */
public record TableId(String database, String table) {

    public TableId {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(table, "table");
    }

    /** Parses {@code db.table}; the first dot separates the two. */
    public static TableId parse(String qualified) {
        int dot = qualified.indexOf('.');
        if (dot <= 0 || dot == qualified.length() - 1) {
            throw new IllegalArgumentException("'" + qualified + "' is not of the form database.table");
        }
        return new TableId(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    /**
     * The table a change topic named {@code prefix.db.table} is for (its last two dot-separated
     * parts), or null when the topic has fewer than two parts.
     */
    public static TableId ofTopic(String topic) {
        int last = topic.lastIndexOf('.');
        if (last <= 0 || last == topic.length() - 1) {
            return null;
        }
        int previous = topic.lastIndexOf('.', last - 1);
        return new TableId(topic.substring(previous + 1, last), topic.substring(last + 1));
    }

    @Override
    public String toString() {
        return database + "." + table;
    }
}
