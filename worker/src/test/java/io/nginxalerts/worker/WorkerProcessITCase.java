package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.Ports;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.TestAlerts;
import io.nginxalerts.worker.TestWebhook.Reply;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * The worker as a separate JVM: killed with SIGKILL mid-delivery it loses nothing and delivers
 * once; SIGTERM ends it with status 0; a bad flag with status 2; the shaded jar runs.
 */
class WorkerProcessITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    private final RedisClient redis = REDIS.client();
    private final List<Process> processes = new ArrayList<>();

    @TempDir Path dir;

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void killedInTheMiddleOfADeliveryTheRestartedWorkerDeliversTheAlertExactlyOnce()
            throws Exception {
        String list = "it:crash";
        CountDownLatch firstRequestArrived = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        try (TestWebhook webhook = new TestWebhook()) {
            webhook.respond(
                    (n, request) -> {
                        if (n == 1) {
                            // Hold the first delivery until its worker has been killed.
                            firstRequestArrived.countDown();
                            killed.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                            return Reply.status(500);
                        }
                        return Reply.status(200);
                    });
            String[] args = {
                "--redis.url",
                REDIS.url(),
                "--redis.list",
                list,
                "--worker-id",
                "crash-1",
                "--output",
                "webhook:" + webhook.url("/hook"),
                "--retry-backoff",
                "10ms",
                "--heartbeat-ttl",
                "30s"
            };
            redis.lpush(list, TestAlerts.json("in-flight"));
            Process first = startWorker("first", args);

            assertThat(firstRequestArrived.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            first.destroyForcibly();
            assertThat(first.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            killed.countDown();
            assertThat(redis.lrange(list + ":processing:crash-1", 0, -1))
                    .containsExactly(TestAlerts.json("in-flight"));

            Process second = startWorker("second", args);
            Poll.until(TIMEOUT, "the redelivery", () -> webhook.acceptedCount("in-flight") == 1);
            // A later alert passing through proves the worker moved on (FIFO) without a repeat.
            redis.lpush(list, TestAlerts.json("later"));
            Poll.until(TIMEOUT, "the later alert", () -> webhook.acceptedCount("later") == 1);
            Poll.until(
                    TIMEOUT,
                    "the acknowledgement",
                    () -> redis.llen(list + ":processing:crash-1") == 0);

            assertThat(webhook.acceptedCount("in-flight")).isEqualTo(1);
            assertThat(webhook.received()).hasSize(3);
            assertThat(redis.llen(list)).isZero();
            assertThat(redis.llen(list + ":dead")).isZero();
            second.destroy();
            assertThat(second.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void sigtermFinishesTheAlertInHandAndExitsWithStatusZero() throws Exception {
        String list = "it:sigterm";
        CountDownLatch inFlight = new CountDownLatch(1);
        try (TestWebhook webhook = new TestWebhook()) {
            Process worker =
                    startWorker(
                            "sigterm",
                            "--redis.url",
                            REDIS.url(),
                            "--redis.list",
                            list,
                            "--worker-id",
                            "term-1",
                            "--output",
                            "webhook:" + webhook.url("/hook"));
            webhook.respond(
                    (n, request) -> {
                        inFlight.countDown();
                        // Answer only after SIGTERM was sent: the worker must wait for it.
                        Poll.until(TIMEOUT, "SIGTERM sent", () -> sigtermSent);
                        return Reply.status(200);
                    });
            redis.lpush(list, TestAlerts.json("in-hand"));
            assertThat(inFlight.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            worker.destroy(); // SIGTERM
            sigtermSent = true;
            assertThat(worker.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(worker.exitValue()).isZero();
            assertThat(webhook.acceptedCount("in-hand")).isEqualTo(1);
            assertThat(redis.llen(list + ":processing:term-1")).isZero();
            assertThat(redis.get(list + ":seen:in-hand")).startsWith("delivered term-1");
            assertThat(redis.exists(list + ":worker:term-1")).isFalse();
        }
    }

    private volatile boolean sigtermSent;

    @Test
    void anUnknownFlagExitsWithStatusTwoAndNamesIt() throws Exception {
        Process worker = startWorker("bad-flag", "--bogus", "1");
        assertThat(worker.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("bad-flag.err")))
                .contains("unknown option --bogus");
    }

    @Test
    void theShadedJarPrintsOneJsonLinePerAlertOnStdoutAndLogsOnStderr() throws Exception {
        Path jar = Path.of("target", "nginx-alerts-worker.jar");
        assertThat(jar).exists();
        String list = "it:jar";
        redis.lpush(list, TestAlerts.json("jar-1"), TestAlerts.json("jar-2"));
        Process worker =
                start(
                        "jar",
                        List.of(
                                java(),
                                "-jar",
                                jar.toString(),
                                "--redis.url",
                                "redis://:hunter22@127.0.0.1:" + Ports.free(),
                                "--redis.list",
                                list,
                                "--worker-id",
                                "jar-1"));
        Path out = dir.resolve("jar.out");
        Path err = dir.resolve("jar.err");
        // Nothing listens there: the worker reports the outage, password masked, and retries.
        Poll.until(TIMEOUT, "an outage line", () -> read(err).contains("is unavailable"));
        assertThat(read(err)).contains("redis://:***@127.0.0.1").doesNotContain("hunter22");
        worker.destroy();
        assertThat(worker.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isZero();

        Process good =
                start(
                        "jar-good",
                        List.of(
                                java(),
                                "-jar",
                                jar.toString(),
                                "--redis.url",
                                REDIS.url(),
                                "--redis.list",
                                list,
                                "--worker-id",
                                "jar-1"));
        Path goodOut = dir.resolve("jar-good.out");
        Poll.until(TIMEOUT, "two JSON lines", () -> read(goodOut).lines().count() == 2);
        assertThat(read(goodOut).lines())
                .containsExactly(TestAlerts.json("jar-1"), TestAlerts.json("jar-2"));
        assertThat(read(dir.resolve("jar-good.err")))
                .contains("worker jar-1 reads it:jar at redis://127.0.0.1:")
                .doesNotContain("SLF4J");
        assertThat(read(out)).isEmpty();
        good.destroy();
        assertThat(good.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    private Process startWorker(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(WorkerMain.class.getName());
        command.addAll(List.of(args));
        return start(name, command);
    }

    private Process start(String name, List<String> command) throws IOException {
        Process p =
                new ProcessBuilder(command)
                        .redirectOutput(dir.resolve(name + ".out").toFile())
                        .redirectError(dir.resolve(name + ".err").toFile())
                        .start();
        processes.add(p);
        return p;
    }

    private static String java() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
