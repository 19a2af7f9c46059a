package io.nginxalerts.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.Ports;
import io.nginxalerts.testing.ServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Flink standalone session cluster — a JobManager JVM and a TaskManager JVM — started,
 * driven and stopped through {@code cluster/bin/flink-local}, the same script and the same Flink
 * CLI command lines the README documents.
 *
 * <p>Guarantees: {@link #start} returns only when the TaskManager has registered with the
 * JobManager; {@link #close()} (also run on JVM exit if a test forgets) leaves no process of the
 * cluster alive, killing any the script could not stop. The cluster directory (configuration, logs,
 * checkpoints, savepoints) is kept after the test for inspection.
 */
public final class LocalFlinkCluster implements AutoCloseable {
    /** The repository root (set by Failsafe; {@code ..} from the module directory otherwise). */
    public static final Path ROOT =
            Path.of(System.getProperty("nginxalerts.root", "..")).toAbsolutePath().normalize();

    /** The shaded job jar, as {@code mvn package} builds it. */
    public static final Path JOB_JAR = ROOT.resolve("job/target/nginx-alerts-job.jar");

    private static final Path SCRIPT = ROOT.resolve("cluster/bin/flink-local");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern SUBMITTED = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final URI rest;
    private final List<Long> pids;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Thread stopOnExit = new Thread(this::stopQuietly, "stop-local-flink-cluster");
    private boolean closed;

    private LocalFlinkCluster(Path dir, int restPort, List<Long> pids) {
        this.dir = dir;
        this.rest = URI.create("http://localhost:" + restPort);
        this.pids = pids;
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Starts a cluster in a fresh {@code <clusterDirs>/<name>} with the project's {@code
     * flink-conf/config.yaml} (made local by the script) and a free REST port.
     */
    /**
     * A cluster for the tests of one class, started before the first and stopped after the last
     * (also when a test fails): {@code @RegisterExtension static final
     * ServerExtension<LocalFlinkCluster> FLINK = LocalFlinkCluster.extension("MyITCase");}
     */
    public static ServerExtension<LocalFlinkCluster> extension(String name) {
        return new ServerExtension<>(() -> start(name));
    }

    public static LocalFlinkCluster start(String name) {
        Path dir =
                Path.of(System.getProperty("nginxalerts.clusterDirs", "target/flink-local"))
                        .toAbsolutePath()
                        .resolve(name);
        if (Files.isDirectory(dir)) {
            // A cluster a killed test run left behind in this directory.
            run(CLI_TIMEOUT, List.of(SCRIPT.toString(), "stop", dir.toString()));
            deleteRecursively(dir);
        }
        int restPort = Ports.free();
        Result started =
                run(
                        START_TIMEOUT,
                        List.of(
                                SCRIPT.toString(),
                                "start",
                                dir.toString(),
                                "--rest-port",
                                Integer.toString(restPort)));
        if (started.exitCode() != 0) {
            throw new IllegalStateException(
                    "flink-local start failed (" + started.exitCode() + "):\n" + started.output());
        }
        List<Long> pids = new ArrayList<>();
        for (String process : List.of("jobmanager", "taskmanager")) {
            pids.add(Long.parseLong(read(dir.resolve(process + ".pid")).strip()));
        }
        return new LocalFlinkCluster(dir, restPort, pids);
    }

    /**
     * The directory with {@code conf/}, {@code log/}, {@code checkpoints/}, {@code savepoints/}.
     */
    public Path dir() {
        return dir;
    }

    /** Where the REST API and the web UI are served. */
    public URI restUrl() {
        return rest;
    }

    /** The process ids of the JobManager and the TaskManager. */
    public List<Long> pids() {
        return pids;
    }

    /** The ids of those cluster processes that are still alive. */
    public List<Long> alivePids() {
        return pids.stream()
                .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .toList();
    }

    /** Runs the Flink CLI against this cluster: {@code flink-local flink DIR <args>}. */
    public Result flink(String... args) {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString(), "flink", dir.toString()));
        command.addAll(List.of(args));
        return run(CLI_TIMEOUT, command);
    }

    /** {@code flink run -d <flinkOptions> <jar> <programArgs>}; returns the job id. */
    public String runDetached(List<String> flinkOptions, Path jar, List<String> programArgs) {
        List<String> args = new ArrayList<>(List.of("run", "-d"));
        args.addAll(flinkOptions);
        args.add(jar.toString());
        args.addAll(programArgs);
        Result result = flink(args.toArray(String[]::new));
        Matcher id = SUBMITTED.matcher(result.output());
        if (result.exitCode() != 0 || !id.find()) {
            throw new IllegalStateException("flink " + args + " failed:\n" + result.output());
        }
        return id.group(1);
    }

    /** {@code flink stop --savepointPath <dir> <jobId>}; returns the savepoint's path. */
    public String stopWithSavepoint(String jobId, Path savepointDir) {
        Result result = flink("stop", "--savepointPath", savepointDir.toString(), jobId);
        Matcher path = SAVEPOINT.matcher(result.output());
        if (result.exitCode() != 0 || !path.find()) {
            throw new IllegalStateException("flink stop failed:\n" + result.output());
        }
        return path.group(1);
    }

    /** GET {@code path} from the REST API: status and body. */
    public HttpResponse<String> get(String path) {
        try {
            return http.send(
                    HttpRequest.newBuilder(rest.resolve(path))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET {@code path} from the REST API as JSON; fails on a status other than 200. */
    public JsonNode getJson(String path) {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code /jobs/<id>}: state, vertices with names, status and metrics. */
    public JsonNode job(String jobId) {
        return getJson("/jobs/" + jobId);
    }

    /** Waits until the job is RUNNING with every task RUNNING; returns {@code /jobs/<id>}. */
    public JsonNode awaitAllTasksRunning(String jobId, Duration timeout) {
        return Poll.until(timeout, () -> job(jobId), LocalFlinkCluster::allTasksRunning);
    }

    /** Waits until the job is in {@code state} (or the timeout); returns {@code /jobs/<id>}. */
    public JsonNode awaitJobState(String jobId, String state, Duration timeout) {
        return Poll.until(
                timeout, () -> job(jobId), job -> state.equals(job.path("state").asText()));
    }

    /** The first vertex of the job whose name starts with {@code prefix}. */
    public static Optional<JsonNode> vertex(JsonNode job, String prefix) {
        for (JsonNode vertex : job.path("vertices")) {
            if (vertex.path("name").asText().startsWith(prefix)) {
                return Optional.of(vertex);
            }
        }
        return Optional.empty();
    }

    public static boolean allTasksRunning(JsonNode job) {
        if (!"RUNNING".equals(job.path("state").asText()) || job.path("vertices").isEmpty()) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (!"RUNNING".equals(vertex.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Stops the cluster with {@code flink-local stop}, then kills whatever is left. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // Called from the hook itself.
        }
        Result stopped = run(CLI_TIMEOUT, List.of(SCRIPT.toString(), "stop", dir.toString()));
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(LocalFlinkCluster::killTree);
        }
        if (stopped.exitCode() != 0) {
            throw new IllegalStateException("flink-local stop failed:\n" + stopped.output());
        }
    }

    private void stopQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("could not stop the Flink cluster in " + dir + ": " + e);
        }
    }

    /** Output (stdout and stderr together) and exit code of a finished command. */
    public record Result(int exitCode, String output) {}

    private static Result run(Duration timeout, List<String> command) {
        Path output = null;
        try {
            output = Files.createTempFile("flink-local-", ".out");
            // Output to a file, not a pipe: nothing can block on a full pipe, and the daemons
            // the script starts hold no handle the test waits on.
            Process process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(output.toFile())
                            .redirectInput(
                                    ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                            .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process.toHandle());
                throw new IllegalStateException(
                        "timed out after " + timeout + ": " + command + "\n" + read(output));
            }
            return new Result(process.exitValue(), read(output));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    // A temp file left behind is harmless.
                }
            }
        }
    }

    private static void killTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
