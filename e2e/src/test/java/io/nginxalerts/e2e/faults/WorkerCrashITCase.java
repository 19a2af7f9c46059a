package io.nginxalerts.e2e.faults;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.e2e.LocalFlinkCluster;
import io.nginxalerts.job.testing.JobArgs;
import io.nginxalerts.job.testing.RedisAlerts;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.ServerExtension;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The whole pipeline on real processes — Kafka → the job jar on a standalone Flink cluster → Redis
 * → the worker jar → a webhook — with the worker killed by SIGKILL in the middle of a delivery
 * while the job goes on writing alerts. Restarted with the same {@code --worker-id}, the worker
 * first finishes the alert its processing list holds, then drains what piled up: the webhook
 * accepts exactly the alerts of a fault-free run, each once.
 *
 * <p>Why a webhook and not a file: a file output cannot tell "written, not yet acknowledged" from
 * "not written", so a SIGKILL between the write and the acknowledgement would legitimately deliver
 * twice (the documented window, closed for webhooks only by their {@code Idempotency-Key}). The
 * webhook here holds one request open until the worker is dead, so the kill always lands inside a
 * delivery, before the receiver's answer: the window where the worker must deliver exactly once.
 *
 * <p>The reference is the same job jar, fault-free, run bounded ({@code --kafka.bounded true}) over
 * the same events on a topic of their own.
 */
class WorkerCrashITCase {
    private static final Path WORKER_JAR =
            LocalFlinkCluster.ROOT.resolve("worker/target/nginx-alerts-worker.jar");
    private static final String RULE =
            TestRules.file(
                    "client-errors",
                    TestRules.suppressedFor(TestRules.clientErrors(5, "60s"), "10m"));

    /** The request the webhook holds open until the worker has been killed. */
    private static final int HELD_REQUEST = 3;

    @RegisterExtension
    static final KafkaExtension KAFKA =
            new KafkaExtension()
                    .withTopic("crash-ref", 1)
                    .withTopic("crash-live", 1)
                    .withTopic("crash-dlq", 1);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @RegisterExtension
    static final ServerExtension<LocalFlinkCluster> FLINK =
            LocalFlinkCluster.extension("WorkerCrashITCase");

    private final List<Process> workers = new ArrayList<>();

    @AfterEach
    void killWorkers() {
        workers.forEach(Process::destroyForcibly);
    }

    @Test
    void deliversEveryAlertExactlyOnceWhenTheWorkerIsKilledDuringADelivery(@TempDir Path tmp)
            throws Exception {
        assertThat(WORKER_JAR).as("mvn -pl worker package builds it").exists();
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.writeString(rules.resolve("client-errors.yaml"), RULE);
        Instant start = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<String> firstHalf = attacks(start, 0);
        List<String> secondHalf = attacks(start, 1);
        // Event time passes every window: no idle flush needed, so no wall-clock dependence.
        List<String> closing = List.of(request(start.plusSeconds(3600), "192.0.2.1").line());

        // 1. The reference: the same events, fault-free, through the same job jar, bounded.
        List<String> all = new ArrayList<>(firstHalf);
        all.addAll(secondHalf);
        all.addAll(closing);
        KAFKA.produceLines("crash-ref", all);
        String reference =
                FLINK.get()
                        .runDetached(
                                List.of(),
                                LocalFlinkCluster.JOB_JAR,
                                // Partition idleness off: with it, a bounded replay can lose every
                                // event as late (see BoundedReplayITCase in the job module).
                                jobArgs(
                                        "crash-ref",
                                        "crash:ref",
                                        rules,
                                        "0s",
                                        "--kafka.bounded",
                                        "true"));
        assertThat(
                        FLINK.get()
                                .awaitJobState(reference, "FINISHED", Duration.ofMinutes(2))
                                .path("state")
                                .asText())
                .isEqualTo("FINISHED");
        List<String> referenceIds = RedisAlerts.ids(REDIS.port(), "crash:ref");
        assertThat(referenceIds).doesNotHaveDuplicates();
        Set<String> expected = new TreeSet<>(referenceIds);
        assertThat(expected).hasSizeGreaterThan(HELD_REQUEST + 2);

        // 2. The live run: job streaming, worker delivering to the webhook.
        String list = "crash:live";
        try (Webhook webhook = new Webhook()) {
            String live =
                    FLINK.get()
                            .runDetached(
                                    List.of(),
                                    LocalFlinkCluster.JOB_JAR,
                                    jobArgs("crash-live", list, rules, "1s"));
            FLINK.get().awaitAllTasksRunning(live, Duration.ofMinutes(1));
            Process first = startWorker(tmp, "first", list, webhook.url());
            KAFKA.produceLines("crash-live", firstHalf);

            assertThat(webhook.held.await(60, TimeUnit.SECONDS))
                    .as("the worker is in the middle of a delivery")
                    .isTrue();
            first.destroyForcibly(); // SIGKILL
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            webhook.killed.countDown();
            String inFlight = webhook.heldId;
            try (Jedis jedis = new Jedis("127.0.0.1", REDIS.port())) {
                assertThat(jedis.lrange(list + ":processing:crash-1", 0, -1))
                        .as("the alert in hand waits in the dead worker's processing list")
                        .hasSize(1)
                        .allSatisfy(
                                json ->
                                        assertThat(AlertCodec.decode(json).id())
                                                .isEqualTo(inFlight));
            }

            // The job goes on while no worker runs: these alerts pile up on the list.
            KAFKA.produceLines("crash-live", secondHalf);
            KAFKA.produceLines("crash-live", closing);
            startWorker(tmp, "second", list, webhook.url());

            Map<String, Integer> accepted =
                    Poll.until(
                            Duration.ofSeconds(90),
                            webhook::accepted,
                            a -> a.size() >= expected.size() && pending(list) == 0);
            assertThat(accepted.keySet()).isEqualTo(expected);
            assertThat(accepted).allSatisfy((alert, times) -> assertThat(times).isOne());
            assertThat(accepted).containsKey(inFlight);
            try (Jedis jedis = new Jedis("127.0.0.1", REDIS.port())) {
                assertThat(jedis.llen(list + ":dead")).isZero();
            }
            assertThat(FLINK.get().flink("cancel", live).exitCode()).isZero();
        }
    }

