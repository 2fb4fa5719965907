package dev.tandem.common;

import dev.tandem.common.select.TableId;

import java.util.ArrayList;
import java.util.List;

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
        String db = defaultDatabase == null ? "" : defaultDatabase;
        try {
            SqlLexer l = new SqlLexer(ddl);
            String first = l.word();
            if (first.equals("RENAME") && l.word().equals("TABLE")) {
                List<Rename> pairs = new ArrayList<>();
                do {
                    TableId from = l.name(db);
                    l.expectWord("TO");
                    pairs.add(new Rename(from, l.name(db)));
                } while (l.acceptSymbol(','));
                return pairs;
            }
            if (first.equals("ALTER") && l.word().equals("TABLE")) {
                TableId from = l.name(db);
                for (String clause : l.splitTopLevel(l.position(), ddl.length())) {
                    SqlLexer c = new SqlLexer(clause);
                    if (!c.word().equals("RENAME")) {
                        continue;
                    }
                    String next = c.peekWord();
                    if (next.equals("TO") || next.equals("AS")) {
                        c.word();
                    } else if (!next.isEmpty()) {
                        continue; // RENAME COLUMN, INDEX or KEY
                    }
                    return List.of(new Rename(from, c.name(db)));
                }
            }
        } catch (SqlLexer.SyntaxException e) {
            return List.of(); // not a statement this reads
        }
        return List.of();
    }

    /**
     * The first table a {@code CREATE|ALTER|DROP|TRUNCATE|RENAME TABLE} statement names, qualified
     * or in {@code defaultDatabase}; empty for any other statement or one this cannot read.
     */
    public static java.util.Optional<TableId> firstTable(String ddl, String defaultDatabase) {
        try {
            SqlLexer l = new SqlLexer(ddl);
            String verb = l.word();
            if (!List.of("CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME").contains(verb)) {
                return java.util.Optional.empty();
            }
            String word = l.word();
            while (!word.equals("TABLE")) { // CREATE OR REPLACE TEMPORARY TABLE, ALTER ONLINE IGNORE TABLE
                if (word.isEmpty() || word.equals("INDEX") || word.equals("VIEW") || word.equals("DATABASE")
                        || word.equals("SCHEMA") || word.equals("TRIGGER") || word.equals("PROCEDURE") || word.equals("FUNCTION")) {
                    return java.util.Optional.empty();
                }
                word = l.word();
            }
            if (l.peekWord().equals("IF")) {
                l.word();
                if (l.peekWord().equals("NOT")) {
                    l.word();
                }
                l.expectWord("EXISTS");
            }
            return java.util.Optional.of(l.name(defaultDatabase == null ? "" : defaultDatabase));
        } catch (SqlLexer.SyntaxException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * A RENAME TABLE statement of several pairs as one statement per pair, each the statement's text
     * up to its first pair followed by the pair (Debezium's events of it carry exactly these); any
     * other statement as it is.
     */
    public static List<String> clauses(String ddl) {
        SqlLexer l = new SqlLexer(ddl);
        if (!l.word().equals("RENAME") || !l.word().equals("TABLE")) {
            return List.of(ddl);
        }
        int start = l.position();
        String head = ddl.substring(0, start);
        List<String> pairs = l.splitTopLevel(start, ddl.length());
        return pairs.size() <= 1 ? List.of(ddl) : pairs.stream().map(p -> head + p.trim()).toList();
    }

    /** One RENAME TABLE statement from single-pair statements of the same shape ({@link #clauses} reversed). */
    public static String joined(List<String> renames) {
        StringBuilder s = new StringBuilder(renames.get(0).trim());
        for (String r : renames.subList(1, renames.size())) {
            SqlLexer l = new SqlLexer(r);
            l.word();
            l.word();
            s.append(", ").append(r.substring(l.position()).trim());
        }
        return s.toString();
    }
}
