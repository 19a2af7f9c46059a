package io.nginxalerts.worker;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * POSTs JSON and maps the answer onto {@link DeliveryException}s: 2xx is accepted; 5xx, 429 and
 * network errors or timeouts are retryable (429 with its Retry-After seconds); every other status
 * is permanent. Redirects are never followed: a 3xx is a permanent failure, because following it
 * would send the alert (and the custom headers) somewhere nobody configured.
 */
final class HttpPoster {
    private static final int ERROR_BODY_CHARS = 200;

    private final HttpClient client;
    private final Duration requestTimeout;

    HttpPoster(HttpClient client, Duration requestTimeout) {
        this.client = client;
        this.requestTimeout = requestTimeout;
    }

    /** A client with the connect timeout and {@code Redirect.NEVER}; one per worker. */
    static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                // HTTP/1.1 keeps plain-http receivers simple (no h2c upgrade dance).
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    void post(URI url, String what, List<HttpHeader> headers, String idempotencyKey, String json)
            throws DeliveryException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(url)
                        .timeout(requestTimeout)
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "nginx-alerts-worker")
                        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (idempotencyKey != null) {
            // Lets a receiver drop the rare duplicate after a worker crash by itself.
            request.header("Idempotency-Key", idempotencyKey);
        }
        for (HttpHeader h : headers) {
            request.setHeader(h.name(), h.value());
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw DeliveryException.retryable(what + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.retryable(what + ": interrupted");
        }
        int status = response.statusCode();
        String body = readSome(response.body());
        if (status >= 200 && status < 300) {
            return;
        }
        String message = what + ": HTTP " + status + (body.isEmpty() ? "" : " " + body);
        if (status == 429) {
            throw DeliveryException.retryAfter(message, retryAfter(response).orElse(null));
        }
        if (status >= 500) {
            throw DeliveryException.retryable(message);
        }
        if (status >= 300 && status < 400) {
            throw DeliveryException.permanent(
                    what + ": HTTP " + status + " redirect not followed (configure the final URL)");
        }
        throw DeliveryException.permanent(message);
    }

    /** Retry-After in seconds; the HTTP-date form is rare for webhooks and treated as absent. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers()
                .firstValue("Retry-After")
                .flatMap(
                        v -> {
                            try {
                                long seconds = Long.parseLong(v.trim());
                                return seconds < 0
                                        ? Optional.empty()
                                        : Optional.of(Duration.ofSeconds(seconds));
                            } catch (NumberFormatException e) {
                                return Optional.empty();
                            }
                        });
    }

    private static String readSome(InputStream in) {
        try (in) {
            byte[] bytes = in.readNBytes(ERROR_BODY_CHARS);
            return StdoutOutput.printable(new String(bytes, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return "";
        }
    }

    private static String describe(IOException e) {
        String name = e.getClass().getSimpleName();
        return e.getMessage() == null ? name : name + ": " + e.getMessage();
    }
}
