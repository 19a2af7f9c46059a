package io.nginxalerts.worker;

import static io.nginxalerts.testing.TestAlerts.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** The drain loop against a real Redis: order, deduplication, dead list, recovery, reclaiming. */
class AlertDrainerITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    private final RedisClient redis = REDIS.client();
    private Workers workers;

    @BeforeEach
    void freshList(TestInfo test) {
        workers = new Workers(REDIS.url(), test.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void stopWorkers() throws InterruptedException {
        workers.close();
    }

    @Test
    void deliversAlertsInTheOrderTheJobPushedThem() {
        List<String> pushed = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            pushed.add("fifo-" + i);
            redis.lpush(workers.list(), json("fifo-" + i));
        }
        RecordingOutput out = new RecordingOutput();
        workers.start("w1", out);

        Poll.until(TIMEOUT, "50 deliveries", () -> out.size() == 50);
        assertThat(out.ids()).containsExactlyElementsOf(pushed);
    }

    @Test
    void deliversAnAlertPushedTwiceOnlyOnce() {
        RecordingOutput out = new RecordingOutput();
        AlertDrainer worker = workers.start("w1", out);
        redis.lpush(workers.list(), json("twice"));
        redis.lpush(workers.list(), json("twice"));
        redis.lpush(workers.list(), json("after"));

        Poll.until(TIMEOUT, "the alert after the duplicate", () -> out.count("after") == 1);
        assertThat(out.ids()).containsExactly("twice", "after");
        assertThat(worker.metrics().duplicates.sum()).isEqualTo(1);
        assertThat(redis.llen(workers.processing("w1"))).isZero();
    }

    @Test
    void movesAValueThatIsNotAnAlertToTheDeadListWithTheReasonAndGoesOn() throws Exception {
        RecordingOutput out = new RecordingOutput();
        AlertDrainer worker = workers.start("w1", out);
        redis.lpush(workers.list(), "this is not json");
        redis.lpush(workers.list(), "{\"schema\":1,\"rule\":\"x\"}");
        redis.lpush(workers.list(), json("good"));

        Poll.until(TIMEOUT, "the valid alert", () -> out.count("good") == 1);
        List<String> dead = redis.lrange(workers.dead(), 0, -1);
        assertThat(dead).hasSize(2);
        JsonNode notJson = JSON.readTree(dead.get(1));
        assertThat(notJson.get("value").asText()).isEqualTo("this is not json");
        assertThat(notJson.get("reason").asText()).startsWith("not a valid alert: not valid JSON");
        assertThat(notJson.get("worker").asText()).isEqualTo("w1");
        assertThat(notJson.get("at").asText()).endsWith("Z");
        assertThat(JSON.readTree(dead.get(0)).get("reason").asText())
                .isEqualTo("not a valid alert: missing text field id");
        assertThat(worker.metrics().deadInvalid.sum()).isEqualTo(2);
        assertThat(redis.llen(workers.processing("w1"))).isZero();
    }

    @Test
    void deliversWhatItsOwnProcessingListStillHoldsBeforeNewAlerts() {
        // What a crashed run left behind: popped, never acknowledged.
        redis.lpush(workers.processing("w1"), json("left-1"), json("left-2"));
        redis.lpush(workers.list(), json("new"));
        RecordingOutput out = new RecordingOutput();
        AlertDrainer worker = workers.start("w1", out);

        Poll.until(TIMEOUT, "three deliveries", () -> out.size() == 3);
        assertThat(out.ids()).containsExactly("left-1", "left-2", "new");
        assertThat(worker.metrics().redelivered.sum()).isEqualTo(2);
        assertThat(redis.llen(workers.processing("w1"))).isZero();
    }

    @Test
    void takesOverTheClaimOfItsCrashedEarlierRun() {
        // The earlier run claimed the id, then died before delivering.
        redis.set(workers.list() + ":seen:claimed-before", "claimed old-run-token w1");
        redis.lpush(workers.processing("w1"), json("claimed-before"));
        RecordingOutput out = new RecordingOutput();
        workers.start("w1", out);

        Poll.until(TIMEOUT, "the redelivery", () -> out.count("claimed-before") == 1);
        Poll.until(TIMEOUT, "the acknowledgement", () -> redis.llen(workers.processing("w1")) == 0);
        assertThat(redis.get(workers.list() + ":seen:claimed-before")).startsWith("delivered w1 ");
    }

    @Test
    void doesNotDeliverAgainWhatWasDeliveredButNotYetRemovedFromTheProcessingList() {
        redis.set(workers.list() + ":seen:done", "delivered w1 2026-01-01T00:00:00Z");
        redis.lpush(workers.processing("w1"), json("done"));
        redis.lpush(workers.list(), json("next"));
        RecordingOutput out = new RecordingOutput();
        AlertDrainer worker = workers.start("w1", out);

        Poll.until(TIMEOUT, "the next alert", () -> out.count("next") == 1);
        assertThat(out.ids()).containsExactly("next");
        assertThat(worker.metrics().duplicates.sum()).isEqualTo(1);
        assertThat(redis.llen(workers.processing("w1"))).isZero();
    }

    @Test
    void movesTheAlertsOfAWorkerWithoutHeartbeatBackAndDeliversThem() {
        // A worker "ghost" died with two alerts in hand and never came back.
        redis.lpush(workers.processing("ghost"), json("ghost-1"), json("ghost-2"));
        RecordingOutput out = new RecordingOutput();
        AlertDrainer worker = workers.start("w1", out);

        Poll.until(TIMEOUT, "the ghost's alerts", () -> out.size() == 2);
        assertThat(out.ids()).containsExactly("ghost-1", "ghost-2");
        assertThat(redis.exists(workers.processing("ghost"))).isFalse();
        assertThat(worker.metrics().reclaimed.sum()).isEqualTo(2);
    }

    @Test
    void leavesTheProcessingListOfALiveWorkerAlone() {
        String list = workers.list();
        redis.set(list + ":worker:alive", "some-run");
        redis.lpush(workers.processing("alive"), json("in-hand"));
        redis.lpush(workers.processing("dead"), json("orphan"));
        WorkerSettings settings = workers.settings("w1");
        Metrics metrics = new Metrics();
        try (RedisClient client = RedisPool.open(settings.redis(), Duration.ofSeconds(6))) {
            RedisGuard guard =
                    new RedisGuard(
                            client,
                            settings.redis().toString(),
                            new Retry(Duration.ofMillis(10), Duration.ofMillis(50)),
                            metrics);
            WorkerRegistry registry =
                    new WorkerRegistry(
                            settings.keys(), "w1", "run", Duration.ofSeconds(3), guard, metrics);

            assertThat(registry.reapDeadWorkers()).isEqualTo(1);
        }
        assertThat(redis.lrange(workers.processing("alive"), 0, -1))
                .containsExactly(json("in-hand"));
        assertThat(redis.lrange(list, 0, -1)).containsExactly(json("orphan"));
    }

    @Test
    void keepsAHeartbeatWhileRunningAndRemovesItOnStop() throws InterruptedException {
        AlertDrainer worker = workers.start("w1", new RecordingOutput());
        String heartbeat = workers.list() + ":worker:w1";
        Poll.until(TIMEOUT, "the heartbeat", () -> redis.exists(heartbeat));
        assertThat(redis.pttl(heartbeat)).isBetween(1L, 3_000L);

        worker.stop();
        assertThat(worker.awaitStopped(Duration.ofSeconds(5))).isTrue();
        assertThat(redis.exists(heartbeat)).isFalse();
    }

    @Test
    void appendsOneFlushedJsonLinePerAlertToAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alerts.jsonl");
        WorkerSettings settings = workers.settings("w1", "--output", "file:" + file);
        List<Output> outputs = Outputs.create(settings, System.out);
        workers.start(settings, outputs.toArray(Output[]::new));
        redis.lpush(workers.list(), json("f1"), json("f2"));

        Poll.until(
                TIMEOUT,
                "two lines in " + file,
                () -> Files.exists(file) && lines(file).size() == 2);
        assertThat(lines(file)).containsExactly(json("f1"), json("f2"));
        outputs.forEach(Output::close);
    }

    @Test
    void startLineSaysWhereItReadsAndDeliversWithoutSecrets() {
        WorkerSettings settings =
                workers.settings(
                        "w1",
                        "--redis.url",
                        "redis://alice:hunter22@127.0.0.1:1/0",
                        "--output",
                        "slack:https://hooks.slack.test/services/T0/B0/XYZSECRET");
        try (AlertDrainer drainer =
                new AlertDrainer(settings, Outputs.create(settings, System.out))) {
            String line = drainer.startLine();
            assertThat(line)
                    .contains("reads " + workers.list())
                    .contains("redis://alice:***@127.0.0.1:1/0")
                    .contains("slack https://hooks.slack.test/…")
                    .doesNotContain("hunter22")
                    .doesNotContain("XYZSECRET");
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
