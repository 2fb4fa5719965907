package dev.tandem.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between a client (a connector) and a server (a database), for network faults in
 * tests: it forwards bytes both ways until told to {@link #cut()} the link, which resets every
 * connection and refuses new ones (a server that went away), or to {@link #blackhole()} it,
 * which keeps connections open but forwards nothing and leaves new ones unanswered (a network
 * that drops packets: only the client's own timeouts notice). {@link #restore()} forwards again.
 * {@link #cutAfterNextCommit()} cuts the link right after a client's {@code COMMIT} reached the
 * server, before its answer returns: a transaction committed whose client cannot know it.
 */
public final class TcpProxy implements AutoCloseable {

    private enum Mode { FORWARD, CUT, BLACKHOLE }

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile Mode mode = Mode.FORWARD;
    private volatile boolean closed;
    /** Armed: the next client packet holding a COMMIT statement goes through, its answer does not. */
    private volatile boolean cutAfterCommit;
    /** A COMMIT went through armed: answers are held until the link is cut. */
    private volatile boolean holdAnswers;
    private final java.util.concurrent.CountDownLatch committed = new java.util.concurrent.CountDownLatch(1);

    private TcpProxy(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy on a free loopback port in front of {@code host:port}. */
    public static TcpProxy to(String host, int port) {
        try {
            return new TcpProxy(host, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a proxy port: " + e.getMessage(), e);
        }
    }

    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far (each reconnect of a client counts). */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /** Resets every open connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        mode = Mode.CUT;
        open.forEach(TcpProxy::reset);
        open.clear();
    }

    /**
     * Arms the proxy: the next {@code COMMIT} a client sends reaches the server, its answer is
     * held, and once the server has had {@code settle} to commit, every connection is reset and
     * new ones refused (as {@link #cut()}) until {@link #restore()}. Returns at once; {@link
     * #awaitCutAfterCommit} waits for it to happen.
     */
    public void cutAfterNextCommit() {
        cutAfterCommit = true;
    }

    /** Waits until an armed {@link #cutAfterNextCommit()} cut the link; false when {@code timeout} passed first. */
    public boolean awaitCutAfterCommit(java.time.Duration timeout) throws InterruptedException {
        return committed.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Forwards nothing either way, on open and new connections alike, until {@link #restore()}. */
    public void blackhole() {
        mode = Mode.BLACKHOLE;
    }

    /**
     * Forwards again. Connections held through a black hole are reset, as a peer that timed out
     * during the outage would do; the clients connect anew.
     */
    public void restore() {
        if (mode == Mode.BLACKHOLE) {
            open.forEach(TcpProxy::reset);
            open.clear();
        }
        holdAnswers = false;
        mode = Mode.FORWARD;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (mode == Mode.CUT) {
                reset(client);
                continue;
            }
            accepted.incrementAndGet();
            open.add(client);
            Thread t = new Thread(() -> connect(client), "tcp-proxy-conn-" + port());
            t.setDaemon(true);
            t.start();
        }
    }

    private void connect(Socket client) {
        while (mode == Mode.BLACKHOLE && !client.isClosed()) {
            pause(); // a new connection in a black hole: no answer until the client gives up or the link returns
        }
        Socket upstream = new Socket();
        try {
            upstream.connect(target, 5_000);
        } catch (IOException e) {
            reset(client);
            open.remove(client);
            return;
        }
        open.add(upstream);
        Thread back = new Thread(() -> pipe(upstream, client, false), "tcp-proxy-back-" + port());
        back.setDaemon(true);
        back.start();
        pipe(client, upstream, true);
    }

    /**
     * Copies {@code from} to {@code to} while forwarding; holds the bytes while in a black hole,
     * and the server's answers once an armed COMMIT went through.
     */
    private void pipe(Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                while ((mode == Mode.BLACKHOLE || !fromClient && holdAnswers) && !from.isClosed() && mode != Mode.CUT) {
                    pause(); // dropped on the floor, as far as the other side can tell, until the link returns
                }
                if (mode != Mode.FORWARD) {
                    break;
                }
                boolean commit = fromClient && cutAfterCommit && holdsCommit(buffer, n);
                if (commit) {
                    cutAfterCommit = false;
                    holdAnswers = true; // before the COMMIT leaves: its answer must not get back
                }
                out.write(buffer, 0, n);
                out.flush();
                if (commit) {
                    Thread cutter = new Thread(() -> {
                        pause(300); // the server commits meanwhile
                        cut();
                        committed.countDown();
                    }, "tcp-proxy-cut-" + port());
                    cutter.setDaemon(true);
                    cutter.start();
                }
            }
        } catch (IOException e) {
            // one side went away: the other goes too
        } finally {
            reset(from);
            reset(to);
            open.remove(from);
            open.remove(to);
        }
    }

    /** Whether a client packet is a COMMIT statement (a text query: length, sequence, COM_QUERY, then the text). */
    private static boolean holdsCommit(byte[] buffer, int n) {
        return n >= 11 && buffer[4] == 0x03 && new String(buffer, 5, Math.min(n - 5, 16), java.nio.charset.StandardCharsets.US_ASCII)
                .trim().toUpperCase(java.util.Locale.ROOT).startsWith("COMMIT");
    }

    private static void pause() {
        pause(20);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes a socket with a TCP reset (no orderly FIN), as a dropped link appears to its peer. */
    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException e) {
            // closed already
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closed already
        }
        open.forEach(TcpProxy::reset);
        open.clear();
    }
}
