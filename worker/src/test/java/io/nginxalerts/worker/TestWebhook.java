package io.nginxalerts.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP receiver on a free loopback port. A {@link Responder} decides the answer per request
 * (by its 1-based number); every request is recorded, and what was answered 2xx is counted as
 * accepted.
 */
final class TestWebhook implements AutoCloseable {

    /** The answer to one request. */
    record Reply(int status, Map<String, String> headers) {
        static Reply status(int status) {
            return new Reply(status, Map.of());
        }
    }

    /** Decides the reply; may block (the server runs handlers on their own threads). */
    interface Responder {
        Reply reply(int requestNumber, Request request) throws Exception;
    }

    /** One received request. */
    record Request(
            long receivedNanos, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> acceptedById = new ConcurrentHashMap<>();
    private volatile Responder responder = (n, r) -> Reply.status(200);

    TestWebhook() {
        try {
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    TestWebhook respond(Responder responder) {
        this.responder = responder;
        return this;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    List<Request> received() {
        return List.copyOf(received);
    }

    /** Bodies answered with 2xx, in order. */
    List<String> accepted() {
        return List.copyOf(accepted);
    }

    int acceptedCount(String alertId) {
        AtomicInteger n = acceptedById.get(alertId);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request =
                    new Request(
                            System.nanoTime(),
                            ex.getRequestURI().getPath(),
                            Map.copyOf(ex.getRequestHeaders()),
                            body);
            received.add(request);
            Reply reply;
            try {
                reply = responder.reply(requests.incrementAndGet(), request);
            } catch (Exception e) {
                reply = Reply.status(500);
            }
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(reply.status(), -1);
            if (reply.status() >= 200 && reply.status() < 300) {
                accepted.add(body);
                String id = request.header("Idempotency-Key");
                if (id != null) {
                    acceptedById.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
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
