package io.nginxalerts.job.security;

import static io.nginxalerts.testing.TestAlerts.alert;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.sink.RedisListWriter;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.worker.EmbeddedWorker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * One Redis URL means one login in the job's sink and in the worker: a real {@code redis-server}
 * with {@code requirepass} and an ACL user whose password holds {@code + % @ : /} and a space, and
 * both sides log in with the same URL (or the same password file) and pass an alert along.
 */
class RedisCredentialsITCase {
    /** Every character that a Redis URL makes awkward; '+' is where the job and worker differed. */
    private static final String PASSWORD = "a+b c%d@e:f/g";

    /** RFC 3986 percent-encoding of {@link #PASSWORD}: '+' stays as it is. */
    private static final String PASSWORD_IN_URL = "a+b%20c%25d%40e%3Af%2Fg";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RedisExtension REDIS =
            new RedisExtension(
                    "requirepass \"" + PASSWORD + "\"",
                    "user alerts on \">" + PASSWORD + "\" ~* &* +@all");

    @TempDir Path tmp;

    @Test
    void theDefaultUsersPasswordInTheUrlWorksInJobAndWorker() throws Exception {
        String url = "redis://:" + PASSWORD_IN_URL + "@127.0.0.1:" + REDIS.port();
        passAlertThroughJobAndWorker("default-user", Map.of("redis.url", url));
    }

    @Test
    void anAclUserAndPasswordInTheUrlWorkInJobAndWorker() throws Exception {
        String url = "redis://alerts:" + PASSWORD_IN_URL + "@127.0.0.1:" + REDIS.port();
        passAlertThroughJobAndWorker("acl-user", Map.of("redis.url", url));
    }

    @Test
    void aPasswordFileWithTheUserInTheUrlWorksInJobAndWorker() throws Exception {
        Path passwordFile = Files.writeString(tmp.resolve("redis-password"), PASSWORD + "\n");
        passAlertThroughJobAndWorker(
                "password-file",
                Map.of(
                        "redis.url",
                        "redis://alerts@127.0.0.1:" + REDIS.port(),
                        "redis.password-file",
                        passwordFile.toString()));
    }

    /**
     * The job's sink LPUSHes an alert with the given Redis options; a worker started with the same
     * options (as {@code --key value} flags) delivers it to a file.
     */
    private void passAlertThroughJobAndWorker(String name, Map<String, String> redisOptions)
            throws Exception {
        String list = "alerts:" + name;
        Map<String, String> jobOptions = new HashMap<>(redisOptions);
        jobOptions.put("redis.list", list);
        JobSettings job = JobSettings.from(jobOptions, false);
        assertThat(job.redis().toString()).doesNotContain(PASSWORD).doesNotContain("a+b");
        Alert alert = alert("alert-" + name);
        try (RedisListWriter writer =
                new RedisListWriter(
                        job.redis(),
                        job.redisList(),
                        Duration.ofSeconds(5),
                        UnregisteredMetricsGroup.createSinkWriterMetricGroup())) {
            writer.write(alert, null);
        }
        try (Jedis admin = admin()) {
            assertThat(admin.llen(list)).as("alerts the job's sink pushed").isEqualTo(1);
        }

        Path delivered = tmp.resolve(name + ".jsonl");
        List<String> args = new java.util.ArrayList<>();
        jobOptions.forEach(
                (key, value) -> {
                    args.add("--" + key);
                    args.add(value);
                });
        args.addAll(List.of("--output", "file:" + delivered, "--worker-id", "w-" + name));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        try (EmbeddedWorker worker =
                EmbeddedWorker.start(
                        args.toArray(String[]::new),
                        new PrintStream(stdout, true, StandardCharsets.UTF_8))) {
            assertThat(worker.describe()).doesNotContain(PASSWORD);
            Poll.until(TIMEOUT, "the worker's delivery", () -> worker.delivered() == 1);
        }
        assertThat(Files.readAllLines(delivered))
                .singleElement()
                .satisfies(line -> assertThat(AlertCodec.decode(line).id()).isEqualTo(alert.id()));
        try (Jedis admin = admin()) {
            assertThat(admin.llen(list)).as("alerts left on the list").isZero();
        }
    }

    private static Jedis admin() {
        Jedis jedis = new Jedis("127.0.0.1", REDIS.port());
        jedis.auth(PASSWORD);
        return jedis;
    }
}
