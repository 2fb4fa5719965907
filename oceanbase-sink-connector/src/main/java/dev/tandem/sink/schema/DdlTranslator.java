package dev.tandem.sink.schema;

import dev.tandem.common.SqlLexer;
import dev.tandem.common.select.TableId;
import dev.tandem.sink.dialect.Dialect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Translates the DDL of a source's schema-change event into statements for the destination: table
 * names replaced by their destination names (the sink's {@code tandem.table.name.format}), and
 * the statement checked against the supported list. With post-indexing, the non-unique secondary
 * indexes of a {@code CREATE TABLE} are split off, to be added once the table's rows are in.
 *
 * <p>Supported: CREATE TABLE, DROP TABLE, RENAME TABLE, TRUNCATE TABLE, CREATE/DROP INDEX, and
 * ALTER TABLE with ADD/DROP/MODIFY/CHANGE/ALTER/RENAME COLUMN, ADD/DROP/RENAME INDEX or KEY (also
 * UNIQUE, FULLTEXT, SPATIAL, PRIMARY KEY), RENAME TO, and COMMENT. Anything else is refused with
 * the statement, so the user decides (stop, or skip such DDL).
 */
public final class DdlTranslator {

    /**
     * What to execute: {@code prepare} first (e.g. the database a new table needs), then the
     * statements (the first is the one the DDL marker announces), later the indexes held back until
     * the table's rows are in; and the destination table.
     */
    public record Translation(String kind, List<String> prepare, List<String> statements, List<String> deferredIndexes,
                              TableId table) {
        Translation(String kind, List<String> statements, List<String> deferredIndexes, TableId table) {
            this(kind, List.of(), statements, deferredIndexes, table);
        }

        public boolean ignored() {
            return statements.isEmpty();
        }
    }

    /** A statement outside the supported list. */
    public static final class UnsupportedDdlException extends Exception {
        public UnsupportedDdlException(String message) {
            super(message);
        }
    }

    private final UnaryOperator<TableId> destination;
    private final DestinationDdl target;

    /** @param destination the destination table of a source table */
    public DdlTranslator(UnaryOperator<TableId> destination) {
        this(destination, DestinationDdl.SAME);
    }

    /**
     * @param destination the destination table of a source table
     * @param target      what the destination server takes (character sets, collations, types, table options)
     */
    public DdlTranslator(UnaryOperator<TableId> destination, DestinationDdl target) {
        this.destination = destination;
        this.target = target;
    }

    /**
     * Translates one statement.
     *
     * @param defaultDatabase the database unqualified names are in (the event's {@code databaseName})
     * @param snapshot        whether the event comes from a snapshot (its DROP TABLE IF EXISTS only prepares the CREATE)
     * @param postIndexing    split non-unique secondary indexes off CREATE TABLE
     */
    public Translation translate(String ddl, String defaultDatabase, boolean snapshot, boolean postIndexing)
            throws UnsupportedDdlException {
        try {
            return translated(ddl, defaultDatabase, snapshot, postIndexing);
        } catch (SqlLexer.SyntaxException e) {
            throw new UnsupportedDdlException(e.getMessage());
        }
    }

    private Translation translated(String ddl, String defaultDatabase, boolean snapshot, boolean postIndexing)
            throws UnsupportedDdlException {
        SqlLexer l = new SqlLexer(ddl);
        String first = l.word();
        switch (first) {
            case "CREATE" -> {
                String next = l.peekWord();
                if (next.equals("TEMPORARY")) {
                    return ignored("CREATE TEMPORARY TABLE");
                }
                if (next.equals("TABLE")) {
                    l.word();
                    return createTable(ddl, l, defaultDatabase, postIndexing);
                }
                if (next.equals("UNIQUE") || next.equals("FULLTEXT") || next.equals("SPATIAL") || next.equals("INDEX")) {
                    return index("CREATE INDEX", ddl, l, defaultDatabase);
                }
                throw unsupported(ddl);
            }
            case "ALTER" -> {
                String next = l.word();
                while (next.equals("ONLINE") || next.equals("IGNORE")) {
                    next = l.word();
                }
                if (!next.equals("TABLE")) {
                    throw unsupported(ddl);
                }
                return alterTable(ddl, l, defaultDatabase);
            }
            case "DROP" -> {
                String next = l.word();
                if (next.equals("TEMPORARY")) {
                    return ignored("DROP TEMPORARY TABLE");
                }
                if (next.equals("INDEX")) {
                    return index("DROP INDEX", ddl, l, defaultDatabase);
                }
                if (!next.equals("TABLE")) {
                    throw unsupported(ddl);
                }
                if (snapshot) {
                    return ignored("the snapshot's DROP TABLE IF EXISTS, which only precedes its CREATE TABLE");
                }
                if (l.peekWord().equals("IF")) {
                    l.word();
                    l.expectWord("EXISTS");
                }
                List<String> names = new ArrayList<>();
                TableId last = null;
                do {
                    last = dest(l.name(defaultDatabase));
                    names.add(quoted(last));
                } while (l.acceptSymbol(','));
                return new Translation("DROP TABLE", List.of("DROP TABLE IF EXISTS " + String.join(", ", names)), List.of(), last);
            }
            case "RENAME" -> {
                l.expectWord("TABLE");
                List<String> pairs = new ArrayList<>();
                TableId last = null;
                do {
                    TableId from = dest(l.name(defaultDatabase));
                    l.expectWord("TO");
                    last = dest(l.name(defaultDatabase));
                    pairs.add(quoted(from) + " TO " + quoted(last));
                } while (l.acceptSymbol(','));
                return new Translation("RENAME TABLE", List.of("RENAME TABLE " + String.join(", ", pairs)), List.of(), last);
            }
            case "TRUNCATE" -> {
                if (l.peekWord().equals("TABLE")) {
                    l.word();
                }
                TableId t = dest(l.name(defaultDatabase));
                return new Translation("TRUNCATE TABLE", List.of("TRUNCATE TABLE " + quoted(t)), List.of(), t);
            }
            default -> throw unsupported(ddl);
        }
    }

    /** A source database's default character set and collation as the destination names them (its nearest). */
    public String[] databaseDefaults(String charset, String collation) {
        return new String[] {target.charset(charset), target.collation(collation)};
    }

    private Translation createTable(String ddl, SqlLexer l, String db, boolean postIndexing) throws UnsupportedDdlException {
        if (l.peekWord().equals("IF")) {
            l.word();
            l.expectWord("NOT");
            l.expectWord("EXISTS");
        }
        TableId t = dest(l.name(db));
        int open = l.position();
        if (l.peekWord().equals("LIKE")) {
            // CREATE TABLE ... LIKE, as gh-ost and pt-online-schema-change create their shadow tables
            l.word();
            TableId like = dest(l.name(db));
            return new Translation("CREATE TABLE", List.of("CREATE DATABASE IF NOT EXISTS " + Dialect.quote(t.database())),
                    List.of("CREATE TABLE IF NOT EXISTS " + quoted(t) + " LIKE " + quoted(like)), List.of(), t);
        }
        if (!l.acceptSymbol('(')) {
            throw new UnsupportedDdlException("CREATE TABLE without a column list (AS SELECT) is not supported: " + ddl);
        }
        int close = l.matchingParenthesis(open);
        List<String> definitions = l.splitTopLevel(open + 1, close);
        List<String> kept = new ArrayList<>();
        List<String> deferred = new ArrayList<>();
        for (String d : definitions) {
            if (postIndexing && isSecondaryIndex(d)) {
                deferred.add("ALTER TABLE " + quoted(t) + " ADD " + target.index(d.trim()));
            } else {
                kept.add(isColumn(d) ? target.column(d.trim()) : target.index(d.trim()));
            }
        }
        String create = "CREATE TABLE IF NOT EXISTS " + quoted(t) + " (\n  " + String.join(",\n  ", kept) + "\n)"
                + target.tableOptions(ddl.substring(close + 1));
        return new Translation("CREATE TABLE", List.of("CREATE DATABASE IF NOT EXISTS " + Dialect.quote(t.database())),
                List.of(create), deferred, t);
    }

    private static final java.util.Set<String> NOT_COLUMNS = java.util.Set.of("PRIMARY", "UNIQUE", "KEY", "INDEX", "FULLTEXT",
            "SPATIAL", "CONSTRAINT", "CHECK", "FOREIGN", "PERIOD");

    /** Whether a CREATE TABLE definition is a column (not a key, index, constraint or period). */
    static boolean isColumn(String definition) {
        SqlLexer l = new SqlLexer(definition);
        return l.isIdentifierNext() && !NOT_COLUMNS.contains(l.peekWord()); // a `quoted` name peeks as ""
    }

    /** A non-unique secondary index definition: KEY, INDEX, FULLTEXT or SPATIAL (not PRIMARY, UNIQUE or a column). */
    static boolean isSecondaryIndex(String definition) {
        String d = definition.trim().toUpperCase(Locale.ROOT);
        return d.startsWith("KEY ") || d.startsWith("INDEX ") || d.startsWith("KEY`") || d.startsWith("INDEX`")
                || d.startsWith("FULLTEXT ") || d.startsWith("SPATIAL ");
    }

    private Translation alterTable(String ddl, SqlLexer l, String db) throws UnsupportedDdlException {
        TableId t = dest(l.name(db));
        List<String> clauses = l.splitTopLevel(l.position(), ddl.length());
        List<String> translated = new ArrayList<>();
        for (String clause : clauses) {
            SqlLexer c = new SqlLexer(clause);
            String w = c.word();
            String n = c.peekWord();
            boolean ok = switch (w) {
                case "ADD", "DROP" -> !n.isEmpty() && (List.of("COLUMN", "INDEX", "KEY", "UNIQUE", "FULLTEXT", "SPATIAL", "PRIMARY",
                        "CONSTRAINT", "IF").contains(n) || c.isIdentifierNext() || c.peekSymbol('('));
                case "MODIFY", "CHANGE" -> true;
                case "ALTER" -> n.equals("COLUMN") || c.isIdentifierNext();
                case "RENAME" -> true;
                case "COMMENT" -> true;
                default -> false;
            };
            if (w.equals("DROP") && (n.equals("FOREIGN") || n.equals("PARTITION") || n.equals("CHECK"))) {
                ok = false;
            }
            if (!ok) {
                throw new UnsupportedDdlException("ALTER TABLE clause '" + clause.trim() + "' is not supported (supported: "
                        + "ADD/DROP/MODIFY/CHANGE/ALTER/RENAME COLUMN, ADD/DROP/RENAME INDEX or KEY, RENAME TO, COMMENT): " + ddl);
            }
            if (w.equals("RENAME") && (n.equals("TO") || n.equals("AS") || (!n.equals("COLUMN") && !n.equals("INDEX")
                    && !n.equals("KEY")))) {
                if (n.equals("TO") || n.equals("AS")) {
                    c.word();
                }
                TableId renamed = dest(c.name(db));
                translated.add("RENAME TO " + quoted(renamed));
                continue;
            }
            translated.add(columnClause(c, w, n, clause));
        }
        return new Translation("ALTER TABLE", List.of("ALTER TABLE " + quoted(t) + " " + String.join(", ", translated)),
                List.of(), t);
    }

    /**
     * An ALTER TABLE clause with its column definition (ADD [COLUMN], MODIFY, CHANGE) written for
     * the destination; other clauses as they are.
     */
    private String columnClause(SqlLexer c, String w, String next, String clause) throws UnsupportedDdlException {
        // ADD [COLUMN] [IF NOT EXISTS] col ...; ADD INDEX/KEY/CONSTRAINT/... is not a column
        boolean add = w.equals("ADD") && c.isIdentifierNext() && !NOT_COLUMNS.contains(next);
        if (!add && !w.equals("MODIFY") && !w.equals("CHANGE")) {
            return w.equals("ADD") ? target.index(clause.trim()) : clause.trim();
        }
        if (c.peekWord().equals("COLUMN")) {
            c.word();
        }
        if (c.peekWord().equals("IF")) {
            c.word();
            if (c.peekWord().equals("NOT")) {
                c.word();
            }
            c.expectWord("EXISTS");
        }
        if (c.peekSymbol('(')) {
            return clause.trim(); // ADD (a INT, b INT): kept as written
        }
        if (w.equals("CHANGE")) {
            c.name("");
        }
        int definition = c.position();
        return (clause.substring(0, definition).trim() + " " + target.column(clause.substring(definition).trim())).trim();
    }

    /** CREATE INDEX ... ON t (...) or DROP INDEX ... ON t: the table after ON gets its destination name. */
    private Translation index(String kind, String ddl, SqlLexer l, String db) throws UnsupportedDdlException {
        int on = l.indexOfWord("ON");
        if (on < 0) {
            throw unsupported(ddl);
        }
        SqlLexer after = new SqlLexer(ddl);
        after.seek(on + 2);
        int nameStart = after.skipSpace();
        TableId t = dest(after.name(db));
        return new Translation(kind, List.of(ddl.substring(0, nameStart) + quoted(t) + ddl.substring(after.here())), List.of(), t);
    }

    private TableId dest(TableId source) {
        return destination.apply(source);
    }

    private static String quoted(TableId t) {
        return Dialect.quote(t.database()) + "." + Dialect.quote(t.table());
    }

    private static Translation ignored(String why) {
        return new Translation(why, List.of(), List.of(), null);
    }

    private static UnsupportedDdlException unsupported(String ddl) {
        return new UnsupportedDdlException("DDL not supported by the sink (supported: CREATE/DROP/RENAME/TRUNCATE TABLE, "
                + "CREATE/DROP INDEX, ALTER TABLE on columns and indexes): " + ddl);
    }
}
