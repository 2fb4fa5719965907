package dev.tandem.sink.schema;

import dev.tandem.sink.dialect.Dialect;
import dev.tandem.common.ServerKind;
import dev.tandem.common.SqlLexer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A source's table definitions made acceptable to the destination (MariaDB, MySQL, OceanBase
 * MySQL mode, TiDB): character sets and collations the destination lacks replaced by its nearest
 * ones (the destination's own {@code information_schema} says which it has), MariaDB's JSON alias
 * and MariaDB-only types written as the others spell them, and table options the destination does
 * not know (OceanBase's storage options, MariaDB's Aria options, system versioning) left out. What
 * is replaced or left out is logged once per task. Comments, executable or not ({@code /*T! ...},
 * {@code /*!80016 ...}), and partitioning are kept as written.
 */
public final class DestinationDdl {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationDdl.class);

    /** Table options every destination takes (MySQL's common set). */
    private static final Set<String> COMMON_OPTIONS = Set.of("ENGINE", "AUTO_INCREMENT", "CHARSET", "COLLATE", "COMMENT",
            "ROW_FORMAT", "KEY_BLOCK_SIZE", "AVG_ROW_LENGTH", "MAX_ROWS", "MIN_ROWS", "CHECKSUM", "PACK_KEYS",
            "DELAY_KEY_WRITE", "STATS_PERSISTENT", "STATS_AUTO_RECALC", "STATS_SAMPLE_PAGES");
    /** Storage engines MySQL ships; OceanBase and TiDB take ENGINE=InnoDB (and ignore it). */
    private static final Set<String> MYSQL_ENGINES = Set.of("INNODB", "MYISAM", "MEMORY", "CSV", "ARCHIVE", "BLACKHOLE");
    /** MariaDB's own column types, as the others store them. */
    private static final Map<String, String> MARIADB_TYPES = Map.of("UUID", "char(36)", "INET4", "varchar(15)",
            "INET6", "varchar(39)");
    /** Order of preference for a case- and accent-insensitive collation the destination lacks. */
    private static final List<String> INSENSITIVE = List.of("_uca1400_ai_ci", "_0900_ai_ci", "_unicode_520_ci",
            "_unicode_ci", "_general_ci");
    private static final Pattern JSON_CHECK = Pattern.compile("\\s*CHECK\\s*\\(\\s*json_valid\\s*\\(\\s*`?[^()]*`?\\s*\\)\\s*\\)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CHARSET_OR_COLLATE = Pattern.compile(
            "\\b(CHARACTER\\s+SET|CHARSET|COLLATE)(\\s*=\\s*|\\s+)(`?)([A-Za-z0-9_]+)(`?)", Pattern.CASE_INSENSITIVE);

    private static final Pattern OCEANBASE_INDEX_OPTIONS = Pattern.compile("\\s+(BLOCK_SIZE(\\s*=\\s*|\\s+)\\d+|LOCAL|GLOBAL)(?=\\s|$)",
            Pattern.CASE_INSENSITIVE);

    /** Passes every definition through unchanged: a destination whose catalog was not read. */
    public static final DestinationDdl SAME = new DestinationDdl(null, Set.of(), Map.of());

    private final Dialect dialect;
    private final Set<String> collations;
    /** Character set → its default collation, on the destination. */
    private final Map<String, String> charsets;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /**
     * @param dialect    the destination's product
     * @param collations the destination's collations
     * @param charsets   the destination's character sets with their default collations
     */
    public DestinationDdl(Dialect dialect, Set<String> collations, Map<String, String> charsets) {
        this.dialect = dialect;
        this.collations = lower(collations);
        Map<String, String> cs = new HashMap<>();
        charsets.forEach((k, v) -> cs.put(k.toLowerCase(Locale.ROOT), v.toLowerCase(Locale.ROOT)));
        this.charsets = cs;
    }

    /** The destination's character sets and collations, read from its information_schema. */
    public static DestinationDdl read(Connection c, Dialect dialect) throws SQLException {
        Set<String> collations = new HashSet<>();
        Map<String, String> charsets = new HashMap<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT COLLATION_NAME FROM information_schema.COLLATIONS")) {
                while (rs.next()) {
                    collations.add(rs.getString(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT CHARACTER_SET_NAME, DEFAULT_COLLATE_NAME FROM information_schema.CHARACTER_SETS")) {
                while (rs.next()) {
                    charsets.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return new DestinationDdl(dialect, collations, charsets);
    }

    private static Set<String> lower(Set<String> names) {
        Set<String> out = new HashSet<>();
        names.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
        return out;
    }

    private boolean same() {
        return dialect == null;
    }

    private boolean mariadb() {
        return dialect.kind() == ServerKind.MARIADB;
    }

    /**
     * A column definition ({@code `name` type [attributes]}, as in CREATE TABLE or after ADD/MODIFY
     * COLUMN, or CHANGE's old name) for the destination.
     */
    public String column(String definition) {
        if (same()) {
            return definition;
        }
        String d = definition;
        if (!mariadb()) {
            Matcher json = JSON_CHECK.matcher(d);
            if (json.find()) {
                // MariaDB's JSON is LONGTEXT with a json_valid check; the others have a JSON type (no charset there).
                d = d.substring(0, json.start()) + d.substring(json.end());
                d = outsideQuotes(d, part -> CHARSET_OR_COLLATE.matcher(part).replaceAll(""));
                d = replaceType(d, "json");
                note("MariaDB's JSON (LONGTEXT with json_valid) written as JSON");
                return d.replaceAll(" {2,}", " ");
            }
            int[] type = typeSpan(d, false);
            if (type != null) {
                String mapped = MARIADB_TYPES.get(d.substring(type[0], type[1]).toUpperCase(Locale.ROOT));
                if (mapped != null) {
                    note("MariaDB's " + d.substring(type[0], type[1]).toUpperCase(Locale.ROOT) + " written as " + mapped);
                    d = d.substring(0, type[0]) + mapped + d.substring(type[1]);
                }
            }
        }
        return charsetsAndCollations(d);
    }

    /**
     * A key or index definition (CREATE TABLE's, ADD INDEX's) for the destination: OceanBase's own
     * index options ({@code BLOCK_SIZE n}, {@code LOCAL}, {@code GLOBAL}, as its SHOW CREATE TABLE
     * prints them) left out elsewhere.
     */
    public String index(String definition) {
        if (same()) {
            return definition;
        }
        String d = definition;
        if (dialect.kind() != ServerKind.OCEANBASE) {
            String stripped = outsideQuotes(d, part -> OCEANBASE_INDEX_OPTIONS.matcher(part).replaceAll(""));
            if (!stripped.equals(d)) {
                note("OceanBase's index options (BLOCK_SIZE, LOCAL, GLOBAL) left out");
                d = stripped;
            }
        }
        return charsetsAndCollations(d);
    }

    /** Character set and collation names in {@code text} replaced by the destination's nearest. */
    String charsetsAndCollations(String text) {
        if (same()) {
            return text;
        }
        return outsideQuotes(text, this::namesIn);
    }

    private String namesIn(String text) {
        Matcher m = CHARSET_OR_COLLATE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(4);
            String mapped = m.group(1).toUpperCase(Locale.ROOT).equals("COLLATE") ? collation(name) : charset(name);
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + m.group(3) + mapped + m.group(5)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The destination's character set for {@code name}: itself, its 3-byte UTF-8 alias, or utf8mb4. */
    String charset(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (charsets.containsKey(n)) {
            return name;
        }
        String mapped = null;
        if (n.equals("utf8mb3") && charsets.containsKey("utf8")) {
            mapped = "utf8";
        } else if (n.equals("utf8") && charsets.containsKey("utf8mb3")) {
            mapped = "utf8mb3";
        } else if (charsets.containsKey("utf8mb4")) {
            mapped = "utf8mb4";
        }
        if (mapped == null) {
            return name;
        }
        note("character set " + n + " written as " + mapped + " (the destination has no " + n + ")");
        return mapped;
    }

    /** The destination's collation for {@code name}: itself, or the nearest of its character set. */
    String collation(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (collations.contains(n) || n.equals("binary")) {
            return name;
        }
        int cut = n.indexOf('_');
        String cs = cut < 0 ? n : n.substring(0, cut);
        String suffix = cut < 0 ? "" : n.substring(cut);
        String target = charset(cs).toLowerCase(Locale.ROOT);
        String mapped = null;
        if (collations.contains(target + suffix)) {
            mapped = target + suffix;
        } else if (suffix.endsWith("_bin") || suffix.endsWith("_cs")) {
            mapped = collations.contains(target + "_bin") ? target + "_bin" : null;
        } else {
            for (String s : INSENSITIVE) {
                if (collations.contains(target + s)) {
                    mapped = target + s;
                    break;
                }
            }
        }
        if (mapped == null) {
            mapped = charsets.get(target);
        }
        if (mapped == null) {
            return name;
        }
        note("collation " + n + " written as " + mapped + " (the destination has no " + n + ")");
        return mapped;
    }

    /**
     * The options after a CREATE TABLE's column list, for the destination: the ones it knows, with
     * its character sets and collations; comments and partitioning as written.
     */
    public String tableOptions(String tail) {
        if (same() || tail.isBlank()) {
            return tail;
        }
        StringBuilder out = new StringBuilder();
        Options o = new Options(tail);
        while (o.more()) {
            if (o.comment()) {
                out.append(' ').append(o.token());
                continue;
            }
            String word = o.peekWord();
            if (word.equals("PARTITION")) {
                out.append(' ').append(o.rest().trim());
                break;
            }
            if (word.equals("WITH") && !mariadb() && o.skipWords("WITH", "SYSTEM", "VERSIONING")) {
                note("WITH SYSTEM VERSIONING left out (a MariaDB feature)");
                continue;
            }
            if (word.equals("WITH")) {
                out.append(' ').append(o.rest().trim());
                break;
            }
            String option = o.option();
            if (option == null) {
                out.append(' ').append(o.rest().trim()); // not an option we can read: kept as written
                break;
            }
            String keep = keep(o.name(), o.value(), option);
            if (keep != null) {
                out.append(' ').append(keep);
            }
        }
        return out.toString();
    }

    /** The option as the destination takes it, or null to leave it out. */
    private String keep(String name, String value, String written) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.equals("ENGINE")) {
            String engine = value.replace("`", "").toUpperCase(Locale.ROOT);
            boolean ok = mariadb() || engine.equals("INNODB") || (dialect.kind() == ServerKind.MYSQL && MYSQL_ENGINES.contains(engine));
            if (!ok) {
                note("ENGINE=" + value + " left out (not an engine of the destination)");
                return null;
            }
            return written;
        }
        if (upper.equals("ROW_FORMAT") && value.equalsIgnoreCase("PAGE") && !mariadb()) {
            note("ROW_FORMAT=PAGE left out (MariaDB's Aria)");
            return null;
        }
        if (COMMON_OPTIONS.contains(upper) || dialect.ownTableOptions().contains(upper)) {
            return upper.equals("CHARSET") || upper.equals("COLLATE") ? charsetsAndCollations(written) : written;
        }
        note("table option " + upper + " left out (the " + dialect.name() + " destination does not take it)");
        return null;
    }

    /** {@code change} applied to the parts of {@code text} outside '...' strings (comments, defaults stay as written). */
    private static String outsideQuotes(String text, java.util.function.UnaryOperator<String> change) {
        SqlLexer lexer = new SqlLexer(text);
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                int end = Math.min(lexer.endOfQuoted(i) + 1, text.length());
                out.append(change.apply(text.substring(from, i))).append(text, i, end);
                from = end;
                i = end - 1;
            }
        }
        return out.append(change.apply(text.substring(from))).toString();
    }

    /** The column definition with its type (and the type's arguments) replaced by {@code type}. */
    private static String replaceType(String definition, String type) {
        int[] span = typeSpan(definition, true);
        return span == null ? definition : definition.substring(0, span[0]) + type + definition.substring(span[1]);
    }

    /** Start and end of the type word after the column name (with its arguments when asked), or null. */
    private static int[] typeSpan(String definition, boolean withArguments) {
        SqlLexer l = new SqlLexer(definition);
        try {
            l.name("");
            int start = l.position();
            if (l.word().isEmpty()) {
                return null;
            }
            int end = l.here();
            if (withArguments && l.peekSymbol('(')) {
                end = l.matchingParenthesis(l.position()) + 1;
            }
            return new int[] {start, end};
        } catch (SqlLexer.SyntaxException e) {
            return null; // not a column definition we can read: left as written
        }
    }

    private void note(String what) {
        if (reported.add(what)) {
            LOG.info("DDL for the {} destination: {}", dialect.name(), what);
        }
    }

    /** Reads table options: {@code [DEFAULT] NAME [=] value}, comments, and what follows them. */
    private static final class Options {
        private final String s;
        private int i;
        private String name;
        private String value;

        Options(String s) {
            this.s = s;
        }

        private void space() {
            while (i < s.length() && (Character.isWhitespace(s.charAt(i)) || s.charAt(i) == ',')) {
                i++;
            }
        }

        boolean more() {
            space();
            return i < s.length();
        }

        boolean comment() {
            space();
            return s.startsWith("/*", i);
        }

        String token() {
            int end = s.indexOf("*/", i + 2);
            end = end < 0 ? s.length() : end + 2;
            String t = s.substring(i, end);
            i = end;
            return t;
        }

        String peekWord() {
            int start = i;
            String w = word().toUpperCase(Locale.ROOT);
            i = start;
            return w;
        }

        private String word() {
            space();
            int j = i;
            while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                j++;
            }
            String w = s.substring(i, j);
            i = j;
            return w;
        }

        /** Skips {@code words} when they come next, in order; else stays. */
        boolean skipWords(String... words) {
            int start = i;
            for (String w : words) {
                if (!word().equalsIgnoreCase(w)) {
                    i = start;
                    return false;
                }
            }
            return true;
        }

        String rest() {
            String r = s.substring(i);
            i = s.length();
            return r;
        }

        String name() {
            return name;
        }

        String value() {
            return value;
        }

        /** The next option as written (without DEFAULT's prefix kept apart), or null when none can be read. */
        String option() {
            int start = i;
            String first = word();
            if (first.isEmpty()) {
                i = start;
                return null;
            }
            String n = first.toUpperCase(Locale.ROOT);
            if (n.equals("DEFAULT")) {
                String next = word();
                if (next.isEmpty()) {
                    i = start;
                    return null;
                }
                n = next.toUpperCase(Locale.ROOT);
            }
            if (n.equals("CHARACTER")) {
                if (!word().equalsIgnoreCase("SET")) {
                    i = start;
                    return null;
                }
                n = "CHARSET";
            }
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i < s.length() && s.charAt(i) == '=') {
                i++;
            }
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            int v = i;
            if (i < s.length() && (s.charAt(i) == '\'' || s.charAt(i) == '"' || s.charAt(i) == '`')) {
                char q = s.charAt(i++);
                while (i < s.length()) {
                    char c = s.charAt(i++);
                    if (c == '\\' && q == '\'' && i < s.length()) {
                        i++;
                    } else if (c == q) {
                        if (i < s.length() && s.charAt(i) == q) {
                            i++;
                        } else {
                            break;
                        }
                    }
                }
            } else {
                while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != ',') {
                    i++;
                }
            }
            if (v == i) {
                i = start;
                return null;
            }
            name = n;
            value = s.substring(v, i);
            return s.substring(start, i).trim();
        }
    }
}
