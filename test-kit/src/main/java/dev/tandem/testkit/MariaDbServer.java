package dev.tandem.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real {@code mariadbd} process on a free loopback port with its own data directory, binlog in
 * ROW/FULL mode, a distinct {@code server_id} and a TCP user. Two of them make two regions.
 *
 * <p>The process is stopped by {@link #close()}, and by a JVM shutdown hook should a test die
 * before it gets there, so no server outlives the build.
 */
public final class MariaDbServer implements AutoCloseable {

    public static final String USER = "tandem";
    public static final String PASSWORD = "tandem-secret";

    private static final AtomicInteger SERVER_IDS = new AtomicInteger(100 + (int) (ProcessHandle.current().pid() % 1000) * 10);
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Set<MariaDbServer> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(MariaDbServer::close), "mariadb-reaper"));
    }

    private final String name;
    private final Path home;
    private final int port;
    private final int serverId;
    private volatile Process process;

    private MariaDbServer(String name, Path home, int port, int serverId, Process process) {
        this.name = name;
        this.home = home;
        this.port = port;
        this.serverId = serverId;
        this.process = process;
    }

    /** Starts a server with default settings (binlog ROW, FULL row image). */
    public static MariaDbServer start(String name) {
        return start(name, Map.of());
    }

    /**
     * Starts a server; {@code extraSettings} go into the {@code [mariadbd]} section and override
     * the defaults (e.g. {@code binlog_format=STATEMENT} to test a precheck).
     */
    public static MariaDbServer start(String name, Map<String, String> extraSettings) {
        Path home = null;
        Process process = null;
        try {
            home = Files.createTempDirectory("tandem-mariadb-" + name + "-");
            int port = freePort();
            int serverId = SERVER_IDS.incrementAndGet();
            Path config = writeConfig(home, port, serverId, extraSettings);
            install(home, config);
            process = new ProcessBuilder(binary("mariadbd"), "--defaults-file=" + config)
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("stdout.log").toFile())
                    .start();
            MariaDbServer server = new MariaDbServer(name, home, port, serverId, process);
            RUNNING.add(server);
            server.awaitReady(Duration.ofSeconds(60));
            return server;
        } catch (IOException | RuntimeException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            String log = home == null ? "" : tail(home.resolve("error.log"));
            if (home != null) {
                deleteRecursively(home);
            }
            throw new IllegalStateException("MariaDB server '" + name + "' did not start: " + e.getMessage() + log, e);
        }
    }

    private static Path writeConfig(Path home, int port, int serverId, Map<String, String> extra) throws IOException {
        Path init = home.resolve("init.sql");
        Files.writeString(init, String.join("\n",
                "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "';",
                "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION;",
                "FLUSH PRIVILEGES;", ""));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("user", "root");
        settings.put("datadir", home.resolve("data").toString());
        settings.put("port", Integer.toString(port));
        settings.put("bind-address", "127.0.0.1");
        settings.put("socket", home.resolve("mariadb.sock").toString());
        settings.put("pid-file", home.resolve("mariadb.pid").toString());
        settings.put("log-error", home.resolve("error.log").toString());
        settings.put("server_id", Integer.toString(serverId));
        settings.put("log_bin", home.resolve("data").resolve("binlog").toString());
        settings.put("binlog_format", "ROW");
        settings.put("binlog_row_image", "FULL");
        settings.put("innodb_buffer_pool_size", "64M");
        settings.put("innodb_log_file_size", "48M");
        settings.put("max_allowed_packet", "64M");
        settings.put("skip-name-resolve", "ON");
        settings.put("character-set-server", "utf8mb4");
        settings.put("collation-server", "utf8mb4_general_ci");
        settings.put("init-file", init.toString());
        settings.putAll(extra);
        StringBuilder cnf = new StringBuilder("[mariadbd]\n");
        settings.forEach((k, v) -> cnf.append(k).append('=').append(v).append('\n'));
        Path config = home.resolve("my.cnf");
        Files.writeString(config, cnf.toString());
        return config;
    }

    private static void install(Path home, Path config) throws IOException {
        Process p = new ProcessBuilder(binary("mariadb-install-db"), "--defaults-file=" + config, "--user=root",
                "--auth-root-authentication-method=normal", "--skip-test-db")
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("install.log").toFile())
                .start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("mariadb-install-db failed:" + tail(home.resolve("install.log")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while installing the data directory", e);
        }
    }

    /** Finds a MariaDB binary on PATH or in the Debian locations; fails with the install command. */
    static String binary(String name) {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, name));
            }
        }
        candidates.add(Path.of("/usr/sbin", name));
        candidates.add(Path.of("/usr/bin", name));
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElseThrow(() -> new IllegalStateException(name + " not found: install MariaDB with "
                        + "'apt-get install -y mariadb-server mariadb-client' (.ci/run does this)"));
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mariadbd exited with code " + process.exitValue());
            }
            try (Connection c = connect("")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for mariadbd", e);
            }
        }
        throw new IllegalStateException("mariadbd not reachable on port " + port + " after " + timeout
                + (last == null ? "" : ": " + last.getMessage()));
    }

    public String name() {
        return name;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public int serverId() {
        return serverId;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public Path home() {
        return home;
    }

    /** JDBC URL of a database on this server ({@code ""} for none). */
    public String jdbcUrl(String database) {
        return "jdbc:mariadb://" + host() + ":" + port + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
    }

    /** Creates a database with a name unique to this JVM run, so every test has its own. */
    public String createDatabase(String prefix) {
        String db = (prefix + "_" + DATABASES.incrementAndGet()).toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        execute("", "CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4");
        return db;
    }

    /** Runs statements in one session, each committed on its own (autocommit). */
    public void execute(String database, String... statements) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + name + "/" + database + ": " + e.getMessage(), e);
        }
    }

    /** Runs statements as one transaction. */
    public void transaction(String database, String... statements) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                s.execute(sql);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("transaction failed on " + name + "/" + database + ": " + e.getMessage(), e);
        }
    }

    /** Rows of a query, each as column label to value, in result order. */
    public List<Map<String, Object>> query(String database, String sql) {
        try (Connection c = connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + name + "/" + database + ": " + e.getMessage(), e);
        }
    }

    /** The single value of a one-row, one-column query. */
    public Object queryValue(String database, String sql) {
        List<Map<String, Object>> rows = query(database, sql);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new IllegalStateException("expected one value from '" + sql + "', got " + rows);
        }
        return rows.get(0).values().iterator().next();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** The {@code mariadbd} process's id (e.g. to read its CPU time from {@code /proc}). */
    public long pid() {
        return process.pid();
    }

    /**
     * Stops the server and keeps its data: SIGKILL when {@code crash} (a power cut: InnoDB recovers
     * at the next start, binlog and all), otherwise a clean shutdown. {@link #startAgain} brings it
     * back on the same port.
     */
    public synchronized void halt(boolean crash) {
        try {
            if (crash) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            } else {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Starts a halted server again with its data, on its port, and waits until it answers. */
    public synchronized void startAgain() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        try {
            process = new ProcessBuilder(binary("mariadbd"), "--defaults-file=" + home.resolve("my.cnf"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("stdout.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + " again: " + e.getMessage(), e);
        }
        awaitReady(Duration.ofSeconds(120));
    }

    /** Stops the server (clean shutdown, then kill) and deletes its data directory. Idempotent. */
    @Override
    public void close() {
        if (!RUNNING.remove(this)) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            deleteRecursively(home);
        }
    }

    @Override
    public String toString() {
        return "MariaDbServer[" + name + " at " + host() + ":" + port + ", server_id=" + serverId + "]";
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static String tail(Path file) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return "\n--- " + file.getFileName() + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temp directory must not hide the test's own outcome
        }
    }
}
