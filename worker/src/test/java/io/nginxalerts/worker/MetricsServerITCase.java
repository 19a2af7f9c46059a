package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.TestAlerts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** /health follows Redis; /metrics serves the counters in the Prometheus text format. */
class MetricsServerITCase {
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension().freshPerTest();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthIs200WhileRedisAnswersAnd503AfterItStopped() throws Exception {
        try (Workers workers = new Workers(REDIS.url(), "health")) {
            AlertDrainer drainer = workers.start("w1", new RecordingOutput());
            try (MetricsServer metrics = new MetricsServer(0, drainer)) {
                assertThat(get(metrics, "/health").statusCode()).isEqualTo(200);
                REDIS.stop();
                assertThat(get(metrics, "/health").statusCode()).isEqualTo(503);
                REDIS.startAgain();
                assertThat(get(metrics, "/health").statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void metricsCountDeliveredDuplicatesAndDeadAlerts() throws Exception {
        try (RedisClient redis = RedisClient.create(REDIS.url());
                Workers workers = new Workers(REDIS.url(), "metrics")) {
            RecordingOutput out = new RecordingOutput();
            AlertDrainer drainer = workers.start("w1", out);
            redis.lpush(
                    workers.list(),
                    TestAlerts.json("m1"),
                    TestAlerts.json("m1"),
                    "junk",
                    TestAlerts.json("m2"));
            Poll.until(Duration.ofSeconds(20), "two deliveries", () -> out.size() == 2);

            try (MetricsServer metrics = new MetricsServer(0, drainer)) {
                HttpResponse<String> response = get(metrics, "/metrics");
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type").orElse(""))
                        .startsWith("text/plain; version=0.0.4");
                assertThat(response.body())
                        .contains("# TYPE nginx_alerts_worker_delivered_total counter\n")
                        .contains("\nnginx_alerts_worker_delivered_total 2\n")
                        .contains("\nnginx_alerts_worker_duplicates_total 1\n")
                        .contains("\nnginx_alerts_worker_dead_total{reason=\"invalid\"} 1\n")
                        .contains("\nnginx_alerts_worker_retries_total 0\n")
                        .contains("\nnginx_alerts_worker_redis_up 1\n");
            }
        }
    }

    private HttpResponse<String> get(MetricsServer server, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(Duration.ofSeconds(15))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
