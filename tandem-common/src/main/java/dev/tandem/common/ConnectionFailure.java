package dev.tandem.common;

import java.sql.SQLException;

/**
 * Which option a failed database connection points at: the password for a refused login, the
 * user for a login that may not use the database, the address for everything else (no answer,
 * wrong port, unknown host). MySQL-protocol servers — MySQL, MariaDB, OceanBase, TiDB — answer a
 * wrong password and an unknown user alike (error 1045), so the message says both.
 */
public final class ConnectionFailure {

    /** MySQL's ER_ACCESS_DENIED_ERROR: wrong password, or no such user from this host. */
    static final int ACCESS_DENIED = 1045;
    /** MySQL's ER_DBACCESS_DENIED_ERROR: logged in, but not allowed into the database named. */
    static final int DATABASE_DENIED = 1044;

    private ConnectionFailure() {
    }

    /** Whether the server refused the login itself (not the network). */
    public static boolean loginRefused(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (s.getErrorCode() == ACCESS_DENIED || "28000".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** The option to report {@code e} on, from the three connection options of a connector. */
    public static String field(SQLException e, String addressField, String userField, String passwordField) {
        if (loginRefused(e)) {
            return passwordField;
        }
        return e.getErrorCode() == DATABASE_DENIED ? userField : addressField;
    }

    /** What to tell the user, with the fix for a refused login. */
    public static String describe(SQLException e, String server, String user, String userField, String passwordField) {
        if (loginRefused(e)) {
            return "the server at " + server + " refused the login of '" + user + "': " + e.getMessage()
                    + " — check " + passwordField + " (and " + userField + ": MySQL-protocol servers answer an unknown "
                    + "user, or one not allowed from this host, the same way)";
        }
        return "cannot connect to " + server + " as '" + user + "': " + e.getMessage();
    }
}
