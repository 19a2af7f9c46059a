package io.nginxalerts.worker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The real Alertmanager binary ({@code /usr/bin/prometheus-alertmanager}, Debian's {@code
 * prometheus-alertmanager} package, which {@code ./nginx-alerts test} installs) as a child process
 * on a loopback port: gossip off, storage in a temp directory, the given configuration. Tests that
 * need it are skipped (with how to install it) when the binary is missing.
 */
final class LocalAlertmanager implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    static final Path AMTOOL = Path.of("/usr/bin/amtool");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    private LocalAlertmanager(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Skips the calling test when the binary is missing. */
    static void assumeInstalled() {
        assumeTrue(
                Files.isExecutable(BINARY) && Files.isExecutable(AMTOOL),
                BINARY
                        + " and "
                        + AMTOOL
                        + " are missing: install them with `apt-get install"
                        + " prometheus-alertmanager` (./nginx-alerts test does)");
    }

    /** Starts Alertmanager with this configuration; returns once it answers {@code /-/ready}. */
    static LocalAlertmanager start(String config) throws IOException {
        Path dir = Files.createTempDirectory("alertmanager-it");
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, config);
        Files.createDirectories(dir.resolve("data"));
        int port = Ports.free();
        Process p =
                new ProcessBuilder(
                                BINARY.toString(),
                                "--config.file=" + file,
                                "--storage.path=" + dir.resolve("data"),
                                "--web.listen-address=127.0.0.1:" + port,
                                "--cluster.listen-address=",
                                "--log.level=info")
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("alertmanager.log").toFile())
                        .start();
        LocalAlertmanager am = new LocalAlertmanager(dir, port, p);
        try {
            Poll.until(
                    START_TIMEOUT, "Alertmanager to be ready (log: " + am.log() + ")", am::ready);
        } catch (RuntimeException | Error e) {
            am.close();
            throw e;
        }
        return am;
    }

    /** {@code http://127.0.0.1:<port>}, what {@code --output alertmanager:} takes. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    Path log() {
        return dir.resolve("alertmanager.log");
    }

    private boolean ready() {
        if (!process.isAlive()) {
            throw new IllegalStateException("Alertmanager exited; see " + log());
        }
        try {
            return send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).GET()).statusCode()
                    == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /**
     * {@code GET /api/v2/alerts?filter=<matcher>&…}: the alerts Alertmanager holds (resolved ones
     * are not listed) that match every matcher.
     */
    JsonNode alerts(String... matchers) {
        StringBuilder q = new StringBuilder();
        for (String m : matchers) {
            q.append(q.length() == 0 ? '?' : '&')
                    .append("filter=")
                    .append(URLEncoder.encode(m, StandardCharsets.UTF_8));
        }
        return json(send(HttpRequest.newBuilder(URI.create(url() + "/api/v2/alerts" + q)).GET()));
    }

    /** {@code POST /api/v2/silences}; returns the silence id. */
    String silence(String silenceJson) {
        HttpResponse<String> r =
                send(
                        HttpRequest.newBuilder(URI.create(url() + "/api/v2/silences"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(silenceJson)));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("silence refused: " + r.statusCode() + " " + r.body());
        }
        return json(r).get("silenceID").asText();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(
                    request.timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
