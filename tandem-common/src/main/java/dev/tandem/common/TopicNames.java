package dev.tandem.common;

import dev.tandem.common.select.TableId;

/** Topic names as Debezium's default topic naming writes them. */
public final class TopicNames {

    /** The suffix of a source's transaction metadata topic: {@code <topic.prefix>.transaction}. */
    public static final String TRANSACTION_SUFFIX = ".transaction";

    private TopicNames() {
    }

    /** A table's topic, {@code prefix.db.table}, each character Kafka does not allow in a topic name replaced by an underscore. */
    public static String table(String prefix, TableId table) {
        return valid(prefix + "." + table.database() + "." + table.table());
    }

    /** A data collection's ({@code db.table}, as transaction metadata names it) topic: {@code prefix.db.table}, made valid. */
    public static String collection(String prefix, String collection) {
        return valid(prefix + "." + collection);
    }

    private static String valid(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            boolean valid = c == '.' || c == '_' || c == '-' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            b.append(valid ? c : '_');
        }
        return b.toString();
    }
}
