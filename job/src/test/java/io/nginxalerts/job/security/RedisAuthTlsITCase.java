package io.nginxalerts.job.security;

import static io.nginxalerts.testing.TestAlerts.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.redis.RedisEndpoint;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.cli.Args;
import io.nginxalerts.job.sink.RedisListWriter;
import io.nginxalerts.testing.LocalRedis;
import io.nginxalerts.testing.Ports;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.TestTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The alert sink against a real redis-server that requires an ACL user and speaks TLS: the job's
 * Redis user needs nothing but {@code LPUSH} on its list (the ACL documented in SECURITY.md), the
 * server certificate is verified against the configured CA and the URL's host name, and no failure
 * message carries the password.
 */
class RedisAuthTlsITCase {
    private static final String PASSWORD = "job-Pa55-wörd:/@x";
    private static final String ENCODED = "job-Pa55-w%C3%B6rd%3A%2F%40x";
    private static final String ADMIN_PASSWORD = "admin-secret-for-tests";

    @RegisterExtension
    static final RedisExtension REDIS =
            new RedisExtension(
                            // Exactly what SECURITY.md tells operators to grant the job.
                            "user nginx-alerts-job on >"
                                    + PASSWORD
                                    + " resetkeys ~test:alerts:* resetchannels -@all +lpush"
                                    + " +client|setname +ping",
                            "user default on >" + ADMIN_PASSWORD + " ~* &* +@all")
                    .withTls();

    @Test
    void writesOverTlsAsAnAclUserWithOnlyLpush(@TempDir Path tmp) throws Exception {
        Path ca = Files.writeString(tmp.resolve("ca.pem"), Files.readString(REDIS.tls().caPem));
        JobSettings settings =
                settings(
                        "--redis.url",
                        "rediss://nginx-alerts-job:" + ENCODED + "@127.0.0.1:" + REDIS.tlsPort(),
                        "--redis.tls.ca-file",
                        ca.toString(),
                        "--redis.list",
                        "test:alerts:tls");
        assertThat(settings.describe()).doesNotContain(PASSWORD).doesNotContain(ENCODED);

        try (RedisListWriter writer =
                writer(settings.redis(), settings.redisList(), Duration.ofSeconds(5))) {
            writer.write(alert("over-tls"), null);
        }

        try (Jedis admin = admin()) {
            assertThat(admin.lrange("test:alerts:tls", 0, -1))
                    .extracting(json -> AlertCodec.decode(json).id())
                    .containsExactly("over-tls");
        }
    }

    @Test
    void readsThePasswordFromAFileInsteadOfTheCommandLine(@TempDir Path tmp) throws Exception {
        Path passwordFile = Files.writeString(tmp.resolve("redis-password"), PASSWORD + "\n");
        JobSettings settings =
                settings(
                        "--redis.url",
                        "rediss://nginx-alerts-job@localhost:" + REDIS.tlsPort(),
                        "--redis.password-file",
                        passwordFile.toString(),
                        "--redis.tls.ca-file",
                        REDIS.tls().caPem.toString(),
                        "--redis.list",
                        "test:alerts:file");

        try (RedisListWriter writer =
                writer(settings.redis(), settings.redisList(), Duration.ofSeconds(5))) {
            writer.write(alert("password-from-file"), null);
        }
        try (Jedis admin = admin()) {
            assertThat(admin.llen("test:alerts:file")).isEqualTo(1);
        }
    }

    @Test
    void refusesAWrongPasswordWithoutPrintingEitherPassword() {
        RedisEndpoint wrong =
                RedisEndpoint.parse(
                                "rediss://nginx-alerts-job:not-the-pw-123@127.0.0.1:"
                                        + REDIS.tlsPort())
                        .withTrustedCa(read(REDIS.tls().caPem));
        try (RedisListWriter writer = writer(wrong, Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> writer.write(alert("x"), null))
                    .satisfies(e -> assertNoSecretIn(e, "not-the-pw-123", PASSWORD));
        }
    }

