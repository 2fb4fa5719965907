package dev.tandem.common;

import java.sql.SQLException;

/**
 * What a failed database connection means: whether the server could be reached at all, and which
 * option it points at: the password for a refused login, the
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

    /**
     * Whether {@code e} means the server could not be reached at all (down, restarting, the
     * network cut), rather than refused what was asked: a connect or socket failure, or a SQL
     * state of class 08 (connection exception) anywhere among its causes.
     */
    public static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException
                    || t instanceof java.net.SocketTimeoutException || t instanceof java.net.UnknownHostException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's message, for one log line. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
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
