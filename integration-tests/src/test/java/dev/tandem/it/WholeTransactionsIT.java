package dev.tandem.it;

import dev.tandem.testkit.BinlogAudit;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.ConnectWorkerProcess;
import dev.tandem.testkit.DebeziumMetrics;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TcpProxy;
import dev.tandem.testkit.TableComparison;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Source transactions applied whole ({@code tandem.transactions=whole}): a bank whose money is in
 * two tables, every source transaction moving money between accounts of either table, while a
 * reader polls the destination's total in one statement; and one transaction of 300,000 new rows.
 * The reader never sees a wrong total, nor part of the large transaction. A worker killed (SIGKILL)
 * while it applies the large transaction leaves nothing of it; its successor applies it once.
 */
class WholeTransactionsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(240);
    private static final int ACCOUNTS = 500;
    private static final long OPENING = 1_000;
    private static final int LEDGER_ROWS = 300_000;
    private static ConnectCluster connect;
    private static MariaDbServer source;
    private static MariaDbServer dest;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        source = MariaDbServer.start("whole-src");
        dest = MariaDbServer.start("whole-dst");
        connect = ConnectCluster.builder().name("whole-transactions").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, source, dest);
    }

    @Test
    void aReaderOfTheDestinationNeverSeesPartOfASourceTransaction() throws Exception {
        source.execute("", "CREATE DATABASE bank");
        source.execute("bank", "CREATE TABLE checking (id INT PRIMARY KEY, balance BIGINT NOT NULL)",
                "CREATE TABLE savings (id INT PRIMARY KEY, balance BIGINT NOT NULL)",
                "CREATE TABLE ledger (id INT PRIMARY KEY, note VARCHAR(40) NOT NULL)",
                "INSERT INTO checking SELECT seq, " + OPENING + " FROM seq_1_to_" + ACCOUNTS,
                "INSERT INTO savings SELECT seq, " + OPENING + " FROM seq_1_to_" + ACCOUNTS);
        long total = 2L * ACCOUNTS * OPENING;
        Map<String, String> src = sourceConfig(connect, source, "bank", 7101);
        src.put("tandem.objects", "bank.*");
        connect.configure("bank-source", src);
        Map<String, String> sink = wholeSink("bank");
        sink.put("consumer.override.metadata.max.age.ms", "2000");
        connect.configure("bank-sink", sink);
        await("the full migration").atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(total(dest)).isEqualTo(total));
        DebeziumMetrics.awaitStreaming("bank", TIMEOUT);

        try (Reader reader = new Reader("bank", total)) {
            Thread[] writers = new Thread[2];
            AtomicLong transfers = new AtomicLong();
            for (int w = 0; w < writers.length; w++) {
                long seed = w;
                writers[w] = new Thread(() -> transfer(seed, Duration.ofSeconds(8), transfers));
                writers[w].start();
            }
            // One transaction moves a unit from every checking account to its savings account: 1,000 rows at once.
            Thread.sleep(3_000);
            source.transaction("bank", "UPDATE checking SET balance = balance - 1", "UPDATE savings SET balance = balance + 1");
            for (Thread w : writers) {
                w.join();
            }
            long written = System.nanoTime();
            source.transaction("bank", "INSERT INTO ledger SELECT seq, CONCAT('entry ', seq) FROM seq_1_to_" + LEDGER_ROWS);
            await("the destination has every transaction").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
                for (String table : new String[] {"checking", "savings"}) {
                    assertThat(TableComparison.rows(dest, "bank", table)).as(table).isEqualTo(TableComparison.rows(source, "bank", table));
                }
                assertThat(((Number) dest.queryValue("bank", "SELECT COUNT(*) FROM ledger")).longValue()).isEqualTo(LEDGER_ROWS);
            });
            long caughtUpMs = (System.nanoTime() - written) / 1_000_000;
            Thread.sleep(500);
            reader.stop();
            System.out.printf("%d transfers; the destination had everything %d ms after the writers stopped; the reader polled %d "
                    + "times: %d distinct checking totals, ledger counts seen %s%n", transfers.get(), caughtUpMs, reader.polls.get(),
                    reader.checkingTotals.size(), reader.ledgerCounts);
            assertThat(transfers.get()).as("transfers made").isGreaterThan(200);
            assertThat(reader.checkingTotals.size()).as("the reader saw money move between the tables").isGreaterThan(20);
            assertThat(reader.wrong.get()).as("polls that saw a wrong total (part of a transfer)").isZero();
            assertThat(reader.ledgerCounts).as("the 300,000-row transaction, all or nothing").containsOnly(0L, (long) LEDGER_ROWS)
                    .contains(0L, (long) LEDGER_ROWS);
            assertThat(reader.failure.get()).isNull();
        }
        assertThat(connect.status("bank-sink").tasks()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo("RUNNING"));
        connect.delete("bank-sink");

        // The same topics, the transaction topic among them, applied in batches into another database: the BEGIN
        // and END events are passed over.
        sink.put("tandem.transactions", "batched");
        sink.put("tandem.table.name.format", "bank_batched.${table}");
        connect.configure("bank-batched-sink", sink);
        await("the batched copy").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            for (String table : new String[] {"checking", "savings"}) {
                assertThat(TableComparison.rows(dest, "bank_batched", table)).as(table).isEqualTo(TableComparison.rows(source, "bank", table));
            }
        });
        assertThat(connect.status("bank-batched-sink").tasks()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo("RUNNING"));
        connect.delete("bank-batched-sink");
        connect.delete("bank-source");
    }

    @Test
    void aWorkerKilledInTheMiddleOfALargeTransactionLeavesNothingOfItAndItsSuccessorAppliesItOnce() throws Exception {
        ledgerLink("crash", 7102);
        source.transaction("crash", "INSERT INTO ledger SELECT seq, CONCAT('entry ', seq) FROM seq_1_to_" + LEDGER_ROWS);
        // The whole transaction is in Kafka before the sink starts, so the sink applies it as fast as it can.
        await("the source transaction in Kafka").atMost(TIMEOUT).ignoreExceptions()
                .until(() -> connect.recordCount("crash.crash.ledger", 1) >= 1 + LEDGER_ROWS);
        long before = BinlogAudit.lastSeq(dest);

        Map<String, String> sink = wholeSink("crash");
        String group = "whole-crash";
        long modifiedAtKill;
        try (Reader reader = new Reader("crash", -1)) {
            ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work);
            try {
                first.rest().configure("crash-sink", sink);
                // The sink's destination transaction open with a sixth of the rows written in it: in the middle.
                await("the sink writing the large transaction").atMost(TIMEOUT).pollInterval(Duration.ofMillis(20))
                        .until(() -> openRowsModified() >= LEDGER_ROWS / 6);
                modifiedAtKill = openRowsModified();
            } finally {
                first.kill();
            }
            assertThat(modifiedAtKill).as("rows in the destination transaction open when the worker was killed").isPositive();
            // Whatever the destination has not rolled back yet is invisible to other sessions.
            assertThat(ledgerCount("crash")).as("rows left by the killed worker: the opening row only").isOne();

            try (ConnectWorkerProcess second = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work)) {
                await("the successor applies the transaction").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
                        .until(() -> ledgerCount("crash") == 1 + LEDGER_ROWS);
                Thread.sleep(500);
                second.rest().delete("connectors/crash-sink");
            }
            reader.stop();
            assertThat(reader.ledgerCounts).as("the destination's ledger, all or nothing at every poll")
                    .containsOnly(0L, 1L, 1L + LEDGER_ROWS).contains(1L, 1L + LEDGER_ROWS);
            assertThat(reader.failure.get()).isNull();
        }
        String digest = "SELECT COUNT(*), SUM(CRC32(CONCAT(id, ':', note))) FROM crash.ledger";
        assertThat(dest.query("", digest)).as("the ledger's rows").isEqualTo(source.query("", digest));
        // The destination's binlog: one committed transaction wrote the large transaction's rows, each once.
        List<BinlogAudit.Transaction> written = BinlogAudit.after(dest, before, "tandem.tandem_checkpoint", 4).stream()
                .filter(t -> !t.ddl() && t.tables().contains("crash.ledger")).toList();
        System.out.printf("Worker killed with its destination transaction open (%d undo log entries in InnoDB) in the middle of the %d-row transaction; after the restart the "
                + "destination's binlog holds %d transaction(s) writing the ledger: %s%n", modifiedAtKill, LEDGER_ROWS,
                written.size(), written.stream().map(t -> t.rows() + " rows").toList());
        assertThat(written).as("the opening row's transaction, then the large one, once")
                .extracting(BinlogAudit.Transaction::rows).containsExactly(1, LEDGER_ROWS);
        connect.delete("crash-source");
    }

    /**
     * The destination commits a large source transaction, but the sink never hears it: the link
     * to the destination is cut right after the COMMIT reached the server. The sink reads the
     * transaction again, as for any lost destination transaction, and first reads its checkpoints
     * back from the destination: the transaction committed, so it is not applied a second time
     * (every sink transaction in the destination's binlog moves the checkpoints strictly forward).
     */
    @Test
    void aLargeTransactionWhoseCommitAnswerIsLostIsNotAppliedAgain() throws Exception {
        int rows = 20_000;
        int transactions = 4;
        ledgerLink("lostcommit", 7103);
        for (int t = 0; t < transactions; t++) {
            source.transaction("lostcommit", "INSERT INTO ledger SELECT seq, CONCAT('entry ', seq) FROM seq_"
                    + (t * rows + 1) + "_to_" + ((t + 1) * rows));
        }
        await("the source transactions in Kafka").atMost(TIMEOUT).ignoreExceptions()
                .until(() -> connect.recordCount("lostcommit.lostcommit.ledger", 1) >= 1 + (long) transactions * rows);
        long before = BinlogAudit.lastSeq(dest);

        try (TcpProxy proxy = TcpProxy.to(dest.host(), dest.port())) {
            Map<String, String> sink = wholeSink("lostcommit");
            sink.put("connection.url", "jdbc:mariadb://" + proxy.host() + ":" + proxy.port() + "/");
            connect.configure("lostcommit-sink", sink);
            // Armed once the sink writes the first large transaction (the opening row's is one row, and committed before):
            // its commit is the next COMMIT on the link.
            await("the sink writing a large transaction").atMost(TIMEOUT).pollInterval(Duration.ofMillis(20))
                    .until(() -> ledgerCount("lostcommit") == 1 && openRowsModified() > 1_000);
            proxy.cutAfterNextCommit();
            assertThat(proxy.awaitCutAfterCommit(TIMEOUT)).as("a COMMIT went through and its answer was lost").isTrue();
            long committedAtCut = ledgerCount("lostcommit");
            Thread.sleep(3_000);
            proxy.restore();
            await("the sink applies the rest").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ledgerCount("lostcommit") == 1 + (long) transactions * rows);
            Thread.sleep(1_000);
            connect.delete("lostcommit-sink");
            System.out.printf("Link to the destination cut right after a COMMIT (%d ledger rows committed, the sink not told); "
                    + "restored 3 s later%n", committedAtCut);
            assertThat(committedAtCut).as("the cut commit made its transaction's rows visible").isGreaterThan(1);
        }
        String digest = "SELECT COUNT(*), SUM(CRC32(CONCAT(id, ':', note))) FROM lostcommit.ledger";
        assertThat(dest.query("", digest)).as("the ledger's rows").isEqualTo(source.query("", digest));
        VersionedStream.Checkpointed applied = VersionedStream.assertCheckpointsRise(dest, before, "lostcommit-sink");
        System.out.printf("Destination binlog after the lost answer: %d sink transactions, checkpoints strictly rising%n",
                applied.transactions());
        connect.delete("lostcommit-source");
    }

    /**
     * Database {@code db} on the source with a ledger holding one row (copied by the full
     * migration, applied before anything else), and a link capturing it (prefix {@code db}), streaming.
     */
    private static void ledgerLink(String db, int serverId) {
        source.execute("", "CREATE DATABASE " + db);
        source.execute(db, "CREATE TABLE ledger (id INT PRIMARY KEY, note VARCHAR(40) NOT NULL)",
                "INSERT INTO ledger VALUES (0, 'opening')");
        Map<String, String> src = sourceConfig(connect, source, db, serverId);
        src.put("tandem.objects", db + ".*");
        connect.configure(db + "-source", src);
        DebeziumMetrics.awaitStreaming(db, TIMEOUT);
    }

    /**
     * Rows written by the destination's open transactions (the sink's, uncommitted): the largest
     * "undo log entries" of SHOW ENGINE INNODB STATUS (MariaDB's INNODB_TRX does not list them here).
     */
    private static long openRowsModified() {
        String status = dest.query("", "SHOW ENGINE INNODB STATUS").get(0).get("Status").toString();
        Matcher m = Pattern.compile("undo log entries (\\d+)").matcher(status);
        long most = 0;
        while (m.find()) {
            most = Math.max(most, Long.parseLong(m.group(1)));
        }
        return most;
    }

    private static long ledgerCount(String db) {
        try {
            return ((Number) dest.queryValue("", "SELECT COUNT(*) FROM " + db + ".ledger")).longValue();
        } catch (IllegalStateException noTableYet) {
            return 0;
        }
    }

    /** A sink of whole transactions reading database {@code db}'s topics (prefix {@code db}) and its transaction topic. */
    private static Map<String, String> wholeSink(String db) {
        Map<String, String> sink = sinkConfig(dest, "", "${db}.${table}");
        sink.remove("topics");
        sink.put("topics.regex", db + "\\.(" + db + "\\..*|transaction)");
        sink.put("consumer.override.max.poll.records", "2000");
        sink.put("tandem.transactions", "whole");
        sink.put("tandem.batch.size", "1000");
        return sink;
    }

    /** Transfers between random accounts of either table, one source transaction each, for {@code duration}. */
    private static void transfer(long seed, Duration duration, AtomicLong count) {
        Random random = new Random(seed);
        long end = System.nanoTime() + duration.toNanos();
        try (Connection c = source.connect("bank"); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            while (System.nanoTime() < end) {
                String from = random.nextBoolean() ? "checking" : "savings";
                String to = random.nextBoolean() ? "checking" : "savings";
                int a = 1 + random.nextInt(ACCOUNTS);
                int b = 1 + random.nextInt(ACCOUNTS);
                int amount = 1 + random.nextInt(50);
                try {
                    s.executeUpdate("UPDATE " + from + " SET balance = balance - " + amount + " WHERE id = " + a);
                    s.executeUpdate("UPDATE " + to + " SET balance = balance + " + amount + " WHERE id = " + b);
                    c.commit();
                    count.incrementAndGet();
                } catch (java.sql.SQLTransactionRollbackException deadlock) {
                    c.rollback(); // the other writer holds one of the rows: this transfer is not made
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long total(MariaDbServer server) {
        Object v = server.queryValue("bank", "SELECT (SELECT COALESCE(SUM(balance), 0) FROM checking) + "
                + "(SELECT COALESCE(SUM(balance), 0) FROM savings)");
        return ((Number) v).longValue();
    }

    /** Polls the destination's total and the ledger's row count, each in one statement (one read view), until stopped. */
    private static final class Reader implements AutoCloseable {
        final AtomicLong polls = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        final Set<Long> checkingTotals = ConcurrentHashMap.newKeySet();
        final Set<Long> ledgerCounts = ConcurrentHashMap.newKeySet();
        final java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private boolean ledgerExists;

        /** Reads {@code db}'s accounts too when {@code total} is not negative. */
        Reader(String db, long total) {
            thread = new Thread(() -> {
                try (Connection c = dest.connect(""); Statement s = c.createStatement()) { // the database may not exist yet
                    while (running.get()) {
                        if (total >= 0) {
                            try (ResultSet rs = s.executeQuery("SELECT (SELECT SUM(balance) FROM " + db + ".checking), "
                                    + "(SELECT SUM(balance) FROM " + db + ".savings)")) {
                                rs.next();
                                long checking = rs.getLong(1);
                                if (checking + rs.getLong(2) != total) {
                                    wrong.incrementAndGet();
                                }
                                checkingTotals.add(checking);
                            }
                        }
                        if (!ledgerExists) { // created with its first rows: looked for without an error logged at each poll
                            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                                    + "TABLE_SCHEMA = '" + db + "' AND TABLE_NAME = 'ledger'")) {
                                rs.next();
                                ledgerExists = rs.getLong(1) > 0;
                            }
                        }
                        if (ledgerExists) {
                            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + db + ".ledger")) {
                                rs.next();
                                ledgerCounts.add(rs.getLong(1));
                            }
                        } else {
                            ledgerCounts.add(0L);
                        }
                        polls.incrementAndGet();
                        Thread.sleep(5);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "destination-reader");
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
