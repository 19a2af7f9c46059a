package io.nginxalerts.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;

/**
 * A real redis-server child process for the demo (on 6379 when free) and the benchmark (on a free
 * port): {@code /usr/bin/redis-server} if installed, else the binary bundled in {@code
 * embedded-redis}. Stopped on {@link #close()} (and by embedded-redis' own shutdown hook if the JVM
 * dies first), so no process is left behind.
 */
public final class LocalRedis implements AutoCloseable {
    private static final Path SYSTEM_REDIS = Path.of("/usr/bin/redis-server");

    private final RedisServer server;
    private final int port;

    private LocalRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** On 6379 if nothing listens there, else on a free port. */
    public static LocalRedis start() throws IOException {
        return start(Ports.preferred(6379));
    }

    /** On a free port. */
    public static LocalRedis startOnFreePort() throws IOException {
        return start(freePort());
    }

    private static LocalRedis start(int port) throws IOException {
        var builder =
                RedisServer.newRedisServer()
                        .port(port)
                        .setting("bind 127.0.0.1")
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .onShutdownForceStop(true);
        if (Files.isExecutable(SYSTEM_REDIS)) {
            builder.executableProvider(SYSTEM_REDIS::toFile);
        }
        RedisServer server = builder.build();
        server.start();
        return new LocalRedis(server, port);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() throws IOException {
        server.stop();
    }

    /** A port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Free ports. */
    static final class Ports {
        private Ports() {}

        /** {@code wanted} if nothing listens there, else a free port. */
        static int preferred(int wanted) throws IOException {
            try (ServerSocket s = new ServerSocket(wanted, 1, InetAddress.getLoopbackAddress())) {
                return wanted;
            } catch (IOException taken) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    return s.getLocalPort();
                }
            }
        }
    }
}
