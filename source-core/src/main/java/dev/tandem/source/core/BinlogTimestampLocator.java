package dev.tandem.source.core;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import org.apache.kafka.connect.errors.ConnectException;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Finds the binlog position of the first transaction committed at or after a moment, by reading
 * the server's binlog over the replication protocol (the MySQL-family servers have no SQL for
 * it): the file is chosen by the time each file was started (its format description event), then
 * scanned for the first transaction whose start event is not older than the moment (less
 * {@link #SLACK_SECONDS}). Binlog event times have second resolution.
 */
final class BinlogTimestampLocator {

    /**
     * Transactions up to this much older than the moment are included too: binlog times are
     * truncated to whole seconds while the moment a user names may come from a clock that is a
     * little ahead of the server's. A repeated change is harmless downstream (idempotent apply);
     * a skipped one would be lost.
     */
    static final long SLACK_SECONDS = 1;

    private static final Set<EventType> TRANSACTION_STARTS = Set.of(EventType.GTID, EventType.ANONYMOUS_GTID,
            EventType.MARIADB_GTID);

    private record Found(String file, long position) {
    }

    private BinlogTimestampLocator() {
    }

    /** The position of the first transaction at or after {@code epochSeconds}, or the end of the binlog if none is. */
    static StartPosition locate(Map<String, String> props, long epochSeconds) {
        try (Connection c = ServerConnection.open(props)) {
            List<String> files = binaryLogs(c);
            String[] end = masterStatus(c);
            if (files.isEmpty()) {
                throw new ConnectException("the server lists no binary logs: is log_bin on?");
            }
            int chosen = -1;
            for (int i = 0; i < files.size(); i++) {
                long started = firstEventSeconds(props, files.get(i));
                if (started <= epochSeconds) {
                    chosen = i;
                } else {
                    break;
                }
            }
            if (chosen < 0) {
                throw new ConnectException("the oldest binary log still on the server (" + files.get(0) + ") starts after "
                        + java.time.Instant.ofEpochSecond(epochSeconds) + ": the changes from that moment were purged");
            }
            Found found = scan(props, files.get(chosen), epochSeconds, end[0], Long.parseLong(end[1]));
            return found == null ? new StartPosition(end[0], Long.parseLong(end[1]), null)
                    : new StartPosition(found.file(), found.position(), null);
        } catch (SQLException e) {
            throw new ConnectException("cannot read the binary logs of the source: " + e.getMessage(), e);
        }
    }

    private static List<String> binaryLogs(Connection c) throws SQLException {
        List<String> files = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        return files;
    }

    private static String[] masterStatus(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            if (!rs.next()) {
                throw new SQLException("SHOW MASTER STATUS returned nothing: is log_bin on?");
            }
            return new String[] {rs.getString(1), rs.getString(2)};
        }
    }

    /** When a binlog file was started: the time of its first event (the format description). */
    private static long firstEventSeconds(Map<String, String> props, String file) {
        AtomicReference<Long> seconds = new AtomicReference<>();
        read(props, file, (client, event, latch) -> {
            if (event.getHeader().getTimestamp() > 0 && seconds.compareAndSet(null, event.getHeader().getTimestamp() / 1000)) {
                latch.countDown();
            }
        });
        if (seconds.get() == null) {
            throw new ConnectException("could not read the first event of binary log " + file);
        }
        return seconds.get();
    }

    private static Found scan(Map<String, String> props, String file, long epochSeconds, String endFile, long endPosition) {
        AtomicReference<Found> found = new AtomicReference<>();
        read(props, file, (client, event, latch) -> {
            EventHeaderV4 header = event.getHeader();
            long next = header.getNextPosition();
            String current = client.getBinlogFilename();
            boolean starts = TRANSACTION_STARTS.contains(header.getEventType())
                    || (header.getEventType() == EventType.QUERY && event.getData() instanceof QueryEventData q
                    && "BEGIN".equalsIgnoreCase(q.getSql()));
            // Events keep arriving until the client disconnects: the first match is the answer.
            if (starts && header.getTimestamp() / 1000 >= epochSeconds - SLACK_SECONDS
                    && found.compareAndSet(null, new Found(current, next - header.getEventLength()))) {
                latch.countDown();
            } else if (current.equals(endFile) && next >= endPosition) {
                latch.countDown();
            }
        });
        return found.get();
    }

    private interface Listener {
        void onEvent(BinaryLogClient client, Event event, CountDownLatch done);
    }

    private static void read(Map<String, String> props, String file, Listener listener) {
        BinaryLogClient client = new BinaryLogClient(props.getOrDefault(ServerConnection.HOST, ""),
                Integer.parseInt(props.getOrDefault(ServerConnection.PORT, "3306")),
                props.getOrDefault(ServerConnection.USER, ""), props.getOrDefault(ServerConnection.PASSWORD, ""));
        // A replica id of its own, far from the ids users give their connectors.
        client.setServerId(ThreadLocalRandom.current().nextLong(4_000_000_000L, 4_200_000_000L));
        client.setKeepAlive(false);
        client.setBinlogFilename(file);
        client.setBinlogPosition(4);
        CountDownLatch done = new CountDownLatch(1);
        client.registerEventListener(event -> listener.onEvent(client, event, done));
        try {
            client.connect(30_000);
            if (!done.await(120, TimeUnit.SECONDS)) {
                throw new ConnectException("timed out reading binary log " + file);
            }
        } catch (IOException | TimeoutException e) {
            throw new ConnectException("cannot read binary log " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted reading binary log " + file, e);
        } finally {
            try {
                client.disconnect();
            } catch (IOException e) {
                // closing a finished read; nothing to recover
            }
        }
    }
}
