package dev.tandem.verifier;

import java.util.Locale;
import java.util.Set;

/**
 * A column and the SQL that renders it canonically, so that the same data reads the same on both
 * sides whatever each side's exact type: DECIMAL without trailing zeros (1.50 = 1.5000), temporal
 * values without trailing fractional zeros (DATETIME(3) = DATETIME(6) for equal instants),
 * strings as utf8mb4, binary as hex, and each value length-prefixed with NULL distinct from the
 * empty string ({@code N} versus {@code 0:}), so no separator can make two rows look alike.
 */
record Column(String name, String dataType) {

    private static final Set<String> INTEGERS = Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year");
    private static final Set<String> BINARY = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit");
    private static final Set<String> TEXT = Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set",
            "json");

    Column {
        dataType = dataType.toLowerCase(Locale.ROOT);
    }

    String quoted() {
        return quote(name);
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    boolean isBinary() {
        return BINARY.contains(dataType);
    }

    /** The canonical text of the value (NULL stays NULL). */
    String canonical() {
        String c = quoted();
        if (INTEGERS.contains(dataType)) {
            return "CAST(" + c + " AS CHAR)";
        }
        if (dataType.equals("decimal") || dataType.equals("numeric")) {
            String text = "CAST(" + c + " AS CHAR)";
            return "IF(LOCATE('.', " + text + ") > 0, TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM " + text + ")), " + text + ")";
        }
        if (dataType.equals("float") || dataType.equals("double") || dataType.equals("real")) {
            return "CAST(" + c + " AS CHAR)";
        }
        if (dataType.equals("date")) {
            return "DATE_FORMAT(" + c + ", '%Y-%m-%d')";
        }
        if (dataType.equals("datetime") || dataType.equals("timestamp")) {
            return "TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM DATE_FORMAT(" + c + ", '%Y-%m-%d %H:%i:%s.%f')))";
        }
        if (dataType.equals("time")) {
            return "TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM TIME_FORMAT(" + c + ", '%H:%i:%s.%f')))";
        }
        if (BINARY.contains(dataType)) {
            return "HEX(" + c + ")";
        }
        if (TEXT.contains(dataType)) {
            return "CONVERT(" + c + " USING utf8mb4)";
        }
        return "CAST(" + c + " AS CHAR)";
    }

    /** The canonical text, length-prefixed ({@code <bytes>:<text>}), or {@code N} for NULL. */
    String encoded() {
        String v = canonical();
        return "IF(" + quoted() + " IS NULL, 'N', CONCAT(LENGTH(" + v + "), ':', " + v + "))";
    }

    /** The value as the repair SQL needs it: hex for binary columns, text otherwise. */
    String literalSource() {
        return isBinary() ? "HEX(" + quoted() + ")" : "CAST(" + quoted() + " AS CHAR)";
    }
}
