package dev.tandem.common;

import dev.tandem.common.select.TableId;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Just enough of MySQL's lexical rules to read DDL: bare words, `quoted` and "quoted" identifiers,
 * strings, comments and symbols. Shared by the sink's DDL translation and {@link DdlNames}.
 */
public final class SqlLexer {

    /** The text is not what the reader expected (a name missing, parentheses unbalanced, ...). */
    public static final class SyntaxException extends RuntimeException {
        public SyntaxException(String message) {
            super(message);
        }
    }

    private final String s;
    private int i;

    public SqlLexer(String s) {
        this.s = s;
    }

    public int position() {
        skipSpace();
        return i;
    }

    /** Where the lexer is, without skipping what follows. */
    public int here() {
        return i;
    }

    public void seek(int p) {
        i = p;
    }

    public int skipSpace() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
            } else if (s.startsWith("--", i) || c == '#') {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end + 1;
            } else {
                break;
            }
        }
        return i;
    }

    /** The next bare word, upper-cased ("" when the next token is not a bare word). */
    public String word() {
        skipSpace();
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$')) {
            i++;
        }
        return s.substring(start, i).toUpperCase(Locale.ROOT);
    }

    public String peekWord() {
        int saved = i;
        String w = word();
        i = saved;
        return w;
    }

    public void expectWord(String w) {
        String got = word();
        if (!got.equals(w)) {
            throw new SyntaxException("expected " + w + " at position " + i + " of: " + s);
        }
    }

    public boolean acceptSymbol(char c) {
        skipSpace();
        if (i < s.length() && s.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }

    public boolean peekSymbol(char c) {
        skipSpace();
        return i < s.length() && s.charAt(i) == c;
    }

    public boolean isIdentifierNext() {
        skipSpace();
        return i < s.length() && (s.charAt(i) == '`' || Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_');
    }

    public String identifier() {
        skipSpace();
        if (i >= s.length()) {
            throw new SyntaxException("a name was expected at the end of: " + s);
        }
        char c = s.charAt(i);
        if (c == '`' || c == '"') {
            StringBuilder out = new StringBuilder();
            i++;
            while (i < s.length()) {
                char ch = s.charAt(i++);
                if (ch == c) {
                    if (i < s.length() && s.charAt(i) == c) {
                        out.append(c);
                        i++;
                    } else {
                        return out.toString();
                    }
                } else {
                    out.append(ch);
                }
            }
            throw new SyntaxException("unterminated name in: " + s);
        }
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$')) {
            i++;
        }
        if (start == i) {
            throw new SyntaxException("a name was expected at position " + i + " of: " + s);
        }
        return s.substring(start, i);
    }

    /** A table name, qualified or in {@code db}. */
    public TableId name(String db) {
        String first = identifier();
        if (i < s.length() && s.charAt(i) == '.') {
            i++;
            return new TableId(first, identifier());
        }
        return new TableId(db, first);
    }

    /** Position of the matching ')' for the '(' at {@code open}, skipping strings and quoted names. */
    public int matchingParenthesis(int open) {
        int depth = 0;
        for (int p = open; p < s.length(); p++) {
            char c = s.charAt(p);
            if (c == '\'' || c == '"' || c == '`') {
                p = endOfQuoted(p);
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return p;
            }
        }
        throw new SyntaxException("unbalanced parentheses in: " + s);
    }

    /** Position of the quote that ends the quoted text starting at {@code p} (its length when unterminated). */
    public int endOfQuoted(int p) {
        char q = s.charAt(p);
        for (int k = p + 1; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '\\' && q == '\'') {
                k++;
            } else if (c == q) {
                if (k + 1 < s.length() && s.charAt(k + 1) == q) {
                    k++;
                } else {
                    return k;
                }
            }
        }
        return s.length();
    }

    /** The comma-separated parts of {@code s[from, to)} at parenthesis depth 0. */
    public List<String> splitTopLevel(int from, int to) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = from;
        for (int p = from; p < to; p++) {
            char c = s.charAt(p);
            if (c == '\'' || c == '"' || c == '`') {
                p = endOfQuoted(p);
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, p));
                start = p + 1;
            }
        }
        String last = s.substring(start, to);
        if (!last.isBlank()) {
            parts.add(last);
        }
        return parts;
    }

    /** Start of the first bare word {@code w} from here on (outside quotes), or -1. */
    public int indexOfWord(String w) {
        for (int p = i; p < s.length(); p++) {
            char c = s.charAt(p);
            if (c == '\'' || c == '"' || c == '`') {
                p = endOfQuoted(p);
                continue;
            }
            if (s.regionMatches(true, p, w, 0, w.length()) && (p == 0 || !Character.isLetterOrDigit(s.charAt(p - 1)))
                    && (p + w.length() >= s.length() || !Character.isLetterOrDigit(s.charAt(p + w.length())))) {
                return p;
            }
        }
        return -1;
    }
}
