package io.nginxalerts.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a user runs it: its own JVM, the real entry point, stdout and stderr read back. The
 * README's first command is {@code ./nginx-alerts demo}, which runs exactly this main class.
 */
class DemoProcessITCase {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void onceDeliversTheGeneratedAttacksAsJsonLinesAndExitsZero() throws Exception {
        Run run =
                run(
                        120,
                        "--once",
                        "--events",
                        "4000",
                        "--web-port",
                        Integer.toString(Ports.free()));
        assertThat(run.exit).as(run.stderr).isZero();
        assertThat(run.stdout).isNotEmpty().allSatisfy(line -> JSON.readTree(line));
        TreeSet<String> rules = new TreeSet<>();
        for (String line : run.stdout) {
            rules.add(JSON.readTree(line).get("rule").asText());
        }
        assertThat(rules).contains("client-errors-burst", "scanner-user-agent");
        assertThat(run.stderr)
                .contains("Flink web UI   http://localhost:")
                .contains("done: 4000 events");
    }

    @Test
    void onceOverAnAccessLogRaisesTheSameAlertsAsBacktest() throws Exception {
        Path log = Path.of("..", "job", "src", "test", "resources", "backtest", "access.log");
        Run run =
                run(
                        120,
                        "--once",
                        "--access-log",
                        log.toString(),
                        "--web-port",
                        Integer.toString(Ports.free()));
        assertThat(run.exit).as(run.stderr).isZero();
        List<String> rows = new ArrayList<>();
        for (String line : run.stdout) {
            JsonNode a = JSON.readTree(line);
            rows.add(a.get("rule").asText() + " " + a.get("key") + " " + a.get("count"));
        }
        assertThat(rows)
                .containsExactlyInAnyOrder(
                        "client-errors-burst {\"clientip\":\"203.0.113.7\"} 20",
                        "sensitive-file-probe {\"clientip\":\"203.0.113.7\"} 3",
                        "login-brute-force {\"clientip\":\"198.51.100.23\"} 6",
                        "login-brute-force-success {\"clientip\":\"198.51.100.23\"} 6",
                        "scanner-user-agent {\"clientip\":\"192.0.2.44\"} 1",
                        "payload-sql-injection {\"clientip\":\"192.0.2.44\"} 1",
                        "upstream-5xx-burst {\"upstreamhost\":\"10.0.0.9:8080\"} 20");
        assertThat(run.stderr).contains("3 dead letters");
    }

    @Test
    void servesTheWebUiWhileLiveAndLeavesNoProcessBehindOnSigterm() throws Exception {
        String port = Integer.toString(Ports.free());
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process demo =
                command("--web-port", port, "--rate", "200")
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        try {
            assertThat(awaitText(err, "events/s", Duration.ofSeconds(90)))
                    .as(Files.readString(err))
                    .isTrue();
            String overview = awaitGet("http://localhost:" + port + "/jobs/overview", "RUNNING");
            assertThat(overview).contains("\"name\":\"nginx-alerts demo\"", "RUNNING");
            assertThat(awaitGet("http://localhost:" + port + "/", "<html"))
                    .containsIgnoringCase("<html");

            List<ProcessHandle> children = demo.descendants().toList();
            assertThat(children).as("the redis-server child").isNotEmpty();
            demo.destroy(); // SIGTERM, as Ctrl-C's SIGINT runs the same shutdown hook
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
            for (ProcessHandle child : children) {
                assertThat(child.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            }
            // Stopping is not a failure: no "failed:" and no stack trace after it.
            assertThat(Files.readString(err)).contains("stopping...").doesNotContain("failed");
        } finally {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    record Run(int exit, List<String> stdout, String stderr) {}

    private Run run(int timeoutSeconds, String... args) throws Exception {
        Path out = dir.resolve("stdout-" + System.nanoTime());
        Path err = dir.resolve("stderr-" + System.nanoTime());
        Process p = command(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("demo did not finish: " + Files.readString(err));
        }
        return new Run(
                p.exitValue(),
                Files.readAllLines(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    static ProcessBuilder command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.add("--add-opens");
        cmd.add("java.base/java.util=ALL-UNNAMED");
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.add("-Dlog4j.configurationFile=../job/src/main/cli/log4j2-cli.properties");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DemoMain.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** GETs until the body contains {@code text} or a minute passes; returns the last body. */
    private static String awaitGet(String url, String text) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                body =
                        http.send(
                                        HttpRequest.newBuilder(URI.create(url)).build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
                if (body.contains(text)) {
                    return body;
                }
            } catch (IOException notYetListening) {
                // the REST endpoint is still starting
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        return body;
    }

    private static boolean awaitText(Path file, String text, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return true;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        return false;
    }
}
