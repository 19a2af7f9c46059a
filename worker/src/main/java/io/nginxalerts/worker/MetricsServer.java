package io.nginxalerts.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /health}: 200 while Redis answers a PING, 503 otherwise. {@code GET /metrics}: the
 * worker's counters in the Prometheus text format. Listens on all interfaces so container probes
 * and scrapers reach it; it serves no secrets.
 */
final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    MetricsServer(int port, AlertDrainer drainer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 16);
        executor =
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "metrics-http");
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext(
                "/health",
                ex -> {
                    boolean up = drainer.redisHealthy();
                    respond(ex, up ? 200 : 503, "text/plain", up ? "ok\n" : "redis unavailable\n");
                });
        server.createContext(
                "/metrics",
                ex ->
                        respond(
                                ex,
                                200,
                                "text/plain; version=0.0.4; charset=utf-8",
                                drainer.metrics().prometheus(drainer.redisUp())));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String type, String body)
            throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
