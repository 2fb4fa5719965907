package dev.tandem.common;

import dev.tandem.common.select.TableId;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

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

    /**
     * Whether a sink subscribed with {@code topics} (comma-separated) or {@code topicsRegex} reads a
     * source's transaction topic: a listed topic ends with {@code .transaction}, or the regex matches
     * {@code <prefix>.transaction} for the prefix it starts with ({@link #leadingPrefix}).
     */
    public static boolean readsTransactionTopic(String topics, String topicsRegex) {
        if (topics != null && Arrays.stream(topics.split(",")).anyMatch(t -> t.trim().endsWith(TRANSACTION_SUFFIX))) {
            return true;
        }
        Optional<String> prefix = leadingPrefix(topicsRegex);
        return prefix.isPresent() && Pattern.compile(topicsRegex.trim()).matcher(prefix.get() + TRANSACTION_SUFFIX).matches();
    }

    /**
     * The topic prefix a subscription regex starts with: its literal characters up to the first
     * {@code \.} ({@code east} for {@code east\.shop\..*}); empty when it starts otherwise (a
     * group, a class, a wildcard) or is blank.
     */
    public static Optional<String> leadingPrefix(String regex) {
        if (regex == null || regex.isBlank()) {
            return Optional.empty();
        }
        String r = regex.trim();
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            if (c == '\\' && i + 1 < r.length() && r.charAt(i + 1) == '.') {
                return prefix.length() == 0 ? Optional.empty() : Optional.of(prefix.toString());
            }
            boolean literal = c == '_' || c == '-' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!literal) {
                return Optional.empty();
            }
            prefix.append(c);
        }
        return Optional.empty();
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
