package dev.tandem.common.select;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The objects file of a migration: one table per line, {@code database,table[,target[,where]]}, in
 * RFC 4180 CSV (fields with commas, quotes or line breaks are double-quoted, quotes doubled). The
 * optional header {@code database,table,target,where} is skipped. {@code target} renames the table
 * ({@code table} or {@code database.table}); {@code where} is a row filter. The source uses the
 * names to select tables; the rename and row-filter SMTs read the same file through this class.
 */
public final class ObjectsCsv {

    /** One line of the file. {@code target} and {@code where} are empty when not given. */
    public record Entry(int line, MatchRule source, String target, String where) {
    }

    private ObjectsCsv() {
    }

    public static List<Entry> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the objects file " + file + ": " + e.getMessage(), e);
        }
        return parse(text);
    }

    public static List<Entry> parse(String text) {
        List<Entry> entries = new ArrayList<>();
        List<List<String>> rows = records(text.startsWith("\uFEFF") ? text.substring(1) : text);
        int line = 0;
        for (List<String> row : rows) {
            line++;
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            if (line == 1 && row.size() >= 2 && row.get(0).trim().equalsIgnoreCase("database")
                    && row.get(1).trim().equalsIgnoreCase("table")) {
                continue;
            }
            if (row.size() < 2 || row.size() > 4) {
                throw new IllegalArgumentException("objects file, record " + line + ": expected database,table[,target[,where]] "
                        + "but found " + row.size() + " field(s): " + row);
            }
            String db = row.get(0).trim();
            String table = row.get(1).trim();
            if (db.isEmpty() || table.isEmpty()) {
                throw new IllegalArgumentException("objects file, record " + line + ": database and table must not be empty");
            }
            MatchRule rule;
            try {
                rule = MatchRule.parse(db + "." + table);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("objects file, record " + line + ": " + e.getMessage(), e);
            }
            String target = row.size() > 2 ? row.get(2).trim() : "";
            if (target.contains("$$")) {
                throw new IllegalArgumentException("objects file, record " + line + ": target '" + target
                        + "' contains '$$', which is not allowed in database or table names");
            }
            String where = row.size() > 3 ? row.get(3).trim() : "";
            entries.add(new Entry(line, rule, target, where));
        }
        return entries;
    }

    /** Splits RFC 4180 text into records of fields. */
    static List<List<String>> records(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            any = true;
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                fields.add(field.toString());
                field.setLength(0);
                records.add(fields);
                fields = new ArrayList<>();
                any = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("objects file: a quoted field is not closed (missing '\"')");
        }
        if (any) {
            fields.add(field.toString());
            records.add(fields);
        }
        return records;
    }
}
