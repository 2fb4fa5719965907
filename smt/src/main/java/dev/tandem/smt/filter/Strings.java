package dev.tandem.smt.filter;

import java.util.regex.Pattern;

/** SQL string literals, quoted identifiers and LIKE patterns as MySQL reads them. */
final class Strings {

    private Strings() {
    }

    /** The content of a string literal: a doubled quote is one quote, and MySQL's backslash escapes apply. */
    static String unescape(String raw) {
        return unescape(raw, false);
    }

    /** As {@link #unescape(String)}, but {@code \%} and {@code \_} stay two characters, as MySQL keeps them for LIKE. */
    static String unescapeKeepingLikeEscapes(String raw) {
        return unescape(raw, true);
    }

    private static String unescape(String raw, boolean keepLikeEscapes) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if ((c == '\'' || c == '"') && i + 1 < raw.length() && raw.charAt(i + 1) == c) {
                out.append(c);
                i++;
            } else if (c == '\\' && i + 1 < raw.length()) {
                char n = raw.charAt(++i);
                switch (n) {
                    case '0' -> out.append('\0');
                    case 'b' -> out.append('\b');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'Z' -> out.append('\u001A');
                    case '%', '_' -> out.append(keepLikeEscapes ? "\\" + n : String.valueOf(n));
                    default -> out.append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** An identifier without its backquotes or double quotes (a doubled quote inside is one). */
    static String unquoteIdentifier(String name) {
        if (name.length() >= 2) {
            char q = name.charAt(0);
            if ((q == '`' || q == '"') && name.charAt(name.length() - 1) == q) {
                return name.substring(1, name.length() - 1).replace(String.valueOf(q) + q, String.valueOf(q));
            }
        }
        return name;
    }

    /** A LIKE pattern as a regular expression: {@code %} any run, {@code _} one character, {@code escape} makes the next literal. */
    static Pattern likePattern(String like, char escape, boolean caseInsensitive) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char c = like.charAt(i);
            if (c == escape && i + 1 < like.length()) {
                literal.append(like.charAt(++i));
            } else if (c == '%' || c == '_') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '%' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        int flags = Pattern.DOTALL | (caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        return Pattern.compile(regex.toString(), flags);
    }
}
