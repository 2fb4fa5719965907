package dev.tandem.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A distributed Connect worker ({@code ConnectDistributed}) in its own JVM, so a test can kill it
 * the way a machine dies ({@link #kill()}: SIGKILL, no offset flush, no clean shutdown) and start
 * another worker of the same group in its place. It joins a broker the test already runs and
 * loads our plugins from {@code plugin.path}.
 */
public final class ConnectWorkerProcess implements AutoCloseable {

    private static final Set<ConnectWorkerProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(w -> w.process.destroyForcibly()), "connect-reaper"));
    }

    private final Process process;
    private final ConnectRest rest;
    private final Path log;

    private ConnectWorkerProcess(Process process, ConnectRest rest, Path log) {
        this.process = process;
        this.rest = rest;
        this.log = log;
    }

    /**
     * Starts a worker of group {@code groupId} (its config, offset and status topics are named
     * after the group, so a restarted worker of the same group resumes where the last one was).
     */
    public static ConnectWorkerProcess start(String bootstrapServers, Path pluginPath, String groupId, Path workDir) {
        return start(bootstrapServers, pluginPath, groupId, workDir, Map.of());
    }

    /** As {@link #start(String, Path, String, Path)}, with more worker settings (e.g. exactly-once source support). */
    public static ConnectWorkerProcess start(String bootstrapServers, Path pluginPath, String groupId, Path workDir,
                                             Map<String, String> extraWorkerProps) {
        return start(bootstrapServers, pluginPath, groupId, workDir, extraWorkerProps, List.of());
    }

    /** As {@link #start(String, Path, String, Path, Map)}, with options for the worker's JVM (e.g. a {@code -javaagent}). */
    public static ConnectWorkerProcess start(String bootstrapServers, Path pluginPath, String groupId, Path workDir,
                                             Map<String, String> extraWorkerProps, List<String> jvmOptions) {
        try {
            Files.createDirectories(workDir);
            int port = MariaDbServer.freePort();
            Map<String, String> props = new LinkedHashMap<>();
            props.put("bootstrap.servers", bootstrapServers);
            props.put("group.id", groupId);
            props.put("listeners", "http://127.0.0.1:" + port);
            props.put("config.storage.topic", groupId + "-configs");
            props.put("offset.storage.topic", groupId + "-offsets");
            props.put("status.storage.topic", groupId + "-status");
            props.put("config.storage.replication.factor", "1");
            props.put("offset.storage.replication.factor", "1");
            props.put("status.storage.replication.factor", "1");
            props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
            props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            props.put("offset.flush.interval.ms", "1000");
            props.put("plugin.path", pluginPath.toAbsolutePath().toString());
            props.put("plugin.discovery", "service_load");
            props.put("config.providers", "env");
            props.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
            // A killed worker's tasks are reassigned only after the group notices; keep that short.
            props.put("scheduled.rebalance.max.delay.ms", "0");
            props.put("session.timeout.ms", "6000");
            props.put("heartbeat.interval.ms", "1000");
            props.putAll(extraWorkerProps);
            Properties p = new Properties();
            p.putAll(props);
            Path config = workDir.resolve("worker-" + port + ".properties");
            try (var out = Files.newBufferedWriter(config)) {
                p.store(out, "Connect worker started by the test kit");
            }
            Path log = workDir.resolve("worker-" + port + ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.apache.kafka.connect.cli.ConnectDistributed",
                    config.toString()));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            ConnectWorkerProcess worker = new ConnectWorkerProcess(process, new ConnectRest("http://127.0.0.1:" + port + "/"), log);
            RUNNING.add(worker);
            try {
                await("Connect worker process on port " + port).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                        .until(() -> {
                            if (!process.isAlive()) {
                                throw new IllegalStateException("the worker process exited with " + process.exitValue()
                                        + "; log: " + worker.logTail());
                            }
                            try {
                                worker.rest.get("connectors");
                                return true;
                            } catch (RuntimeException e) {
                                return false;
                            }
                        });
            } catch (RuntimeException e) {
                worker.kill();
                throw e;
            }
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a Connect worker process", e);
        }
    }

    public ConnectRest rest() {
        return rest;
    }

    public long pid() {
        return process.pid();
    }

    /** Kills the worker with SIGKILL: nothing is flushed or committed. */
    public void kill() {
        RUNNING.remove(this);
        process.destroyForcibly();
        waitFor(30);
    }

    /** Stops the worker cleanly (SIGTERM: tasks stop, offsets are committed). */
    public void stop() {
        RUNNING.remove(this);
        process.destroy();
        if (!waitFor(60)) {
            kill();
        }
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The lines of the worker's log that contain {@code text}. */
    public List<String> logLines(String text) {
        try {
            return Files.readAllLines(log).stream().filter(l -> l.contains(text)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the worker's log " + log, e);
        }
    }

    /** The last lines of the worker's log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }
}