    /** Six clients, each with one burst of six 404s (one alert each), plus benign browsing. */
    private static List<String> attacks(Instant start, int half) {
        List<String> lines = new ArrayList<>();
        long base = half * 300L;
        for (int client = 0; client < 6; client++) {
            String ip = "198.51.100." + (half * 10 + client + 1);
            for (int n = 0; n < 6; n++) {
                long second = base + client * 40 + n;
                lines.add(request(start.plusSeconds(second), ip).status(404).line());
                lines.add(
                        request(start.plusSeconds(second), "192.0.2.10")
                                .url("/page/" + second)
                                .line());
            }
        }
        return lines;
    }

    private static List<String> jobArgs(
            String topic, String list, Path rules, String partitionIdleness, String... extra) {
        List<String> args =
                JobArgs.of(KAFKA.bootstrapServers(), topic, "crash-dlq", REDIS.url(), list)
                        .with("kafka.group-id", topic)
                        .with("rules", rules.toString())
                        .with("events.partition-idleness", partitionIdleness)
                        .with("events.idle-flush-after", "0s")
                        .args();
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(extra));
        return all;
    }

    private Process startWorker(Path tmp, String name, String list, String webhookUrl)
            throws IOException {
        Process p =
                new ProcessBuilder(
                                System.getProperty("java.home")
                                        + File.separator
                                        + "bin"
                                        + File.separator
                                        + "java",
                                "-jar",
                                WORKER_JAR.toString(),
                                "--redis.url",
                                REDIS.url(),
                                "--redis.list",
                                list,
                                "--worker-id",
                                "crash-1",
                                "--output",
                                "webhook:" + webhookUrl,
                                "--retry-backoff",
                                "10ms",
                                "--heartbeat-ttl",
                                "30s")
                        .redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("worker-" + name + ".log").toFile())
                        .start();
        workers.add(p);
        return p;
    }

    private static long pending(String list) {
        try (Jedis jedis = new Jedis("127.0.0.1", REDIS.port())) {
            return jedis.llen(list) + jedis.llen(list + ":processing:crash-1");
        }
    }

    /**
     * Receives the worker's POSTs; answers 200 to all but the {@link #HELD_REQUEST}th, which it
     * holds until {@link #killed} and then answers 500 (to nobody: its worker is dead).
     */
    private static final class Webhook implements AutoCloseable {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch killed = new CountDownLatch(1);
        volatile String heldId;
        private final AtomicInteger requests = new AtomicInteger();
        private final Map<String, Integer> accepted = new ConcurrentHashMap<>();
        private final HttpServer server;

        Webhook() throws IOException {
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext(
                    "/hook",
                    exchange -> {
                        exchange.getRequestBody().readAllBytes();
                        String id = exchange.getRequestHeaders().getFirst("Idempotency-Key");
                        int status = 200;
                        if (requests.incrementAndGet() == HELD_REQUEST) {
                            heldId = id;
                            held.countDown();
                            try {
                                killed.await(60, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            status = 500;
                        }
                        try {
                            if (status == 200) {
                                accepted.merge(id, 1, Integer::sum);
                            }
                            exchange.sendResponseHeaders(status, -1);
                        } catch (IOException workerGone) {
                            // The held request's worker was killed: nobody reads the answer.
                        } finally {
                            exchange.close();
                        }
                    });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        Map<String, Integer> accepted() {
            return new TreeMap<>(accepted);
        }

        @Override
        public void close() {
            killed.countDown();
            server.stop(0);
        }
    }
}
