package io.nginxalerts.worker;

import static io.nginxalerts.testing.TestAlerts.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.core.redis.RedisEndpoint;
import io.nginxalerts.testing.LocalRedis;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.Ports;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The worker against a real redis-server that requires an ACL user and TLS: it drains the list over
 * {@code rediss://} with the CA from {@code --redis.tls-ca}, refuses a server whose certificate it
 * cannot verify, and never prints the password.
 */
class RedisTlsAclITCase {
    private static final String PASSWORD = "worker-pw-9b2e";
    private static final String ADMIN_PASSWORD = "admin-pw-for-tests";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RedisExtension REDIS =
            new RedisExtension(
                            // The ACL SECURITY.md recommends for the worker (keys under its list).
                            "user nginx-alerts-worker on >"
                                    + PASSWORD
                                    + " resetkeys ~test:* resetchannels -@all +blmove +lmove"
                                    + " +lindex +lrem +lpush +scan +set +get +del +exists +eval"
                                    + " +evalsha +ping +client|setname",
                            "user default on >" + ADMIN_PASSWORD + " ~* &* +@all")
                    .withTls();

    Workers workers;

    @AfterEach
    void stopWorkers() throws InterruptedException {
        if (workers != null) {
            workers.close();
        }
    }

    @Test
    void drainsTheListOverTlsAsAnAclUser() {
        workers = new Workers(workerUrl(), "tls");
        WorkerSettings settings =
                workers.settings("w1", "--redis.tls.ca-file", REDIS.tls().caPem.toString());
        assertThat(settings.redis().toString()).doesNotContain(PASSWORD).startsWith("rediss://");
        RecordingOutput out = new RecordingOutput();
        workers.start(settings, out);

        try (Jedis admin = admin()) {
            admin.lpush(workers.list(), json("over-tls"));
        }

        Poll.until(TIMEOUT, "the delivery over TLS", () -> out.count("over-tls") == 1);
    }

    @Test
    void refusesAServerItCannotVerify() throws Exception {
        // The JVM trust store does not hold the test CA: the worker must not connect.
        workers = new Workers(workerUrl(), "untrusted");
        WorkerSettings settings = workers.settings("w1");
        try (var client = RedisPool.open(settings.redis(), Duration.ofSeconds(6))) {
            assertThatThrownBy(client::ping)
                    .hasStackTraceContaining("PKIX")
                    .satisfies(
                            e -> {
                                for (Throwable t = e; t != null; t = t.getCause()) {
                                    assertThat(String.valueOf(t.getMessage()))
                                            .doesNotContain(PASSWORD);
                                }
                            });
        }
        try (TestTls other = TestTls.create("dns:redis.elsewhere.example")) {
            WorkerSettings wrongHost =
                    workers.settings("w1", "--redis.tls.ca-file", other.caPem.toString());
            int port = Ports.free();
            try (LocalRedis impostor = other.startRedis(port);
                    var client =
                            RedisPool.open(
                                    new RedisEndpoint(
                                            "127.0.0.1",
                                            port,
                                            null,
                                            null,
                                            0,
                                            true,
                                            wrongHost.redis().trustedCaPem()),
                                    Duration.ofSeconds(6))) {
                assertThatThrownBy(client::ping)
                        .hasStackTraceContaining("No subject alternative names");
            }
        }
    }

    @Test
    void refusesATlsCaForAPlainUrlOrAFileWithoutCertificates(@TempDir Path tmp) throws Exception {
        Path junk = Files.writeString(tmp.resolve("junk.pem"), "junk");
        assertThatThrownBy(
                        () ->
                                WorkerSettings.parse(
                                        new String[] {
                                            "--redis.tls.ca-file", REDIS.tls().caPem.toString()
                                        },
                                        Map.of()))
                .isInstanceOf(WorkerSettings.InvalidSettingsException.class)
                .hasMessageStartingWith("--redis.tls.ca-file: ")
                .hasMessageEndingWith("a CA certificate needs a rediss:// URL");
        assertThatThrownBy(
                        () ->
                                WorkerSettings.parse(
                                        new String[0],
                                        Map.of(
                                                "REDIS_URL",
                                                "rediss://h:1",
                                                "REDIS_TLS_CA_FILE",
                                                junk.toString())))
                .hasMessageStartingWith("REDIS_TLS_CA_FILE: " + junk + ": no PEM certificate");
    }

    /** The TLS port, as the ACL user the worker runs as. */
    private static String workerUrl() {
        return "rediss://nginx-alerts-worker:" + PASSWORD + "@127.0.0.1:" + REDIS.tlsPort();
    }

    private static Jedis admin() {
        Jedis jedis = new Jedis("127.0.0.1", REDIS.port());
        jedis.auth(ADMIN_PASSWORD);
        return jedis;
    }
}
