package dev.tandem.common;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The privileges of the connected user on a MySQL-family server, from {@code SHOW GRANTS}: global
 * ones ({@code ON *.*}) and per database ({@code ON db.*}), for the prechecks of source and sink.
 */
public record Grants(Set<String> global, Map<String, Set<String>> perDatabase) {

    private static final Pattern GRANT = Pattern.compile("^GRANT (.+?) ON (\\S+) TO ", Pattern.CASE_INSENSITIVE);

    public static Grants ofCurrentUser(Connection c) throws SQLException {
        Set<String> global = new LinkedHashSet<>();
        Map<String, Set<String>> perDatabase = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS FOR CURRENT_USER()")) {
            while (rs.next()) {
                Matcher m = GRANT.matcher(rs.getString(1));
                if (!m.find()) {
                    continue;
                }
                Set<String> privileges = new LinkedHashSet<>();
                for (String p : m.group(1).split(",")) {
                    privileges.add(p.trim().toUpperCase(Locale.ROOT));
                }
                String on = m.group(2).replace("`", "");
                if (on.equals("*.*")) {
                    global.addAll(privileges);
                } else if (on.endsWith(".*")) {
                    perDatabase.computeIfAbsent(on.substring(0, on.length() - 2), d -> new LinkedHashSet<>()).addAll(privileges);
                }
            }
        }
        return new Grants(global, perDatabase);
    }

    /** Whether the user holds every privilege on every database. */
    public boolean all() {
        return global.contains("ALL PRIVILEGES") || global.contains("ALL");
    }

    /** Whether the user holds {@code privilege} globally. */
    public boolean global(String privilege) {
        return all() || global.contains(privilege);
    }

    /** Whether the user holds {@code privilege} on {@code database}, globally or there. */
    public boolean on(String database, String privilege) {
        Set<String> there = perDatabase.getOrDefault(database, Set.of());
        return global(privilege) || there.contains(privilege) || there.contains("ALL PRIVILEGES");
    }
}
