package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.testing.LocalAlertmanager;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.TestAlerts;
import io.nginxalerts.worker.TestWebhook.Reply;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * The Alertmanager output end to end against the real Alertmanager 0.25 binary, configured with the
 * repository's {@code alertmanager/alertmanager.yml} (receivers pointed at a local HTTP server,
 * group waits shortened to 1s), and a real redis-server: records LPUSHed as the job would reach
 * Alertmanager, which notifies the receiver of firing and resolved once each, honours a silence and
 * the example's inhibition; a worker stopped mid-delivery loses nothing and sends nothing twice.
 *
 * <p>Each test uses its own client addresses, so the notification groups of one test never mix with
 * another's on the shared Alertmanager.
 */
class AlertmanagerITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CONFIG = Path.of("..", "alertmanager", "alertmanager.yml");

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    private static TestWebhook receiver;
    private static LocalAlertmanager alertmanager;

    private final RedisClient redis = REDIS.client();
    private Workers workers;

    @BeforeAll
    static void startAlertmanager() throws IOException {
        assumeTrue(LocalAlertmanager.installed(), LocalAlertmanager.MISSING);
        receiver = new TestWebhook();
        alertmanager =
                LocalAlertmanager.start(
                        LocalAlertmanager.exampleConfigFor(CONFIG, receiver.url("/").toString()));
    }

    @AfterAll
    static void stopAlertmanager() throws IOException {
        if (alertmanager != null) {
            alertmanager.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @BeforeEach
    void freshList(TestInfo test) {
        workers = new Workers(REDIS.url(), test.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void stopWorkers() throws InterruptedException {
        workers.close();
    }

    // ---------------------------------------------------------------------------------------

    @Test
    void theExampleConfigPassesAmtoolCheckConfig() throws Exception {
        Process p =
                new ProcessBuilder(
                                LocalAlertmanager.AMTOOL.toString(),
                                "check-config",
                                CONFIG.toString())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS", "1 inhibit rules");
    }

    @Test
    void aFiringAlertIsActiveAndReSentUntilItsResolvedRecordAndTheReceiverHearsEachOnce()
            throws Exception {
        String ip = "198.51.100.10";
        startWorker("w1");
        Alert firing = firing("login-brute-force", "warning", ip);
        redis.lpush(workers.list(), AlertCodec.encode(firing));

        JsonNode active =
                Poll.until(
                        TIMEOUT,
                        "the alert in Alertmanager",
                        () -> alertmanager.alerts("clientip=\"" + ip + "\""),
                        a -> a.size() == 1);
        assertThat(active.get(0).get("status").get("state").asText()).isEqualTo("active");
        assertThat(active.get(0).get("labels").get("alertname").asText())
                .isEqualTo("login-brute-force");
        assertThat(active.get(0).get("labels").get("source").asText()).isEqualTo("nginx-alerts");
        assertThat(active.get(0).get("annotations").get("evidence").asText())
                .isEqualTo("POST /wp-login.php 401");
        assertThat(redis.hexists(workers.list() + ":firing", firing.fingerprint())).isTrue();
        Poll.until(TIMEOUT, "the firing notification", () -> heard(ip).contains("firing"));

        // Re-sent: Alertmanager's updatedAt moves on while nothing new is pushed.
        String updated = active.get(0).get("updatedAt").asText();
        Poll.until(
                TIMEOUT,
                "a re-send",
                () -> alertmanager.alerts("clientip=\"" + ip + "\""),
                a -> a.size() == 1 && !a.get(0).get("updatedAt").asText().equals(updated));

        redis.lpush(
                workers.list(),
                AlertCodec.encode(
                        firing.resolvedAt(System.currentTimeMillis() - 1_000, nowMillis())));
        Poll.until(TIMEOUT, "the resolved notification", () -> heard(ip).contains("resolved"));
        assertThat(alertmanager.alerts("clientip=\"" + ip + "\"")).isEmpty();
        assertThat(redis.hlen(workers.list() + ":firing")).isZero();

        // Later traffic through the same worker and Alertmanager: by the time it is heard, a
        // stray re-send of the resolved alert (every second) would have fired it again.
        String later = "198.51.100.11";
        redis.lpush(
                workers.list(), AlertCodec.encode(firing("login-brute-force", "warning", later)));
        Poll.until(TIMEOUT, "the later alert", () -> heard(later).contains("firing"));
        assertThat(heard(ip)).containsExactly("firing", "resolved");
    }

    @Test
    void aSilenceForOneClientKeepsTheReceiverQuietForItButNotForAnother() {
        String silenced = "198.51.100.20";
        String other = "198.51.100.21";
        String silenceId =
                alertmanager.silence(
                        """
                        {"matchers":[{"name":"alertname","value":"login-brute-force",\
                        "isRegex":false,"isEqual":true},{"name":"clientip","value":"%s",\
                        "isRegex":false,"isEqual":true}],"startsAt":"%s","endsAt":"%s",\
                        "createdBy":"AlertmanagerITCase","comment":"known scanner"}"""
                                .formatted(
                                        silenced,
                                        Instant.now().minusSeconds(1),
                                        Instant.now().plus(Duration.ofHours(2))));
        startWorker("w1");

        redis.lpush(
                workers.list(),
                AlertCodec.encode(firing("login-brute-force", "warning", silenced)),
                AlertCodec.encode(firing("login-brute-force", "warning", other)));

        Poll.until(TIMEOUT, "the other client's alert", () -> heard(other).contains("firing"));
        JsonNode muted =
                Poll.until(
                        TIMEOUT,
                        "the silenced alert in Alertmanager",
                        () -> alertmanager.alerts("clientip=\"" + silenced + "\""),
                        a -> a.size() == 1);
        assertThat(muted.get(0).get("status").get("state").asText()).isEqualTo("suppressed");
        assertThat(muted.get(0).get("status").get("silencedBy").get(0).asText())
                .isEqualTo(silenceId);
        assertThat(heard(silenced)).isEmpty();
    }

    @Test
    void aSuccessfulBruteForceInhibitsTheBruteForceAlertOfTheSameClientOnly() {
        String guessed = "198.51.100.30";
        String other = "198.51.100.31";
        startWorker("w1");
        redis.lpush(
                workers.list(),
                AlertCodec.encode(firing("login-brute-force-success", "critical", guessed)));
        Poll.until(
                TIMEOUT,
                "the success alert",
                () -> heardRule(guessed, "login-brute-force-success").contains("firing"));

        redis.lpush(
                workers.list(),
                AlertCodec.encode(firing("login-brute-force", "warning", guessed)),
                AlertCodec.encode(firing("login-brute-force", "warning", other)));

        Poll.until(TIMEOUT, "the other client's alert", () -> heard(other).contains("firing"));
        JsonNode inhibited =
                Poll.until(
                        TIMEOUT,
                        "the inhibited alert in Alertmanager",
                        () ->
                                alertmanager.alerts(
                                        "alertname=\"login-brute-force\"",
                                        "clientip=\"" + guessed + "\""),
                        a -> a.size() == 1);
        assertThat(inhibited.get(0).get("status").get("state").asText()).isEqualTo("suppressed");
        assertThat(inhibited.get(0).get("status").get("inhibitedBy")).hasSize(1);
        assertThat(heardRule(guessed, "login-brute-force")).isEmpty();
    }

    @Test
    void aWorkerStoppedAfterAlertmanagerTookTheAlertButBeforeItsAckLosesNothingAndRepeatsNothing()
            throws Exception {
        String ip = "198.51.100.40";
        // Forwards to Alertmanager, then answers 503: the 2xx "lost" on the way back, so the
        // worker holds an alert Alertmanager already has when it is stopped.
        HttpClient http = HttpClient.newHttpClient();
        try (TestWebhook lossy = new TestWebhook()) {
            lossy.respond(
                    (n, r) -> {
                        http.send(
                                HttpRequest.newBuilder(
                                                URI.create(alertmanager.url() + "/api/v2/alerts"))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(r.body()))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                        return Reply.status(503);
                    });
            WorkerSettings first =
                    workers.settings(
                            "w1",
                            "--output",
                            "alertmanager:" + lossy.url("/"),
                            "--max-attempts",
                            "1000",
                            "--retry-backoff",
                            "100ms",
                            "--retry-backoff-max",
                            "200ms");
            AlertDrainer firstRun =
                    workers.start(first, Outputs.create(first, System.out).toArray(Output[]::new));
            Alert firing = firing("login-brute-force", "warning", ip);
            redis.lpush(workers.list(), AlertCodec.encode(firing));

            Poll.until(TIMEOUT, "Alertmanager to have it", () -> heard(ip).contains("firing"));
            firstRun.stop();
            assertThat(firstRun.awaitStopped(TIMEOUT)).isTrue();
            assertThat(redis.lrange(workers.processing("w1"), 0, -1))
                    .as("the alert in hand stays in the processing list")
                    .containsExactly(AlertCodec.encode(firing));

            startWorker("w1");
            Poll.until(
                    TIMEOUT,
                    "the acknowledgement",
                    () -> redis.llen(workers.processing("w1")) == 0);
            redis.lpush(
                    workers.list(),
                    AlertCodec.encode(
                            firing.resolvedAt(System.currentTimeMillis() - 1_000, nowMillis())));
            Poll.until(TIMEOUT, "the resolved notification", () -> heard(ip).contains("resolved"));
            assertThat(heard(ip)).containsExactly("firing", "resolved");
            assertThat(redis.llen(workers.dead())).isZero();
        }
    }

    @Test
    void aRestartedWorkerGoesOnReSendingWhatWasFiring() throws Exception {
        String ip = "198.51.100.50";
        AlertDrainer firstRun = startWorker("w1");
        redis.lpush(workers.list(), AlertCodec.encode(firing("login-brute-force", "warning", ip)));
        Poll.until(TIMEOUT, "the firing notification", () -> heard(ip).contains("firing"));
        firstRun.stop();
        assertThat(firstRun.awaitStopped(TIMEOUT)).isTrue();
        String updated =
                Poll.until(
                                TIMEOUT,
                                "the alert in Alertmanager",
                                () -> alertmanager.alerts("clientip=\"" + ip + "\""),
                                a -> a.size() == 1)
                        .get(0)
                        .get("updatedAt")
                        .asText();

        startWorker("w1");

        Poll.until(
                TIMEOUT,
                "a re-send by the restarted worker",
                () -> alertmanager.alerts("clientip=\"" + ip + "\""),
                a -> a.size() == 1 && !a.get(0).get("updatedAt").asText().equals(updated));
        assertThat(heard(ip)).containsExactly("firing");
    }

    // ---------------------------------------------------------------------------------------

    private AlertDrainer startWorker(String id) {
        WorkerSettings settings =
                workers.settings(
                        id,
                        "--output",
                        "alertmanager:" + alertmanager.url(),
                        "--alertmanager.resend-every",
                        "1s");
        return workers.start(settings, Outputs.create(settings, System.out).toArray(Output[]::new));
    }

    private static long nowMillis() {
        return System.currentTimeMillis();
    }

    /** A firing record as the job writes it: eight login POSTs from {@code ip} a minute ago. */
    private static Alert firing(String rule, String severity, String ip) {
        long t = System.currentTimeMillis() - 60_000;
        AccessEvent first = TestAlerts.request(t, ip, "POST", "/wp-login.php", 401);
        Map<String, String> key = Map.of("clientip", ip);
        return new Alert(
                Alerts.id(rule, key, first),
                rule,
                severity,
                key,
                8,
                t,
                t + 5_000,
                System.currentTimeMillis(),
                rule + ": 8 matching requests for clientip " + ip,
                "test",
                List.of(first),
                Alert.SCHEMA_VERSION);
    }

    /** The statuses the receiver was notified of for any rule's alert of this client, in order. */
    private static List<String> heard(String ip) {
        return heardRule(ip, null);
    }

    private static List<String> heardRule(String ip, String rule) {
        List<String> statuses = new ArrayList<>();
        for (String body : receiver.accepted()) {
            JsonNode notification;
            try {
                notification = JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            for (JsonNode a : notification.path("alerts")) {
                JsonNode labels = a.path("labels");
                if (labels.path("clientip").asText().equals(ip)
                        && (rule == null || labels.path("alertname").asText().equals(rule))) {
                    statuses.add(a.path("status").asText());
                }
            }
        }
        return statuses;
    }
}
