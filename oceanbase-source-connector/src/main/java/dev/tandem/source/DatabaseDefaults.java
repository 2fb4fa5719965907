package dev.tandem.source;

import dev.tandem.source.core.ServerConnection;
import dev.tandem.source.core.snapshot.SnapshotEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The default character set and collation of source databases, read from information_schema on
 * first use and again after a CREATE, ALTER or DROP DATABASE passes in the stream. They travel with
 * each DDL copy, so the sink creates (and aligns) the destination database with them: a CREATE
 * TABLE that names no collation then gets the same one on both sides. When the server cannot be
 * read, copies go without them (and the destination keeps its own defaults); that is said once.
 */
final class DatabaseDefaults implements Function<String, Map<String, String>>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseDefaults.class);

    private final Map<String, String> props;
    private final Map<String, Map<String, String>> known = new HashMap<>();
    private Connection connection;
    private boolean warned;

    DatabaseDefaults(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Map<String, String> apply(String database) {
        if (known.containsKey(database)) {
            return known.get(database);
        }
        Map<String, String> defaults = null;
        try {
            if (connection == null || !connection.isValid(2)) {
                close();
                connection = ServerConnection.open(props);
            }
            defaults = SnapshotEvents.databaseDefaults(connection, database);
        } catch (SQLException e) {
            if (!warned) {
                LOG.warn("Cannot read the default character set and collation of source database {} ({}); DDL copies go "
                        + "without them and the destination database keeps its own defaults", database, e.getMessage());
                warned = true;
            }
            return null;
        }
        known.put(database, defaults);
        return defaults;
    }

    /** Forgets what is known of {@code database} (its defaults changed, or it was dropped or created). */
    void changed(String database) {
        known.remove(database);
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing: nothing to do
            }
            connection = null;
        }
    }
}
