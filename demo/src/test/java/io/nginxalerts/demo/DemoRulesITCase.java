package io.nginxalerts.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --rules DIR} applies a saved rule change to the running job: the demo as a user runs
 * it (its own JVM, the real entry point), following an access log the test appends to, so each
 * alert comes from lines the test wrote. Alerts are read on the demo's stdout, where its worker
 * prints what it took from the Redis list.
 */
class DemoRulesITCase {
    private static final Duration ALERT_TIMEOUT = Duration.ofSeconds(90);
    private static final DateTimeFormatter COMBINED_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    @TempDir Path dir;

    @Test
    void aSavedRuleChangeRunsWithinSecondsAndAnInvalidFileLeavesTheRunningRules() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("probe.yaml"), rule("probe", "/probe", 1));
        Files.writeString(rules.resolve("burst.yaml"), rule("burst", "/burst", 5));
        try (RunningDemo running = RunningDemo.start(dir, rules)) {
            Path log = running.log;
            Path out = running.out;
            Path err = running.err;
            append(log, line("192.0.2.10", "/probe"));
            awaitAlert(out, err, "probe", "192.0.2.10");

            // A lowered threshold and a new rule, saved together.
            Files.writeString(rules.resolve("burst.yaml"), rule("burst", "/burst", 2));
            Files.writeString(rules.resolve("admin.yaml"), rule("admin", "/admin", 1));
            Poll.until(
                    ALERT_TIMEOUT,
                    "the change applied",
                    () -> text(err).contains("demo: applied:"));
            assertThat(text(err))
                    .contains("added (1)", "  admin ", "changed (1)", "  burst ")
                    .contains("unchanged (1)", "  probe ")
                    .contains("allowNonRestoredState: no")
                    .contains("nginx-alerts demo: savepoint ");
            append(log, line("192.0.2.20", "/burst/a"), line("192.0.2.20", "/burst/b"));
            append(log, line("192.0.2.30", "/admin"));
            assertThat(awaitAlert(out, err, "burst", "192.0.2.20").path("count").asInt())
                    .isEqualTo(2);
            awaitAlert(out, err, "admin", "192.0.2.30");

            // An invalid file: named with its line, and the running rules go on alerting.
            int before = text(err).length();
            Files.writeString(
                    rules.resolve("probe.yaml"),
                    rule("probe", "/probe", 1).replace("threshold: 1", "threshold: many"));
            Poll.until(
                    ALERT_TIMEOUT,
                    "the invalid file reported",
                    () -> text(err).substring(before).contains("the running rules stay"));
            assertThat(text(err).substring(before))
                    .containsPattern(
                            java.util.regex.Pattern.quote(rules.resolve("probe.yaml").toString())
                                    + ":\\d+")
                    .doesNotContain("demo: applied:", "savepoint");
            append(log, line("192.0.2.40", "/probe"), line("192.0.2.41", "/burst"));
            append(log, line("192.0.2.41", "/burst"));
            awaitAlert(out, err, "probe", "192.0.2.40");
            awaitAlert(out, err, "burst", "192.0.2.41");
            assertThat(running.process.isAlive()).as(text(err)).isTrue();
        }
    }

    @Test
    void aNewJobNotReadyInTimeIsCancelledAndTheOldRulesRunAgainWithTheirState() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("probe.yaml"), rule("probe", "/probe", 1));
        // A window long enough to span the stop, the failed start and the restart.
        Files.writeString(rules.resolve("burst.yaml"), rule("burst", "/burst", 3, "10m"));
        // 1 ms: no new job runs every task that soon, so every change is rolled back.
        try (RunningDemo running = RunningDemo.start(dir, rules, "--rules-ready-timeout", "1ms")) {
            Path log = running.log;
            Path out = running.out;
            Path err = running.err;
            // Two of burst's three requests, in its window when the change comes.
            append(log, line("192.0.2.20", "/burst/a"), line("192.0.2.20", "/burst/b"));
            append(log, line("192.0.2.10", "/probe"));
            awaitAlert(out, err, "probe", "192.0.2.10");

            Files.writeString(rules.resolve("admin.yaml"), rule("admin", "/admin", 1));
            Poll.until(
                    ALERT_TIMEOUT,
                    "the old rules running again",
                    () -> text(err).contains("demo: the old rules run again"));
            assertThat(text(err))
                    .contains("added (1)", "  admin ", "nginx-alerts demo: savepoint ")
                    // For every task to run or, when they all ran at the first look, for a
                    // checkpoint.
                    .contains("not applied: timed out waiting for ")
                    .contains("running the old rules again from ")
                    .doesNotContain("demo: applied:");

            // The old rules resumed from the savepoint: burst's third request completes the two
            // taken before the change, and the rule that was not applied sees nothing.
            append(log, line("192.0.2.30", "/admin"));
            append(log, line("192.0.2.20", "/burst/c"));
            assertThat(awaitAlert(out, err, "burst", "192.0.2.20").path("count").asInt())
                    .isEqualTo(3);
            append(log, line("192.0.2.11", "/probe"));
            awaitAlert(out, err, "probe", "192.0.2.11");
            assertThat(alerts(out, "admin", "192.0.2.30")).as(text(err)).isEmpty();
            assertThat(running.process.isAlive()).as(text(err)).isTrue();
        }
    }

    /**
     * The demo as a user runs it, on {@code rules}, following {@code dir/access.log} (one line to
     * start with), its stdout and stderr in {@code dir/out} and {@code dir/err}; started and
     * running once it reports its first progress line, stopped as Ctrl-C stops it.
     */
    private static final class RunningDemo implements AutoCloseable {
        final Process process;
        final Path log;
        final Path out;
        final Path err;

        private RunningDemo(Process process, Path log, Path out, Path err) {
            this.process = process;
            this.log = log;
            this.out = out;
            this.err = err;
        }

        static RunningDemo start(Path dir, Path rules, String... options) throws IOException {
            Path log = Files.writeString(dir.resolve("access.log"), line("192.0.2.1", "/static"));
            Path out = dir.resolve("out");
            Path err = dir.resolve("err");
            List<String> args = new ArrayList<>(List.of("--rules", rules.toString()));
            args.addAll(List.of(options));
            args.addAll(
                    List.of(
                            "--access-log",
                            log.toString(),
                            "--web-port",
                            Integer.toString(Ports.free())));
            RunningDemo demo =
                    new RunningDemo(
                            DemoProcessITCase.command(args.toArray(String[]::new))
                                    .redirectOutput(out.toFile())
                                    .redirectError(err.toFile())
                                    .start(),
                            log,
                            out,
                            err);
            try {
                Poll.until(ALERT_TIMEOUT, "the demo to run", () -> text(err).contains("events/s"));
            } catch (RuntimeException | Error e) {
                demo.close();
                throw e;
            }
            return demo;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (process.waitFor(60, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static String rule(String id, String pathPrefix, int threshold) {
        return rule(id, pathPrefix, threshold, "1m");
    }

    private static String rule(String id, String pathPrefix, int threshold, String within) {
        return """
                id: %s
                description: A request under %s.
                severity: warning
                group_by: [clientip]
                match:
                  path_decoded: { prefix: %s }
                threshold: %d
                within: %s
                suppress: 1h
                """
                .formatted(id, pathPrefix, pathPrefix, threshold, within);
    }

    /** A combined-format line stamped now. */
    private static String line(String clientip, String path) {
        return "%s - - [%s] \"GET %s HTTP/1.1\" 404 12 \"-\" \"curl/8.5\"\n"
                .formatted(clientip, ZonedDateTime.now(ZoneOffset.UTC).format(COMBINED_TIME), path);
    }

    private static void append(Path log, String... lines) throws IOException {
        Files.writeString(log, String.join("", lines), StandardOpenOption.APPEND);
    }

    private static JsonNode awaitAlert(Path out, Path err, String rule, String clientip) {
        List<JsonNode> found =
                Poll.until(
                        ALERT_TIMEOUT,
                        () -> alerts(out, rule, clientip),
                        alerts -> !alerts.isEmpty());
        assertThat(found).as("alert %s for %s; stderr:%n%s", rule, clientip, text(err)).hasSize(1);
        return found.get(0);
    }

    private static List<JsonNode> alerts(Path out, String rule, String clientip) {
        List<JsonNode> found = new ArrayList<>();
        for (String json : text(out).split("\n")) {
            if (json.isBlank()) {
                continue;
            }
            try {
                JsonNode alert = DemoProcessITCase.JSON.readTree(json);
                if (alert.path("rule").asText().equals(rule)
                        && alert.path("key").path("clientip").asText().equals(clientip)) {
                    found.add(alert);
                }
            } catch (IOException partialLine) {
                // the worker is still writing it
            }
        }
        return found;
    }

    private static String text(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
