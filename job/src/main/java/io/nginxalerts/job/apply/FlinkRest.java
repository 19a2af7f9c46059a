package io.nginxalerts.job.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The few calls of Flink's REST API (the JobManager's web port) that a rule change needs. Every
 * call fails with {@link FlinkRest.Failure}, carrying the status and Flink's own error text, on a
 * status other than 2xx or when the JobManager cannot be reached.
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public FlinkRest(URI base) {
        String url = base.toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
    }

    /** A call that did not succeed. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public JsonNode get(String path) {
        return send(request(path).GET().build());
    }

    public JsonNode post(String path, JsonNode body) {
        return send(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build());
    }

    public JsonNode patch(String path) {
        return send(request(path).method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
    }

    /**
     * True if the job of {@code GET /jobs/:id} is RUNNING with every vertex RUNNING: the moment a
     * restarted job processes again (a job is RUNNING while its tasks still deploy).
     */
    public static boolean allTasksRunning(JsonNode job) {
        if (!"RUNNING".equals(job.path("state").asText()) || job.path("vertices").isEmpty()) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (!"RUNNING".equals(vertex.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** The jobs the cluster knows: {@code [{"jid", "name", "state", ...}]}. */
    public List<JsonNode> jobs() {
        return iterate(get("jobs/overview").path("jobs"));
    }

    /** The REST address ({@code http://host:port/}). */
    public URI uri() {
        return base;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofMinutes(1));
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response =
                    http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Failure(
                    request.method() + " " + request.uri() + ": cannot reach Flink: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", e);
        }
        JsonNode body;
        try {
            body = response.body().isBlank() ? object() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = object().put("body", response.body());
        }
        if (response.statusCode() / 100 != 2) {
            throw new Failure(
                    request.method()
                            + " "
                            + request.uri().getPath()
                            + ": "
                            + response.statusCode()
                            + " "
                            + errors(body),
                    null);
        }
        return body;
    }

    /** Flink's {@code errors} array, first lines only (the rest are stack traces). */
    private static String errors(JsonNode body) {
        if (!body.has("errors")) {
            return body.toString();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode error : body.path("errors")) {
            for (String line : error.asText().split("\n")) {
                String l = line.strip();
                if (l.startsWith("at ") || l.startsWith("...") || l.isEmpty()) {
                    continue;
                }
                if (text.length() > 0) {
                    text.append(" | ");
                }
                text.append(l);
                if (text.length() > 2000) {
                    return text.toString();
                }
            }
        }
        return text.toString();
    }

    static List<JsonNode> iterate(JsonNode array) {
        List<JsonNode> list = new java.util.ArrayList<>();
        array.forEach(list::add);
        return list;
    }
}
