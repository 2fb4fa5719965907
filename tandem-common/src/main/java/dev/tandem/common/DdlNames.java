package dev.tandem.common;

import dev.tandem.common.select.TableId;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tables a renaming statement names, read from its text: {@code RENAME TABLE a TO b, c TO d}
 * (as online schema-change tools switch tables) and {@code ALTER TABLE a ... RENAME [TO|AS] b}.
 * Debezium reports a multi-table RENAME as one schema-change event per pair, each carrying
 * {@code RENAME TABLE} and its pair; {@link #clauses} splits a statement the same way and
 * {@link #joined} puts such events back together.
 */
public final class DdlNames {

    /** One table renamed: its name before and after. */
    public record Rename(TableId from, TableId to) {
    }

    private DdlNames() {
    }

    /** The pairs a RENAME TABLE or ALTER TABLE ... RENAME names (empty for any other statement). */
    public static List<Rename> renames(String ddl, String defaultDatabase) {
        Tokens t = new Tokens(ddl);
        String first = t.word();
        List<Rename> pairs = new ArrayList<>();
        if (first.equals("RENAME") && t.word().equals("TABLE")) {
            do {
                TableId from = t.name(defaultDatabase);
                if (from == null || !t.word().equals("TO")) {
                    return List.of();
                }
                TableId to = t.name(defaultDatabase);
                if (to == null) {
                    return List.of();
                }
                pairs.add(new Rename(from, to));
            } while (t.symbol(','));
        } else if (first.equals("ALTER") && t.word().equals("TABLE")) {
            TableId from = t.name(defaultDatabase);
            while (from != null && !t.atEnd()) {
                if (t.peekWord().isEmpty()) {
                    t.skip();
                } else if (t.word().equals("RENAME")) {
                    String next = t.peekWord();
                    if (next.equals("COLUMN") || next.equals("INDEX") || next.equals("KEY")) {
                        continue;
                    }
                    if (next.equals("TO") || next.equals("AS")) {
                        t.word();
                    }
                    TableId to = t.name(defaultDatabase);
                    return to == null ? List.of() : List.of(new Rename(from, to));
                }
            }
        }
        return pairs;
    }

    /**
     * A RENAME TABLE statement of several pairs as one statement per pair, each the statement's text
     * up to its first pair followed by the pair (Debezium's events of it carry exactly these); any
     * other statement as it is.
     */
    public static List<String> clauses(String ddl) {
        Tokens t = new Tokens(ddl);
        if (!t.word().equals("RENAME") || !t.word().equals("TABLE")) {
            return List.of(ddl);
        }
        String head = ddl.substring(0, t.position());
        List<String> out = new ArrayList<>();
        int start = t.position();
        while (!t.atEnd()) {
            int at = t.position();
            if (t.symbol(',')) {
                out.add(head + ddl.substring(start, at).trim());
                start = t.position();
            } else {
                t.skip();
            }
        }
        out.add(head + ddl.substring(start).trim());
        return out.size() == 1 ? List.of(ddl) : out;
    }

    /** One RENAME TABLE statement from single-pair statements of the same shape ({@link #clauses} reversed). */
    public static String joined(List<String> renames) {
        StringBuilder s = new StringBuilder(renames.get(0).trim());
        for (String r : renames.subList(1, renames.size())) {
            Tokens t = new Tokens(r);
            t.word();
            t.word();
            s.append(", ").append(r.substring(t.position()).trim());
        }
        return s.toString();
    }

    /** A minimal reader of MySQL statement text: words, `quoted` names, symbols; comments and strings skipped. */
    private static final class Tokens {
        private final String s;
        private int i;

        Tokens(String s) {
            this.s = s;
        }

        int position() {
            space();
            return i;
        }

        boolean atEnd() {
            space();
            return i >= s.length() || s.charAt(i) == ';';
        }

        private void space() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (s.startsWith("/*", i)) {
                    int end = s.indexOf("*/", i + 2);
                    i = end < 0 ? s.length() : end + 2;
                } else if (s.startsWith("-- ", i) || c == '#') {
                    int end = s.indexOf('\n', i);
                    i = end < 0 ? s.length() : end + 1;
                } else {
                    return;
                }
            }
        }

        /** The next bare word upper-cased and consumed, or "" (nothing consumed) when none is next. */
        String word() {
            String w = peekWord();
            i += w.length();
            return w;
        }

        String peekWord() {
            space();
            int j = i;
            while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '$')) {
                j++;
            }
            return s.substring(i, j).toUpperCase(Locale.ROOT);
        }

        boolean symbol(char c) {
            space();
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        /** Consumes one token of any kind. */
        void skip() {
            space();
            if (i >= s.length()) {
                return;
            }
            char c = s.charAt(i);
            if (c == '`' || c == '\'' || c == '"') {
                identifier(c);
            } else if (peekWord().isEmpty()) {
                i++;
            } else {
                word();
            }
        }

        private String identifier(char quote) {
            StringBuilder b = new StringBuilder();
            i++;
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == quote) {
                    if (i < s.length() && s.charAt(i) == quote) {
                        b.append(quote);
                        i++;
                    } else {
                        break;
                    }
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }

        private String part() {
            space();
            if (i < s.length() && s.charAt(i) == '`') {
                return identifier('`');
            }
            int j = i;
            while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '$')) {
                j++;
            }
            String p = s.substring(i, j);
            i = j;
            return p.isEmpty() ? null : p;
        }

        /** A table name, {@code db.table} or {@code table} (in {@code defaultDatabase}); null when none is next. */
        TableId name(String defaultDatabase) {
            String first = part();
            if (first == null) {
                return null;
            }
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                String second = part();
                return second == null ? null : new TableId(first, second);
            }
            return defaultDatabase == null || defaultDatabase.isEmpty() ? null : new TableId(defaultDatabase, first);
        }
    }
}
