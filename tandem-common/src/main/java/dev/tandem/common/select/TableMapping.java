package dev.tandem.common.select;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rename of tables, {@code from->to}: {@code from} is a {@link MatchRule} ({@code *} and {@code ?}
 * within a part) and each wildcard of {@code to} takes, in order, the text its counterpart in
 * {@code from} matched, e.g. {@code src_db.*->dst_db.*} or {@code shop.orders_?->shop.orders_archive_?}.
 * A mapping without wildcards renames one table.
 */
public final class TableMapping {

    public static final String ARROW = "->";

    private final String text;
    private final MatchRule from;
    private final Pattern capture;
    private final String to;

    private TableMapping(String text, MatchRule from, Pattern capture, String to) {
        this.text = text;
        this.from = from;
        this.capture = capture;
        this.to = to;
    }

    /** Parses {@code from->to}; {@code databases} makes {@code a->b} mean {@code a.*->b.*}. */
    public static TableMapping parse(String spec, boolean databases) {
        int arrow = spec.indexOf(ARROW);
        if (arrow < 0 || spec.indexOf(ARROW, arrow + 1) >= 0) {
            throw new IllegalArgumentException("mapping '" + spec + "' must be from" + ARROW + "to, e.g. "
                    + (databases ? "src_db->dst_db or src_*->dst_*" : "src_db.*->dst_db.* or shop.orders_?->shop.orders_archive_?"));
        }
        String left = spec.substring(0, arrow).trim();
        String right = spec.substring(arrow + ARROW.length()).trim();
        if (databases) {
            if (left.contains(".") || right.contains(".")) {
                throw new IllegalArgumentException("database mapping '" + spec + "' names databases, without a dot");
            }
            left = left + ".*";
            right = right + ".*";
        }
        MatchRule rule = MatchRule.parse(left);
        MatchRule target;
        try {
            target = MatchRule.parse(right);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the target of mapping '" + spec + "' must be database.table: " + e.getMessage());
        }
        if (wildcards(left) != wildcards(right)) {
            throw new IllegalArgumentException("mapping '" + spec + "' has " + wildcards(left) + " wildcard(s) on the left and "
                    + wildcards(right) + " on the right; each wildcard of the target takes what its counterpart matched");
        }
        int dot = left.indexOf('.');
        Pattern capture = Pattern.compile(MatchRule.globToRegex(left.substring(0, dot), true) + "\\."
                + MatchRule.globToRegex(left.substring(dot + 1), true));
        return new TableMapping(spec.trim(), rule, capture, target.toString());
    }

    private static int wildcards(String s) {
        return (int) s.chars().filter(c -> c == '*' || c == '?').count();
    }

    /** The new name of {@code id}, or empty when this mapping does not match it. */
    public Optional<TableId> map(TableId id) {
        if (!from.matches(id)) {
            return Optional.empty();
        }
        Matcher m = capture.matcher(id.toString());
        if (!m.matches()) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder();
        int group = 1;
        for (char c : to.toCharArray()) {
            if (c == '*' || c == '?') {
                out.append(m.group(group++));
            } else {
                out.append(c);
            }
        }
        return Optional.of(TableId.parse(out.toString()));
    }

    @Override
    public String toString() {
        return text;
    }
}
