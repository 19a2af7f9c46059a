package io.nginxalerts.worker;

import static io.nginxalerts.testing.TestAlerts.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.TestAlerts;
import io.nginxalerts.worker.TestWebhook.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** Webhook and Slack delivery end to end: real Redis, real HTTP receivers. */
class WebhookDeliveryITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    private final RedisClient redis = REDIS.client();
    private Workers workers;
    private TestWebhook webhook;

    @BeforeEach
    void fresh(TestInfo test) {
        workers = new Workers(REDIS.url(), test.getTestMethod().orElseThrow().getName());
        webhook = new TestWebhook();
    }

    @AfterEach
    void stop() throws InterruptedException {
        workers.close();
        webhook.close();
    }

    private AlertDrainer startWebhookWorker(String... extra) {
        String[] args = new String[extra.length + 2];
        args[0] = "--output";
        args[1] = "webhook:" + webhook.url("/hook");
        System.arraycopy(extra, 0, args, 2, extra.length);
        WorkerSettings settings = workers.settings("w1", args);
        return workers.start(settings, Outputs.create(settings, System.out).toArray(Output[]::new));
    }

    @Test
    void webhookThatFailsTwiceThenAcceptsGetsTheAlertExactlyOnce() {
        webhook.respond((n, r) -> Reply.status(n <= 2 ? 503 : 200));
        AlertDrainer worker = startWebhookWorker();
        redis.lpush(workers.list(), json("flaky"));

        Poll.until(TIMEOUT, "acceptance", () -> webhook.acceptedCount("flaky") == 1);
        Poll.until(TIMEOUT, "the acknowledgement", () -> redis.llen(workers.processing("w1")) == 0);
        assertThat(webhook.received()).hasSize(3);
        assertThat(webhook.accepted()).containsExactly(json("flaky"));
        assertThat(worker.metrics().retries.sum()).isEqualTo(2);
        assertThat(worker.metrics().delivered.sum()).isEqualTo(1);
        assertThat(redis.llen(workers.dead())).isZero();
    }

    @Test
    void webhookThatAlwaysFailsSendsTheAlertToTheDeadListAfterMaxAttempts() throws Exception {
        webhook.respond((n, r) -> Reply.status(500));
        startWebhookWorker("--max-attempts", "3");
        redis.lpush(workers.list(), json("doomed"));

        Poll.until(TIMEOUT, "the dead-list entry", () -> redis.llen(workers.dead()) == 1);
        assertThat(webhook.received()).hasSize(3);
        JsonNode entry = JSON.readTree(redis.lindex(workers.dead(), 0));
        assertThat(entry.get("reason").asText())
                .startsWith("delivery failed after 3 attempt(s): webhook http://127.0.0.1:")
                .contains("HTTP 500");
        assertThat(entry.get("value").asText()).isEqualTo(json("doomed"));
        assertThat(redis.llen(workers.processing("w1"))).isZero();
        // The claim is released, so pushing the value back delivers it once the webhook works.
        assertThat(redis.exists(workers.list() + ":seen:doomed")).isFalse();
    }

    @Test
    void doesNotRetryARejectionWith4xx() {
        webhook.respond((n, r) -> Reply.status(400));
        startWebhookWorker();
        redis.lpush(workers.list(), json("rejected"));

        Poll.until(TIMEOUT, "the dead-list entry", () -> redis.llen(workers.dead()) == 1);
        assertThat(webhook.received()).hasSize(1);
        assertThat(redis.lindex(workers.dead(), 0)).contains("after 1 attempt(s)", "HTTP 400");
    }

    @Test
    void waitsAsLongAsRetryAfterSaysOn429() {
        webhook.respond(
                (n, r) -> n == 1 ? new Reply(429, Map.of("Retry-After", "1")) : Reply.status(200));
        startWebhookWorker();
        redis.lpush(workers.list(), json("throttled"));

        Poll.until(TIMEOUT, "acceptance", () -> webhook.acceptedCount("throttled") == 1);
        List<TestWebhook.Request> requests = webhook.received();
        assertThat(requests).hasSize(2);
        long gapMillis =
                (requests.get(1).receivedNanos() - requests.get(0).receivedNanos()) / 1_000_000;
        // The backoff alone would be 5 to 10 ms.
        assertThat(gapMillis).isGreaterThanOrEqualTo(950);
    }

    @Test
    void capsALongRetryAfterAtRetryAfterMax() {
        webhook.respond(
                (n, r) ->
                        n == 1 ? new Reply(429, Map.of("Retry-After", "3600")) : Reply.status(200));
        startWebhookWorker("--retry-after-max", "200ms");
        redis.lpush(workers.list(), json("capped"));

        Poll.until(TIMEOUT, "acceptance", () -> webhook.acceptedCount("capped") == 1);
        List<TestWebhook.Request> requests = webhook.received();
        long gapMillis =
                (requests.get(1).receivedNanos() - requests.get(0).receivedNanos()) / 1_000_000;
        assertThat(gapMillis).isBetween(190L, 5_000L);
    }

    @Test
    void doesNotFollowARedirectAndTreatsItAsAFailure() {
        try (TestWebhook elsewhere = new TestWebhook()) {
            webhook.respond(
                    (n, r) ->
                            new Reply(
                                    307, Map.of("Location", elsewhere.url("/stolen").toString())));
            startWebhookWorker();
            redis.lpush(workers.list(), json("redirected"));

            Poll.until(TIMEOUT, "the dead-list entry", () -> redis.llen(workers.dead()) == 1);
            assertThat(redis.lindex(workers.dead(), 0)).contains("HTTP 307 redirect not followed");
            assertThat(webhook.received()).hasSize(1);
            assertThat(elsewhere.received()).isEmpty();
        }
    }

    @Test
    void sendsTheAlertJsonWithCustomHeadersWhoseValuesComeFromTheEnvironment() throws Exception {
        List<String> args =
                List.of(
                        "--redis.url",
                        REDIS.url(),
                        "--redis.list",
                        workers.list(),
                        "--worker-id",
                        "w1",
                        "--output",
                        "webhook:" + webhook.url("/hook"),
                        "--webhook-header",
                        "Authorization: Bearer ${ENV:HOOK_TOKEN}",
                        "--webhook-header",
                        "X-Team: sre");
        WorkerSettings settings =
                WorkerSettings.parse(
                        args.toArray(String[]::new), Map.of("HOOK_TOKEN", "t0ken-123"));
        workers.start(settings, Outputs.create(settings, System.out).toArray(Output[]::new));
        redis.lpush(workers.list(), json("with-headers"));

        Poll.until(TIMEOUT, "acceptance", () -> webhook.acceptedCount("with-headers") == 1);
        TestWebhook.Request request = webhook.received().get(0);
        assertThat(request.path()).isEqualTo("/hook");
        assertThat(request.header("Authorization")).isEqualTo("Bearer t0ken-123");
        assertThat(request.header("X-Team")).isEqualTo("sre");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Idempotency-Key")).isEqualTo("with-headers");
        assertThat(AlertCodec.decode(request.body())).isEqualTo(TestAlerts.alert("with-headers"));
        assertThat(settings.secrets()).contains("Bearer t0ken-123");
    }

    @Test
    void postsASlackMessageInWhichUserTextCannotMentionLinkOrFormat() throws Exception {
        String agent = "<!channel> @here *bold* _it_ ~x~ `code` <http://evil.test|click me> & more";
        redis.lpush(
                workers.list(),
                AlertCodec.encode(
                        TestAlerts.alert("slack-1", "198.51.100.9", "/a?b=<@U123>", agent)));
        WorkerSettings settings =
                workers.settings("w1", "--output", "slack:" + webhook.url("/services/T/B/x"));
        workers.start(settings, Outputs.create(settings, System.out).toArray(Output[]::new));

        Poll.until(TIMEOUT, "the Slack post", () -> webhook.accepted().size() == 1);
        JsonNode payload = JSON.readTree(webhook.accepted().get(0));
        assertThat(payload.get("text").asText())
                .isEqualTo(":rotating_light: *[WARNING] client-errors-burst*");
        JsonNode attachment = payload.get("attachments").get(0);
        assertThat(attachment.get("color").asText()).isEqualTo("warning");
        String text = payload.get("text").asText() + "\n" + attachment.get("text").asText();
        assertThat(text)
                .contains("client-errors-burst", "WARNING", "clientip=198.51.100.9", "*Count:* 20")
                .contains("&lt;!channel&gt;", "&lt;http://evil.test|click me&gt;", "&amp; more")
                .doesNotContain("<!channel>", "<http", "<@U123>", "`code`");
        assertThat(payload.get("unfurl_links").asBoolean()).isFalse();
    }

    @Test
    void passesTheLifecycleThroughFiringThenResolvedWithTheirOwnIdempotencyKeys() throws Exception {
        io.nginxalerts.core.alert.Alert firing = TestAlerts.alert("episode-1");
        io.nginxalerts.core.alert.Alert resolved =
                firing.resolvedAt(TestAlerts.LAST_SEEN + 300_000, TestAlerts.LAST_SEEN + 301_000);
        startWebhookWorker();
        redis.lpush(workers.list(), AlertCodec.encode(firing), AlertCodec.encode(resolved));

        Poll.until(TIMEOUT, "both records", () -> webhook.accepted().size() == 2);
        List<JsonNode> bodies =
                List.of(
                        JSON.readTree(webhook.accepted().get(0)),
                        JSON.readTree(webhook.accepted().get(1)));
        assertThat(bodies)
                .extracting(b -> b.get("status").asText())
                .containsExactly("firing", "resolved");
        assertThat(bodies)
                .extracting(b -> b.get("fingerprint").asText())
                .containsOnly(firing.fingerprint());
        assertThat(bodies.get(1).get("ends_at").asText()).isEqualTo("2026-11-18T11:12:19Z");
        assertThat(webhook.received())
                .extracting(r -> r.header("Idempotency-Key"))
                .containsExactly(firing.id(), resolved.id());
    }
}
