package dev.tandem.common.select;

import java.util.regex.Pattern;

/**
 * One {@code database.table} pattern where {@code *} matches any run of characters and {@code ?}
 * one character, within its part (a wildcard never crosses the dot). Matching is case-sensitive,
 * as table names are on Linux servers.
 */
public final class MatchRule {

    private final String text;
    private final Pattern database;
    private final Pattern table;

    private MatchRule(String text, Pattern database, Pattern table) {
        this.text = text;
        this.database = database;
        this.table = table;
    }

    /**
     * Parses a rule. Names containing {@code $$} are refused: OMS reserves {@code $$} and such
     * names cannot be told apart from its generated ones.
     */
    public static MatchRule parse(String rule) {
        String text = rule.trim();
        int dot = text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1 || text.indexOf('.', dot + 1) >= 0) {
            throw new IllegalArgumentException("match rule '" + rule + "' must be database.table, where either part may "
                    + "use * and ? wildcards (e.g. shop.orders, shop.*, shop_?.orders_*)");
        }
        if (text.contains("$$")) {
            throw new IllegalArgumentException("match rule '" + rule + "' contains '$$', which is not allowed in "
                    + "database or table names");
        }
        return new MatchRule(text, compile(text.substring(0, dot)), compile(text.substring(dot + 1)));
    }

    private static Pattern compile(String glob) {
        return Pattern.compile(globToRegex(glob));
    }

    /** The regular expression of one part; wildcards stay inside the part. */
    static String globToRegex(String glob) {
        return globToRegex(glob, false);
    }

    /** As {@link #globToRegex(String)}; with {@code capturing}, each wildcard is a group, in order. */
    static String globToRegex(String glob, boolean capturing) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                String any = c == '*' ? "[^.]*" : "[^.]";
                regex.append(capturing ? "(" + any + ")" : any);
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return regex.toString();
    }

    public boolean matches(TableId id) {
        return database.matcher(id.database()).matches() && table.matcher(id.table()).matches();
    }

    /** A regular expression matching {@code database.table} as a whole, for Debezium's include lists. */
    public String toQualifiedRegex() {
        return database.pattern() + "\\." + table.pattern();
    }

    public boolean hasWildcard() {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
