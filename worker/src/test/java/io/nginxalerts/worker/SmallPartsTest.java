package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.testing.TestAlerts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Backoff, secret masking, key names and the stdout formats. */
class SmallPartsTest {

    @Test
    void backoffDoublesWithJitterAndStopsAtTheCap() {
        Retry retry = new Retry(Duration.ofMillis(100), Duration.ofMillis(1_000));
        for (int i = 0; i < 200; i++) {
            assertThat(retry.delayAfter(1).toMillis()).isBetween(50L, 100L);
            assertThat(retry.delayAfter(3).toMillis()).isBetween(200L, 400L);
            assertThat(retry.delayAfter(10).toMillis()).isBetween(500L, 1_000L);
            assertThat(retry.delayAfter(1_000).toMillis()).isBetween(500L, 1_000L);
        }
    }

    @Test
    void masksRegisteredSecretsAndUrlPasswordsInLogText() {
        Secrets.register(List.of("Bearer zz-top-secret"));
        assertThat(Secrets.mask("header Bearer zz-top-secret failed"))
                .isEqualTo("header *** failed");
        assertThat(Secrets.mask("connect redis://app:pa55@db:6379 failed"))
                .isEqualTo("connect redis://app:***@db:6379 failed");
        assertThat(Secrets.describeUrl(URI.create("https://hooks.slack.com/services/T/B/tok?x=1")))
                .isEqualTo("https://hooks.slack.com/…");
    }

    @Test
    void theLogFormatMasksSecretsOnOneLine() {
        Secrets.register(List.of("line-secret-42"));
        var record =
                new java.util.logging.LogRecord(
                        java.util.logging.Level.WARNING, "uses line-secret-42");
        record.setLoggerName("io.nginxalerts.worker.RedisGuard");
        String line = new WorkerLog.LineFormatter().format(record);
        assertThat(line).contains("WARN  RedisGuard: uses ***").doesNotContain("line-secret-42");
        assertThat(line.strip().lines()).hasSize(1);
    }

    @Test
    void keyNamesFollowTheListName() {
        RedisKeys keys = new RedisKeys("nginx:alerts", "nginx:alerts:dead");
        assertThat(keys.processing("w1")).isEqualTo("nginx:alerts:processing:w1");
        assertThat(keys.heartbeat("w1")).isEqualTo("nginx:alerts:worker:w1");
        assertThat(keys.seen("abc")).isEqualTo("nginx:alerts:seen:abc");
        assertThat(keys.workerOf("nginx:alerts:processing:w:1")).isEqualTo("w:1");
        assertThat(new RedisKeys("a*[x]", "d").processingPattern())
                .isEqualTo("a\\*\\[x\\]:processing:*");
    }

    @Test
    void stdoutWritesTheJsonLineOrAReadableLineWithoutControlCharacters() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new StdoutOutput(out, false).deliver(TestAlerts.alert("j"), TestAlerts.json("j"));
        new StdoutOutput(out, true)
                .deliver(TestAlerts.alert("t", "10.0.0.1\u001b[2J\nfake", "/", "x"), "ignored");
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo(TestAlerts.json("j"));
        assertThat(lines.get(1))
                .startsWith("2026-11-18T")
                .contains(" WARNING client-errors-burst clientip=10.0.0.1?[2J?fake count=20 ")
                .doesNotContain("\u001b");
    }
}
