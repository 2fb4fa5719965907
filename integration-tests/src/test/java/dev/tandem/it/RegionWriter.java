package dev.tandem.it;

import dev.tandem.testkit.MariaDbServer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application writing in one region of an active-active pair: single-statement transactions
 * (updates of the rows it owns, inserts, deletes of rows it inserted, ledger inserts) at a fixed
 * rate, on keys no other region's writer touches. Counts the transactions that changed a row, so
 * a test knows how many binlog transactions and change records its work produced.
 */
final class RegionWriter implements AutoCloseable {

    /** The demo schema every region shares. */
    static final String[] SCHEMA = {
            "CREATE TABLE account (id INT PRIMARY KEY, owner VARCHAR(8) NOT NULL, balance DECIMAL(14,2) NOT NULL, "
                    + "note VARCHAR(64), updated_at DATETIME(6) NOT NULL)",
            "CREATE TABLE ledger (account_id INT NOT NULL, seq INT NOT NULL, amount DECIMAL(14,2) NOT NULL, "
                    + "region VARCHAR(8) NOT NULL, PRIMARY KEY (account_id, seq))"};

    /** {@code rows} accounts, owned round-robin by the given regions. */
    static String seed(int rows, List<String> owners) {
        StringBuilder sql = new StringBuilder("INSERT INTO account VALUES ");
        for (int id = 1; id <= rows; id++) {
            sql.append(id > 1 ? "," : "").append('(').append(id).append(",'").append(owners.get(id % owners.size()))
                    .append("',100.00,'seed','2026-01-01 00:00:00')");
        }
        return sql.toString();
    }

    private final MariaDbServer server;
    private final String database;
    private final String region;
    private final List<Integer> owned = new ArrayList<>();
    private final List<Integer> inserted = new ArrayList<>();
    private final int perSecond;
    private final Random random;
    private final AtomicLong transactions = new AtomicLong();
    private final int base;
    private int nextId;
    private int nextSeq;
    private volatile boolean stop;
    private volatile Throwable failure;
    private Thread thread;

    /**
     * @param index     this region's position among {@code owners}: it owns the seeded ids {@code id % n == index}
     *                  and inserts ids (and ledger sequence numbers) from {@code 1_000_000 * (index + 1)}
     */
    RegionWriter(MariaDbServer server, String database, String region, int index, int seeded, int owners, int perSecond) {
        this.server = server;
        this.database = database;
        this.region = region;
        this.perSecond = perSecond;
        this.random = new Random(31L * index + 7);
        for (int id = 1; id <= seeded; id++) {
            if (id % owners == index) {
                owned.add(id);
            }
        }
        this.base = 1_000_000 * (index + 1);
        this.nextId = base;
    }

    RegionWriter start() {
        thread = new Thread(this::run, "writer-" + region);
        thread.start();
        return this;
    }

    private void run() {
        try (Connection c = server.connect(database); Statement s = c.createStatement()) {
            long intervalNanos = 1_000_000_000L / perSecond;
            long next = System.nanoTime();
            while (!stop) {
                String statement = nextStatement();
                if (s.executeUpdate(statement) == 1) {
                    transactions.incrementAndGet();
                }
                next += intervalNanos;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        } catch (SQLException | RuntimeException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String nextStatement() {
        int dice = random.nextInt(100);
        if (dice < 50 && !owned.isEmpty()) {
            int id = owned.get(random.nextInt(owned.size()));
            return "UPDATE account SET balance = balance + " + (1 + random.nextInt(50)) + ", note = '" + region + " "
                    + transactions.get() + "', updated_at = NOW(6) WHERE id = " + id;
        }
        if (dice < 70) {
            int id = nextId++;
            owned.add(id);
            inserted.add(id);
            return "INSERT INTO account VALUES (" + id + ", '" + region + "', 0.00, 'new in " + region + "', NOW(6))";
        }
        if (dice < 80 && !inserted.isEmpty()) {
            Integer id = inserted.remove(random.nextInt(inserted.size()));
            owned.remove(id);
            return "DELETE FROM account WHERE id = " + id;
        }
        int account = owned.isEmpty() ? 0 : owned.get(random.nextInt(owned.size()));
        return "INSERT INTO ledger VALUES (" + account + ", " + (base + nextSeq++) + ", "
                + (random.nextInt(10_000) / 100.0) + ", '" + region + "')";
    }

    /** Transactions committed that changed one row each. */
    long transactions() {
        return transactions.get();
    }

    /**
     * Change records a sink applying whole source transactions applies for its work: one per
     * transaction (Debezium's tombstone after each delete goes with the delete, nothing to apply).
     */
    long changes() {
        return transactions.get();
    }

    /** Stops, waits for the thread, and rethrows what made it fail. */
    long stop() {
        stop = true;
        try {
            if (thread != null) {
                thread.join(30_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new IllegalStateException("the " + region + " writer failed: " + failure.getMessage(), failure);
        }
        return transactions.get();
    }

    @Override
    public void close() {
        stop = true;
    }
}
