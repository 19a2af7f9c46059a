package io.nginxalerts.job;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.job.testing.JobArgs;
import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Partition idleness lets a rule's event time run ahead of a quiet partition; when that partition
 * resumes with older events they are behind the rule's watermark though not behind their own
 * subtask's. They must become dead letters with reason {@code late}, never vanish inside the
 * matching operator (the grouped operator or CEP).
 */
class LateAtRuleITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @Test
    void eventsOfAPartitionThatResumesBehindTheRuleBecomeLateDeadLetters(
            @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        KAFKA.createTopic("late-topic", 2);
        KAFKA.createTopic("late-dlq", 1);
        JobSettings settings =
                JobArgs.of(
                                KAFKA.bootstrapServers(),
                                "late-topic",
                                "late-dlq",
                                REDIS.url(),
                                "late:alerts")
                        .with("events.idle-flush-after", "0s")
                        .settings();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        AlertJob.build(env, settings, List.of(TestRules.clientErrorsBurst()));
        JobClient job = env.executeAsync("late at rule");
        try {
            // Partition 0 moves on to 10:05; partition 1 stays quiet and goes idle.
            List<String> ahead = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ahead.add(request(300 + i, "198.51.100.7").status(404).line());
            }
            // A later request moves event time past the burst, so its match completes.
            ahead.add(request(330, "198.51.100.8").line());
            KAFKA.produceLines("late-topic", 0, ahead);
            URI rest = miniCluster.getRestAddress().get();
            String jobId = job.getJobID().toHexString();
            long ruleWatermark =
                    Poll.until(
                            Duration.ofSeconds(60),
                            "the rule's watermark to pass the burst at 10:05",
                            () -> matcherWatermark(rest, jobId),
                            w -> w >= 320);
            assertThat(ruleWatermark).isPositive();

            // Partition 1 resumes with a burst from 10:00: behind the rule, not behind its
            // own subtask (which has seen nothing yet).
            List<String> behind = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                behind.add(request(i, "203.0.113.66").status(404).line());
            }
            KAFKA.produceLines("late-topic", 1, behind);

            List<String> dead = KAFKA.consume("late-dlq", 20, Duration.ofSeconds(60));
            assertThat(dead)
                    .hasSize(20)
                    .allSatisfy(
                            d ->
                                    assertThat(d)
                                            .contains("\"reason\":\"late\"")
                                            .contains("\"topic\":\"rule client-errors-burst\"")
                                            .contains("203.0.113.66"));
        } finally {
            job.cancel().get();
        }
        try (Jedis jedis = new Jedis("127.0.0.1", REDIS.port())) {
            // The burst on partition 0 alerted; the late one did not, and was not lost.
            assertThat(jedis.lrange("late:alerts", 0, -1))
                    .hasSize(1)
                    .allSatisfy(a -> assertThat(a).contains("198.51.100.7"));
        }
    }

    /**
     * Seconds after {@code BEGINNING} of the rule's matching operator's input watermark (the
     * grouped operator, or CEP), or -1 while unknown.
     */
    private static long matcherWatermark(URI rest, String jobId) {
        try {
            HttpClient http = HttpClient.newHttpClient();
            JsonNode job = get(http, rest.resolve("/jobs/" + jobId));
            for (JsonNode v : job.path("vertices")) {
                String name = v.path("name").asText();
                if (name.contains("Rules by ") || name.contains(": CEP ")) {
                    JsonNode marks =
                            get(
                                    http,
                                    rest.resolve(
                                            "/jobs/"
                                                    + jobId
                                                    + "/vertices/"
                                                    + v.path("id").asText()
                                                    + "/watermarks"));
                    long min = Long.MAX_VALUE;
                    for (JsonNode m : marks) {
                        min = Math.min(min, m.path("value").asLong(Long.MIN_VALUE));
                    }
                    long beginning = io.nginxalerts.job.testing.NginxLines.BEGINNING.toEpochMilli();
                    return min == Long.MAX_VALUE || min < beginning ? -1 : (min - beginning) / 1000;
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static JsonNode get(HttpClient http, URI uri) throws IOException, InterruptedException {
        return JSON.readTree(
                http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                        .body());
    }
}