    @Test
    void theAclRefusesAnythingButLpushOnItsOwnList() {
        try (Jedis job = new Jedis("127.0.0.1", REDIS.port())) {
            job.auth("nginx-alerts-job", PASSWORD);
            assertThatThrownBy(() -> job.lrange("test:alerts:tls", 0, -1))
                    .hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> job.lpush("other:list", "x")).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> job.configGet("*")).hasMessageContaining("NOPERM");
        }
    }

    @Test
    void refusesAServerCertificateFromAnUntrustedCa() {
        // Without redis.tls.ca-file the JVM's trust store is used, which does not hold the
        // test CA: the handshake must fail rather than fall back to no verification.
        RedisEndpoint untrusted =
                RedisEndpoint.parse(
                        "rediss://nginx-alerts-job:" + ENCODED + "@127.0.0.1:" + REDIS.tlsPort());
        try (RedisListWriter writer = writer(untrusted, Duration.ofMillis(500))) {
            assertThatThrownBy(() -> writer.write(alert("x"), null))
                    .isInstanceOf(IOException.class)
                    .hasStackTraceContaining("SSLHandshakeException")
                    .hasStackTraceContaining("PKIX")
                    .satisfies(e -> assertNoSecretIn(e, PASSWORD, ENCODED));
        }
    }

    @Test
    void refusesACertificateForAnotherHostEvenFromTheTrustedCa() throws Exception {
        try (TestTls other = TestTls.create("dns:redis.elsewhere.example")) {
            int port = Ports.free();
            try (LocalRedis impostor = other.startRedis(port)) {
                RedisEndpoint endpoint =
                        RedisEndpoint.parse("rediss://127.0.0.1:" + port)
                                .withTrustedCa(read(other.caPem));
                try (RedisListWriter writer = writer(endpoint, Duration.ofMillis(500))) {
                    assertThatThrownBy(() -> writer.write(alert("x"), null))
                            .isInstanceOf(IOException.class)
                            .hasStackTraceContaining("No subject alternative names");
                }
            }
        }
    }

    @Test
    void refusesATlsCaFileForAPlainRedisUrlOrWithoutCertificates(@TempDir Path tmp)
            throws Exception {
        assertThatThrownBy(
                        () ->
                                settings(
                                        "--redis.url",
                                        "redis://127.0.0.1:1",
                                        "--redis.tls.ca-file",
                                        REDIS.tls().caPem.toString()))
                .hasMessage(
                        "--redis.tls.ca-file: "
                                + REDIS.tls().caPem
                                + ": a CA certificate needs a"
                                + " rediss:// URL");
        Path junk = Files.writeString(tmp.resolve("junk.pem"), "not a certificate");
        assertThatThrownBy(
                        () ->
                                settings(
                                        "--redis.url",
                                        "rediss://127.0.0.1:1",
                                        "--redis.tls.ca-file",
                                        junk.toString()))
                .hasMessageStartingWith("--redis.tls.ca-file: " + junk + ": ");
    }

    static void assertNoSecretIn(Throwable e, String... secrets) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String secret : secrets) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
                assertThat(t.toString()).doesNotContain(secret);
            }
        }
    }

    static JobSettings settings(String... args) {
        return JobSettings.from(Args.parse(args).flat(Set.of()), false);
    }

    static RedisListWriter writer(RedisEndpoint endpoint, String list, Duration retryTimeout) {
        return new RedisListWriter(
                endpoint,
                list,
                retryTimeout,
                UnregisteredMetricsGroup.createSinkWriterMetricGroup());
    }

    static RedisListWriter writer(RedisEndpoint endpoint, Duration retryTimeout) {
        return writer(endpoint, "test:alerts:refused", retryTimeout);
    }

    private static Jedis admin() {
        Jedis jedis = new Jedis("127.0.0.1", REDIS.port());
        jedis.auth(ADMIN_PASSWORD);
        return jedis;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
