package io.nginxalerts.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;

/** A real redis-server child process on a free port ({@code /usr/bin/redis-server} if present). */
final class LocalRedis implements AutoCloseable {
    private static final Path SYSTEM_REDIS = Path.of("/usr/bin/redis-server");

    private final RedisServer server;
    private final int port;

    private LocalRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static LocalRedis start() throws IOException {
        int port = freePort();
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

    int port() {
        return port;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        server.stop();
    }
}
