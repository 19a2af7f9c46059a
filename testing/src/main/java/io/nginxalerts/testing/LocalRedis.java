package io.nginxalerts.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import redis.embedded.RedisServer;

/**
 * A real redis-server child process on a loopback port: {@code /usr/bin/redis-server} when the
 * machine has it, else the binary bundled in {@code embedded-redis}. No persistence: data is lost
 * on {@link #stop()}. It can be stopped and started again on the same port (to test reconnects).
 * The process is stopped on {@link #close()}, and by embedded-redis' shutdown hook if the JVM exits
 * first, so none is left behind ({@link #startOwnedOn} leaves that to its owner's own shutdown
 * hook). Used by the tests, the demo and the benchmark alike.
 */
public final class LocalRedis implements AutoCloseable {
    private static final Path SYSTEM_REDIS = Path.of("/usr/bin/redis-server");
    private static final Duration PORT_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final List<String> settings;
    private final boolean stopOnJvmExit;
    private RedisServer server;

    private LocalRedis(int port, List<String> settings, boolean stopOnJvmExit) {
        this.port = port;
        this.settings = settings;
        this.stopOnJvmExit = stopOnJvmExit;
    }

    /** Starts a server on a free port with the given extra {@code redis.conf} lines. */
    public static LocalRedis start(String... extraSettings) {
        return startOn(Ports.free(), extraSettings);
    }

    /** Starts a server on {@code port} with the given extra {@code redis.conf} lines. */
    public static LocalRedis startOn(int port, String... extraSettings) {
        LocalRedis redis = new LocalRedis(port, settings(extraSettings), true);
        redis.startAgain();
        return redis;
    }

    private static List<String> settings(String... extraSettings) {
        List<String> settings = new ArrayList<>();
        settings.add("bind 127.0.0.1");
        settings.add("save \"\"");
        settings.add("appendonly no");
        settings.addAll(List.of(extraSettings));
        return List.copyOf(settings);
    }

    /**
     * As {@link #startOn}, without embedded-redis' shutdown hook: the owner stops the server in its
     * own shutdown hook, after what still uses it. (JVM shutdown hooks run at the same time, so
     * with both the server could die while the demo was still stopping its job and worker.)
     */
    public static LocalRedis startOwnedOn(int port) {
        LocalRedis redis = new LocalRedis(port, settings(), false);
        redis.startAgain();
        return redis;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public synchronized boolean isRunning() {
        return server != null && server.isActive();
    }

    /** Starts (again) on the same port; returns once the port accepts connections. */
    public synchronized void startAgain() {
        if (isRunning()) {
            return;
        }
        try {
            var builder =
                    RedisServer.newRedisServer().port(port).onShutdownForceStop(stopOnJvmExit);
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
        awaitPort(true);
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
        awaitPort(false);
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitPort(boolean open) {
        long deadline = System.nanoTime() + PORT_TIMEOUT.toNanos();
        while (isOpen() != open) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "redis-server port "
                                + port
                                + " did not become "
                                + (open ? "open" : "closed"));
            }
            // A short pause between connection probes, not a wait for a result.
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private boolean isOpen() {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
