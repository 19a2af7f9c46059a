package io.nginxalerts.job;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.JobArgs;
import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.LocalAlertmanager;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.WholeLines;
import io.nginxalerts.worker.EmbeddedWorker;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * The whole alerting path of issue 15 on real components: nginx lines on an in-process KRaft Kafka
 * → the streaming job on a MiniCluster → a real redis-server → the worker ({@link EmbeddedWorker},
 * {@code --output alertmanager:}) → the real Alertmanager 0.25 binary, configured with the shipped
 * {@code alertmanager/alertmanager.yml} (receivers pointed at a webhook in this test, group waits
 * cut to 1 s) → its webhook receiver.
 *
 * <p>Event time moves only with the events (the idle flush is off), so each step is decided by the
 * traffic: the attacks open episodes, and a later benign request moves event time past their {@code
 * resolve_after}, which resolves them. Disabled, with how to install it, without the Alertmanager
 * binary (before any server starts).
 */
@EnabledIf(
        value = "io.nginxalerts.testing.LocalAlertmanager#installed",
        disabledReason = LocalAlertmanager.MISSING)
class KafkaToAlertmanagerITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    private static final String TOPIC = "nginx-am";
    private static final String LIST = "test:alerts:am";
    private static final Path CONFIG = Path.of("..", "alertmanager", "alertmanager.yml");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KafkaExtension KAFKA =
            new KafkaExtension().withTopic(TOPIC, 1).withTopic(TOPIC + "-dlq", 1);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    private static final String BRUTE_FORCE = "login-brute-force";
    private static final String SUCCESS = "login-brute-force-success";

    /** Brute-forces, then stops: firing, then resolved. */
    private static final String ATTACKER = "203.0.113.10";

    /** Brute-forces under a silence: the receiver hears nothing of it. */
    private static final String SILENCED = "203.0.113.20";

    /** Brute-forces and gets in: the success alert inhibits its brute-force alert. */
    private static final String GUESSED = "203.0.113.30";

    /** Brute-forces last: heard after everything before it was settled. */
    private static final String LATER = "203.0.113.40";

    /**
     * Event time starts a minute ago (whole seconds, as nginx logs them): nothing is in the future.
     */
    private final Instant base = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);

    @Test
    void anAttackReachesTheReceiverAsFiringThenResolvedOnceWhileSilencesAndInhibitionsHold(
            @TempDir Path tmp) throws Exception {
        RedisClient redis = REDIS.client();
        Path delivered = tmp.resolve("delivered.jsonl");
        try (Receiver receiver = new Receiver();
                LocalAlertmanager alertmanager =
                        LocalAlertmanager.start(
                                LocalAlertmanager.exampleConfigFor(CONFIG, receiver.url()));
                EmbeddedWorker worker = startWorker(alertmanager.url(), delivered)) {
            String silenceId = silence(alertmanager, SILENCED);
            JobClient job = startJob();
            try {
                // Six failed logins in six seconds from each attacker, in time order (the
                // watermark allows 1 s of disorder); the guessed client fails five times, then
                // gets in. A benign request at +8 s moves event time past every attack (the
                // watermark trails it by 1 s) but not past the +15 s at which they resolve.
                List<String> attacks = new ArrayList<>();
                for (int second = 0; second < 6; second++) {
                    attacks.add(login(ATTACKER, second, 401));
                    attacks.add(login(SILENCED, second, 401));
                    attacks.add(login(GUESSED, second, second < 5 ? 401 : 302));
                }
                attacks.add(benign("192.0.2.1", 8));
                KAFKA.produceLines(TOPIC, attacks);

                JsonNode active =
                        Poll.until(
                                TIMEOUT,
                                "the attacker's alert in Alertmanager",
                                () -> alertmanager.alerts(clientip(ATTACKER)),
                                a -> a.size() == 1);
                assertThat(active.get(0).path("status").path("state").asText()).isEqualTo("active");
                assertThat(active.get(0).path("labels").path("alertname").asText())
                        .isEqualTo(BRUTE_FORCE);
                assertThat(Instant.parse(active.get(0).path("startsAt").asText()))
                        .as("startsAt is the episode's first_seen, in event time")
                        .isEqualTo(base);
                Poll.until(
                        TIMEOUT,
                        "the firing notification",
                        () -> receiver.heard(ATTACKER).contains(BRUTE_FORCE + " firing"));
                String fingerprint = only(records(delivered, ATTACKER)).fingerprint();
                assertThat(redis.hexists(LIST + ":firing", fingerprint))
                        .as("the worker re-sends the open episode")
                        .isTrue();

                JsonNode silenced =
                        Poll.until(
                                TIMEOUT,
                                "the silenced client's alert in Alertmanager",
                                () -> alertmanager.alerts(clientip(SILENCED)),
                                a -> a.size() == 1);
                assertThat(silenced.get(0).path("status").path("state").asText())
                        .isEqualTo("suppressed");
                assertThat(silenced.get(0).path("status").path("silencedBy").get(0).asText())
                        .isEqualTo(silenceId);

                Poll.until(
                        TIMEOUT,
                        "the success notification",
                        () -> receiver.heard(GUESSED).contains(SUCCESS + " firing"));
                // The guessed client's sixth failure, after the success is in Alertmanager: its
                // brute force fires now and is inhibited from its first notification on.
                KAFKA.produceLines(TOPIC, List.of(login(GUESSED, 9, 401), benign("192.0.2.2", 12)));
                JsonNode inhibited =
                        Poll.until(
                                TIMEOUT,
                                "the inhibited brute-force alert in Alertmanager",
                                () ->
                                        alertmanager.alerts(
                                                "alertname=\"" + BRUTE_FORCE + "\"",
                                                clientip(GUESSED)),
                                a -> a.size() == 1);
                assertThat(inhibited.get(0).path("status").path("state").asText())
                        .isEqualTo("suppressed");
                assertThat(inhibited.get(0).path("status").path("inhibitedBy")).hasSize(1);

                // Benign traffic goes on: event time passes +19 s, every brute force resolves
                // (the guessed client's last failure was at +9 s).
                KAFKA.produceLines(TOPIC, List.of(benign("192.0.2.3", 22)));

                Poll.until(
                        TIMEOUT,
                        "the resolved notification",
                        () -> receiver.heard(ATTACKER).contains(BRUTE_FORCE + " resolved"));
                Poll.until(
                        TIMEOUT,
                        "the resolved brute forces to leave Alertmanager",
                        () ->
                                alertmanager.alerts(clientip(ATTACKER)).isEmpty()
                                        && alertmanager.alerts(clientip(SILENCED)).isEmpty()
                                        && alertmanager
                                                .alerts(
                                                        "alertname=\"" + BRUTE_FORCE + "\"",
                                                        clientip(GUESSED))
                                                .isEmpty());
                assertThat(alertmanager.alerts(clientip(GUESSED)))
                        .as("the success alert stays (resolve_after 10m)")
                        .hasSize(1);
                assertThat(redis.hexists(LIST + ":firing", fingerprint)).isFalse();

                // A later attack, heard only after the notifications above had their chance to
                // repeat: a re-sent firing alert after its resolved record would show by now.
                List<String> later = new ArrayList<>();
                for (int second = 23; second < 29; second++) {
                    later.add(login(LATER, second, 401));
                }
                later.add(benign("192.0.2.4", 30));
                KAFKA.produceLines(TOPIC, later);
                Poll.until(
                        TIMEOUT,
                        "the later attack's notification",
                        () -> receiver.heard(LATER).contains(BRUTE_FORCE + " firing"));
            } finally {
                job.cancel().get();
            }

            assertThat(receiver.heard(ATTACKER))
                    .containsExactly(BRUTE_FORCE + " firing", BRUTE_FORCE + " resolved");
            assertThat(receiver.heard(SILENCED)).as("silenced").isEmpty();
            assertThat(receiver.heard(GUESSED))
                    .as("the brute force inhibited by the success")
                    .containsExactly(SUCCESS + " firing");

            // What the job wrote into Redis, as the worker took it off the list.
            List<Alert> attacker = records(delivered, ATTACKER);
            assertThat(attacker)
                    .extracting(Alert::status)
                    .containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
            assertThat(attacker)
                    .extracting(Alert::fingerprint)
                    .containsOnly(attacker.get(0).fingerprint());
            assertThat(attacker.get(1).endsAt())
                    .as("ends_at: the last failure (+5 s) + resolve_after (10 s)")
                    .isEqualTo(base.plusSeconds(15).toEpochMilli());
            assertThat(records(delivered, SILENCED))
                    .extracting(Alert::status)
                    .containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
            assertThat(records(delivered, GUESSED))
                    .extracting(a -> a.rule() + " " + a.status().code())
                    .containsExactlyInAnyOrder(
                            BRUTE_FORCE + " firing",
                            BRUTE_FORCE + " resolved",
                            SUCCESS + " firing");
            assertThat(worker.dead()).isZero();
        }
    }

    // ---------------------------------------------------------------------------------------

    /**
     * Six failed logins within 30 s from one client, resolved after 10 quiet seconds; and the
     * shipped success sequence's shape (five failures, then a success; resolved after 10 m, so
     * after this test), which alertmanager.yml lets inhibit it.
     */
    private static List<Rule> rules() {
        return List.of(
                TestRules.rule(
                        BRUTE_FORCE,
                        """
                        description: One client POSTs to the login page many times
                        severity: warning
                        group_by: [clientip]
                        match: { method: POST, url: { prefix: /login }, status: 401 }
                        threshold: 6
                        within: 30s
                        resolve_after: 10s
                        """),
                TestRules.loginBruteForceSuccess());
    }

    private JobClient startJob() throws Exception {
        JobSettings settings =
                JobArgs.of(KAFKA.bootstrapServers(), TOPIC, TOPIC + "-dlq", REDIS.url(), LIST)
                        // Only events move event time: no step resolves an episode by itself.
                        .with("events.idle-flush-after", "0s")
                        .settings();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        AlertJob.build(env, settings, rules());
        return env.executeAsync("kafka-to-alertmanager test");
    }

    /** The worker, delivering to Alertmanager and (to read back what Redis held) to a file. */
    private static EmbeddedWorker startWorker(String alertmanagerUrl, Path file) throws Exception {
        return EmbeddedWorker.start(
                new String[] {
                    "--redis.url",
                    REDIS.url(),
                    "--redis.list",
                    LIST,
                    "--worker-id",
                    "am-1",
                    "--output",
                    "alertmanager:" + alertmanagerUrl,
                    "--output",
                    "file:" + file,
                    // Re-sent every second, so a re-send after the resolved record would show.
                    "--alertmanager.resend-every",
                    "1s",
                    "--retry-backoff",
                    "10ms",
                    "--retry-backoff-max",
                    "100ms"
                },
                new PrintStream(System.out, true, StandardCharsets.UTF_8));
    }

    private static String silence(LocalAlertmanager alertmanager, String ip) {
        return alertmanager.silence(
                """
                {"matchers":[{"name":"alertname","value":"%s","isRegex":false,"isEqual":true},\
                {"name":"clientip","value":"%s","isRegex":false,"isEqual":true}],\
                "startsAt":"%s","endsAt":"%s","createdBy":"KafkaToAlertmanagerITCase",\
                "comment":"known scanner"}"""
                        .formatted(
                                BRUTE_FORCE,
                                ip,
                                Instant.now().minusSeconds(1),
                                Instant.now().plus(Duration.ofHours(2))));
    }

    private String login(String ip, int second, int status) {
        return request(base.plusSeconds(second), ip)
                .method("POST")
                .url("/login")
                .status(status)
                .line();
    }

    private String benign(String ip, int second) {
        return request(base.plusSeconds(second), ip).url("/products").line();
    }

    private static String clientip(String ip) {
        return "clientip=\"" + ip + "\"";
    }

    /** The records for {@code ip} the worker delivered, in the order it took them from Redis. */
    private static List<Alert> records(Path file, String ip) {
        if (!Files.exists(file)) {
            return List.of();
        }
        // The worker may be appending a line right now: only whole lines count.
        return WholeLines.of(file).stream()
                .map(AlertCodec::decode)
                .filter(a -> ip.equals(a.key().get("clientip")))
                .toList();
    }

    private static Alert only(List<Alert> alerts) {
        assertThat(alerts).hasSize(1);
        return alerts.get(0);
    }

    /** Alertmanager's webhook receiver: a real HTTP server that keeps every notification. */
    private static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final List<String> notifications = new CopyOnWriteArrayList<>();

        Receiver() throws IOException {
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext(
                    "/",
                    exchange -> {
                        try (exchange) {
                            notifications.add(
                                    new String(
                                            exchange.getRequestBody().readAllBytes(),
                                            StandardCharsets.UTF_8));
                            exchange.sendResponseHeaders(200, -1);
                        }
                    });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        }

        /** "{@code alertname status}" of each alert notified for this client, in order. */
        List<String> heard(String ip) {
            List<String> heard = new ArrayList<>();
            for (String body : notifications) {
                JsonNode notification;
                try {
                    notification = JSON.readTree(body);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                for (JsonNode alert : notification.path("alerts")) {
                    if (alert.path("labels").path("clientip").asText().equals(ip)) {
                        heard.add(
                                alert.path("labels").path("alertname").asText()
                                        + " "
                                        + alert.path("status").asText());
                    }
                }
            }
            return heard;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
