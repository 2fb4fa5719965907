package dev.tandem.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real RocketMQ 5.5.0 name server and broker (Apache RocketMQ's own {@code NamesrvStartup} and
 * {@code BrokerStartup} from Maven Central), each in its own process on free loopback ports, with
 * small mapped files so they start in seconds. The broker can be stopped and started again on the
 * same store, as an outage. Their class path comes from module {@code tandem-test-kit-rocketmq}
 * (a resource it writes at build time), never from the calling JVM: the broker's libraries would
 * break a Connect worker's REST server in the same class path.
 */
public final class RocketMqServer implements AutoCloseable {

    private final Path home;
    private final int namesrvPort;
    private final int brokerPort;
    private final String cluster;
    private Process namesrv;
    private Process broker;

    private RocketMqServer(Path home, int namesrvPort, int brokerPort, String cluster) {
        this.home = home;
        this.namesrvPort = namesrvPort;
        this.brokerPort = brokerPort;
        this.cluster = cluster;
    }

    /** Starts a name server and one broker (topics auto-created) under {@code workDir}. */
    public static RocketMqServer start(String name, Path workDir) {
        try {
            Path home = Files.createDirectories(workDir.resolve("rocketmq-" + name));
            int brokerPort = brokerPorts();
            RocketMqServer server = new RocketMqServer(home, MariaDbServer.freePort(), brokerPort, "tandem-" + name);
            Runtime.getRuntime().addShutdownHook(new Thread(server::kill, "rocketmq-" + name + "-kill"));
            try {
                server.startNamesrv();
                server.startBroker();
            } catch (RuntimeException | IOException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start RocketMQ", e);
        }
    }

    /** The name server address clients use ({@code namesrvAddr}). */
    public String namesrvAddress() {
        return "127.0.0.1:" + namesrvPort;
    }

    public String brokerAddress() {
        return "127.0.0.1:" + brokerPort;
    }

    public String clusterName() {
        return cluster;
    }

    private void startNamesrv() throws IOException {
        Path conf = home.resolve("namesrv.conf");
        Files.writeString(conf, "listenPort=" + namesrvPort + "\n");
        namesrv = launch("org.apache.rocketmq.namesrv.NamesrvStartup", conf, home.resolve("namesrv.log"));
        awaitPort(namesrvPort, namesrv, home.resolve("namesrv.log"));
    }

    /** Starts the broker (again, after {@link #stopBroker()}: same store, same port). */
    public synchronized void startBroker() {
        try {
            Path conf = home.resolve("broker.conf");
            Path store = Files.createDirectories(home.resolve("store"));
            Files.writeString(conf, String.join("\n", List.of(
                    "brokerClusterName=" + cluster,
                    "brokerName=broker-a",
                    "brokerId=0",
                    "brokerIP1=127.0.0.1",
                    "listenPort=" + brokerPort,
                    "haListenPort=" + (brokerPort + 1),
                    "namesrvAddr=" + namesrvAddress(),
                    "storePathRootDir=" + store,
                    "storePathCommitLog=" + store.resolve("commitlog"),
                    "mappedFileSizeCommitLog=16777216",
                    "mappedFileSizeConsumeQueue=600000",
                    "timerWheelEnable=false",
                    "flushDiskType=ASYNC_FLUSH",
                    "autoCreateTopicEnable=true",
                    "autoCreateSubscriptionGroup=true",
                    "deleteWhen=04",
                    "fileReservedTime=48")) + "\n");
            Path log = home.resolve("broker.log");
            // The log is appended to across restarts: wait for this start's "boot success" (printed once the broker
            // has registered with the name server), not an earlier one.
            long boots = boots(log);
            broker = launch("org.apache.rocketmq.broker.BrokerStartup", conf, log);
            awaitPort(brokerPort, broker, log);
            await("RocketMQ broker boot").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> boots(log) > boots);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the RocketMQ broker", e);
        }
    }

    private static long boots(Path log) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        long n = 0;
        for (int i = text.indexOf("boot success"); i >= 0; i = text.indexOf("boot success", i + 1)) {
            n++;
        }
        return n;
    }

    /** Stops the broker (SIGTERM, as an operator would), keeping its store: {@link #startBroker()} brings it back. */
    public synchronized void stopBroker() {
        stop(broker);
        broker = null;
    }

    private Process launch(String mainClass, Path conf, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-Duser.home=" + home,
                "-Drocketmq.home.dir=" + home, "-Drocketmq.client.logUseSlf4j=false",
                "-cp", serverClassPath(), mainClass, "-c", conf.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(Map.of("ROCKETMQ_HOME", home.toString()));
        return pb.start();
    }

    private static void awaitPort(int port, Process process, Path log) {
        await("RocketMQ port " + port).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("RocketMQ process exited with " + process.exitValue() + ": "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** A broker port p with p+1 (HA) and p-2 (the "fast" VIP channel) free too. */
    private static int brokerPorts() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int p = MariaDbServer.freePort();
            if (p > 2048 && p < 65000 && free(p) && free(p + 1) && free(p - 2)) {
                return p;
            }
        }
        throw new IOException("no free port triple for a RocketMQ broker");
    }

    /** Free on every interface (the broker's HA service binds 0.0.0.0). */
    private static boolean free(int port) {
        try (var socket = new java.net.ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String serverClassPath() throws IOException {
        try (var in = RocketMqServer.class.getResourceAsStream("/dev/tandem/testkit/rocketmq-server.classpath")) {
            if (in == null) {
                throw new IllegalStateException("RocketMQ's server class path is missing: add dev.tandem:tandem-test-kit-rocketmq "
                        + "(test scope; its transitive dependencies are excluded in the parent pom) and build it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private void kill() {
        for (Process p : new Process[] {broker, namesrv}) {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        stop(broker);
        stop(namesrv);
    }

    @Override
    public String toString() {
        return "RocketMQ " + namesrvAddress() + " / " + brokerAddress();
    }
}
