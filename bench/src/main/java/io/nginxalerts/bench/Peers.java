package io.nginxalerts.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tools users would pick instead, on the identical events, each run as a child process when
 * installed (a missing one is skipped with the command that installs it).
 */
final class Peers {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String INSTALL =
            "apt-get install -y fail2ban crowdsec python3-kafka python3-redis";

    private static final Pattern MIN_SEC = Pattern.compile("(\\d+)m([\\d.]+)s");

    private Peers() {}

    /** One peer measurement; {@code skipped} is the reason when it did not run. */
    record Result(
            String peer,
            String what,
            long lines,
            double wallSeconds,
            double cpuSeconds,
            Set<String> flagged,
            String skipped) {
        double perCpuSecond() {
            return lines / Math.max(1e-9, cpuSeconds);
        }

        static Result skip(String peer, String why) {
            return new Result(peer, "", 0, 0, 0, Set.of(), why);
        }
    }

    record Exec(int exit, String stdout, String stderr, double wall, double cpu) {}

    /**
     * Runs {@code command} through bash and reports its children's CPU time (user + system, from
     * the shell's {@code times}).
     */
    static Exec exec(Path dir, long timeoutSeconds, String command) throws Exception {
        // `times` in this shell (a pipe would run it in a subshell without children).
        String script = command + "; rc=$?; times >&2; exit $rc";
        Path out = Files.createTempFile(dir, "peer", ".out");
        Path err = Files.createTempFile(dir, "peer", ".err");
        long t0 = System.nanoTime();
        Process p =
                new ProcessBuilder("bash", "-c", script)
                        .directory(dir.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out after " + timeoutSeconds + " s: " + command);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        String[] lines = stderr.strip().split("\n");
        double cpu = 0;
        for (String part : lines[lines.length - 1].strip().split("\\s+")) {
            Matcher m = MIN_SEC.matcher(part);
            if (m.matches()) {
                cpu += Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2));
            }
        }
        return new Exec(
                p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), stderr, wall, cpu);
    }

    /** fail2ban-regex, one pass per filter over the combined log; CPU and lines summed. */
    static List<Result> fail2ban(Path peersDir, Path combinedLog, long lines, Path work)
            throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/fail2ban-regex"))) {
            return List.of(Result.skip("fail2ban", "not installed (" + INSTALL + ")"));
        }
        List<Result> results = new ArrayList<>();
        List<Path> filters;
        try (var s = Files.list(peersDir.resolve("fail2ban/filter.d"))) {
            filters = s.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
        }
        Pattern matched = Pattern.compile("Lines: (\\d+) lines, (\\d+) ignored, (\\d+) matched");
        for (Path filter : filters) {
            Exec e =
                    exec(
                            work,
                            3600,
                            "/usr/bin/fail2ban-regex '"
                                    + combinedLog
                                    + "' '"
                                    + filter.toAbsolutePath()
                                    + "'");
            if (e.exit() != 0) {
                results.add(
                        Result.skip(
                                "fail2ban",
                                filter.getFileName()
                                        + " failed: "
                                        + tail(e.stderr() + e.stdout())));
                continue;
            }
            Matcher m = matched.matcher(e.stdout());
            String what = filter.getFileName().toString().replace(".conf", "");
            if (m.find()) {
                what += " (" + m.group(3) + " matched)";
            }
            results.add(
                    new Result("fail2ban-regex", what, lines, e.wall(), e.cpu(), Set.of(), null));
        }
        return results;
    }

    /** CrowdSec replay of the combined log; lines per CPU-second and the IPs it flags. */
    static Result crowdsec(Path peersDir, Path combinedLog, Path work) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/crowdsec"))) {
            return Result.skip("crowdsec", "not installed (" + INSTALL + ")");
        }
        if (!Files.exists(Path.of("/var/lib/crowdsec/data/crowdsec.db"))) {
            return Result.skip(
                    "crowdsec",
                    "not configured: put a comment line into"
                            + " /etc/crowdsec/online_api_credentials.yaml, then dpkg --configure"
                            + " crowdsec");
        }
        Exec e =
                exec(
                        work,
                        3600,
                        "'"
                                + peersDir.resolve("crowdsec/replay.sh").toAbsolutePath()
                                + "' '"
                                + work.resolve("crowdsec")
                                + "' '"
                                + combinedLog
                                + "'");
        if (e.exit() != 0) {
            return Result.skip("crowdsec", "replay failed: " + tail(e.stderr() + e.stdout()));
        }
        JsonNode r = JSON.readTree(lastLine(e.stdout()));
        return new Result(
                "crowdsec",
                "replay, " + r.path("scenarios").size() + " scenarios fired",
                r.path("lines").asLong(),
                r.path("wall").asDouble(),
                r.path("cpu").asDouble(),
                strings(r.path("flagged")),
                null);
    }

    /** The kafka-python consumer with one threshold rule and redis-py LPUSH. */
    static Result python(
            Path peersDir, String bootstrap, String topic, long events, String redisUrl, Path work)
            throws Exception {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python)) {
            return Result.skip("python", "no /usr/bin/python3 (" + INSTALL + ")");
        }
        Exec check = exec(work, 60, "/usr/bin/python3 -c 'import kafka, redis'");
        if (check.exit() != 0) {
            return Result.skip(
                    "python", "python3-kafka or python3-redis missing (" + INSTALL + ")");
        }
        Exec e =
                exec(
                        work,
                        3600,
                        "/usr/bin/python3 '"
                                + peersDir.resolve("python/consumer.py").toAbsolutePath()
                                + "' --bootstrap "
                                + bootstrap
                                + " --topic "
                                + topic
                                + " --partitions 2 --events "
                                + events
                                + " --redis-url "
                                + redisUrl);
        if (e.exit() != 0) {
            return Result.skip("python", "consumer failed: " + tail(e.stderr() + e.stdout()));
        }
        JsonNode r = JSON.readTree(lastLine(e.stdout()));
        // Its own CPU (process_time) covers the consume loop only, without interpreter start.
        return new Result(
                "kafka-python",
                "consume + json + 1 rule + LPUSH (" + r.path("alerts").asLong() + " alerts)",
                r.path("events").asLong(),
                r.path("wall").asDouble(),
                r.path("cpu").asDouble(),
                strings(r.path("flagged")),
                null);
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> s = new TreeSet<>();
        array.forEach(n -> s.add(n.asText()));
        return s;
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() > 300 ? "..." + t.substring(t.length() - 300) : t;
    }
}
