package io.nginxalerts.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.embedded.RedisServer;

/**
 * A real redis-server for tests on a free loopback port: {@code /usr/bin/redis-server} when the
 * machine has it, else the binary bundled in {@code embedded-redis}. It can be stopped and started
 * again on the same port to test reconnects. No persistence; data is lost on {@link #stop()}.
 */
public final class RedisTestServer implements AutoCloseable {
    private static final Path SYSTEM_REDIS = Path.of("/usr/bin/redis-server");

    private final int port;
    private final List<String> settings;
    private RedisServer server;

    private RedisTestServer(int port, List<String> settings) {
        this.port = port;
        this.settings = settings;
    }

    /** Starts a server on a free port with the given extra {@code redis.conf} lines. */
    public static RedisTestServer start(String... extraSettings) {
        List<String> settings = new ArrayList<>();
        settings.add("bind 127.0.0.1");
        settings.add("save \"\"");
        settings.add("appendonly no");
        settings.addAll(List.of(extraSettings));
        RedisTestServer s = new RedisTestServer(freePort(), List.copyOf(settings));
        s.startAgain();
        return s;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public boolean isRunning() {
        return server != null && server.isActive();
    }

    /** Starts (again) on the same port; waits until the port accepts connections. */
    public synchronized void startAgain() {
        if (isRunning()) {
            return;
        }
        try {
            var builder = RedisServer.newRedisServer().port(port);
            if (Files.isExecutable(SYSTEM_REDIS)) {
                builder.executableProvider(SYSTEM_REDIS::toFile);
            }
            for (String s : settings) {
                builder.setting(s);
            }
            server = builder.build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start redis-server on port " + port, e);
        }
        awaitPort(true, Duration.ofSeconds(10));
    }

    /** Stops the server; clients see connection errors until {@link #startAgain()}. */
    public synchronized void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = null;
        }
        awaitPort(false, Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitPort(boolean open, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean isOpen;
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                isOpen = true;
            } catch (IOException e) {
                isOpen = false;
            }
            if (isOpen == open) {
                return;
            }
            Thread.onSpinWait();
            try {
                // A short pause between connection probes, not a wait for a result.
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException(
                "redis-server port " + port + " did not become " + (open ? "open" : "closed"));
    }

    /** A port that was free a moment ago (embedded-redis refuses port 0). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
