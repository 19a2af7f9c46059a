package io.nginxalerts.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * need it check {@link #installed()} first and are skipped with {@link #MISSING} without it.
 */
public final class LocalAlertmanager implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    public static final Path AMTOOL = Path.of("/usr/bin/amtool");
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

    /**
     * Why a test that needs Alertmanager did not run: for {@code assumeTrue(installed(), MISSING)}
     * or {@code @EnabledIf(value = "io.nginxalerts.testing.LocalAlertmanager#installed",
     * disabledReason = MISSING)}.
     */
    public static final String MISSING =
            "/usr/bin/prometheus-alertmanager and /usr/bin/amtool are missing: install them with"
                    + " `apt-get install prometheus-alertmanager` (./nginx-alerts test does)";

    /** Whether the binaries are there. */
    public static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isExecutable(AMTOOL);
    }

    /**
     * The example configuration at {@code file} ({@code alertmanager/alertmanager.yml}) made fit
     * for a test: its placeholder receivers point at {@code receiverBaseUrl} (a local HTTP server,
     * the receiver's name as the path: {@code /ops}, {@code /oncall}), and every {@code group_wait}
     * and {@code group_interval} is 1 s, so a notification follows its alert within seconds.
     * Routes, grouping, repeat intervals and inhibit rules stay as shipped.
     */
    public static String exampleConfigFor(Path file, String receiverBaseUrl) throws IOException {
        String base = receiverBaseUrl.endsWith("/") ? receiverBaseUrl : receiverBaseUrl + "/";
        return Files.readString(file)
                .replace("http://alert-receiver.example.internal/", base)
                .replaceAll("group_wait: \\S+", "group_wait: 1s")
                .replaceAll("group_interval: \\S+", "group_interval: 1s");
    }

    /** Starts Alertmanager with this configuration; returns once it answers {@code /-/ready}. */
    public static LocalAlertmanager start(String config) throws IOException {
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
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
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
    public JsonNode alerts(String... matchers) {
        StringBuilder q = new StringBuilder();
        for (String m : matchers) {
            q.append(q.length() == 0 ? '?' : '&')
                    .append("filter=")
                    .append(URLEncoder.encode(m, StandardCharsets.UTF_8));
        }
        return json(send(HttpRequest.newBuilder(URI.create(url() + "/api/v2/alerts" + q)).GET()));
    }

    /** {@code POST /api/v2/silences}; returns the silence id. */
    public String silence(String silenceJson) {
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
