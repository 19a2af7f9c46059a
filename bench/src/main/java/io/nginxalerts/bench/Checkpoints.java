package io.nginxalerts.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads checkpoint statistics from the local Flink's REST API. */
final class Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    record Stat(
            long id, long triggeredAt, long stateBytes, long checkpointedBytes, long durationMs) {}

    Checkpoints(int restPort, String jobId) {
        this.base = "http://127.0.0.1:" + restPort + "/jobs/" + jobId + "/checkpoints";
    }

    Stat latest() throws Exception {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(base))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return null;
        }
        JsonNode c = JSON.readTree(r.body()).path("latest").path("completed");
        if (c.isMissingNode() || c.isNull()) {
            return null;
        }
        return new Stat(
                c.path("id").asLong(),
                c.path("trigger_timestamp").asLong(),
                c.path("state_size").asLong(),
                c.path("checkpointed_size").asLong(),
                c.path("end_to_end_duration").asLong());
    }

    /** The first checkpoint triggered after {@code afterMillis} (wall clock), waiting for it. */
    Stat after(long afterMillis, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Stat s = latest();
            if (s != null && s.triggeredAt() > afterMillis) {
                return s;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no checkpoint completed within " + timeout);
    }
}
