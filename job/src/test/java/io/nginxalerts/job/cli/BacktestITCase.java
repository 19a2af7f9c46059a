package io.nginxalerts.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code backtest} with the shipped rules over a fixture log that mixes nginx JSON, Logstash 8 and
 * combined lines, compared with {@code expected-alerts.tsv} (firing and resolved records).
 */
class BacktestITCase {
    static final Path RULES = Path.of("..", "rules");

    @TempDir Path dir;

    @Test
    void raisesExactlyTheExpectedAlertsOnTheFixtureLog() throws Exception {
        Path output = dir.resolve("alerts.jsonl");
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        int code =
                runBacktest(
                        summary,
                        "--input",
                        resource("access.log").toString(),
                        "--output",
                        output.toString());

        assertThat(code).isZero();
        assertThat(rows(Files.readAllLines(output))).isEqualTo(expected());
        String text = summary.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("387 records read from 1 file(s): 384 events, 3 rejected")
                .contains("empty 1, invalid_json 1, unrecognized_format 1")
                .contains("7 alert(s) and 0 resolved record(s) written to " + output);
        assertThat(text).containsPattern("sensitive-file-probe\\s+5\\s+1\\s+4");
    }

    @Test
    void readsGzippedInputAndWritesTheSameAlerts() throws Exception {
        Path gz = dir.resolve("access.log.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(resource("access.log"), out);
        }
        Path output = dir.resolve("alerts.jsonl");
        int code =
                runBacktest(
                        OutputStream.nullOutputStream(),
                        "--input",
                        gz.toString(),
                        "--output",
                        output.toString());
        assertThat(code).isZero();
        assertThat(rows(Files.readAllLines(output))).isEqualTo(expected());
    }

    @Test
    void refusesAMissingInputFileWithItsName() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = runBacktest(err, "--input", "/no/such.log");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--input /no/such.log");
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void replacesTheOutputFilesOnEveryRunInsteadOfAppending(int parallelism) throws Exception {
        Path out = Files.createDirectory(dir.resolve("out"));
        Path alerts = out.resolve("alerts.jsonl");
        Path dead = out.resolve("dead.jsonl");
        Files.writeString(alerts, "a line of an older run\n");
        Files.writeString(dead, "a line of an older run\n");

        assertThat(backtest(resource("access.log"), alerts, dead, parallelism)).isZero();
        List<String> firstAlerts = ids(Files.readAllLines(alerts));
        List<String> firstDead = Files.readAllLines(dead);
        assertThat(backtest(resource("access.log"), alerts, dead, parallelism)).isZero();

        assertThat(rows(Files.readAllLines(alerts))).isEqualTo(expected());
        // Alert ids depend only on the events, unlike detected_at, so two runs compare by id.
        assertThat(ids(Files.readAllLines(alerts)))
                .hasSize(expected().size())
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(firstAlerts);
        // The fixture's three rejected lines (empty, invalid JSON, unrecognized), once each.
        assertThat(Files.readAllLines(dead))
                .hasSize(3)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(firstDead);
        assertThat(namesIn(out)).containsExactlyInAnyOrder("alerts.jsonl", "dead.jsonl");
    }

    @Test
    void aFailedRunLeavesTheOldOutputFilesByteForByteAndNoPartsBehind() throws Exception {
        // Readable, so it passes the up-front check, but the gzip stream breaks off halfway:
        // the job fails while reading, after its writers opened their parts.
        Path broken = dir.resolve("access.log.gz");
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(gzipped)) {
            Files.copy(resource("access.log"), gz);
        }
        byte[] whole = gzipped.toByteArray();
        Files.write(broken, java.util.Arrays.copyOf(whole, whole.length / 2));
        Path out = Files.createDirectory(dir.resolve("out"));
        Path alerts = out.resolve("alerts.jsonl");
        Path dead = out.resolve("dead.jsonl");
        byte[] oldAlerts = "{\"an\":\"older run\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] oldDead = "{\"older\":\"dead letter\"}\n".getBytes(StandardCharsets.UTF_8);
        Files.write(alerts, oldAlerts);
        Files.write(dead, oldDead);

        assertThatThrownBy(() -> backtest(broken, alerts, dead, 2))
                .hasStackTraceContaining("Unexpected end of ZLIB input stream");

        assertThat(alerts).hasBinaryContent(oldAlerts);
        assertThat(dead).hasBinaryContent(oldDead);
        assertThat(namesIn(out)).containsExactlyInAnyOrder("alerts.jsonl", "dead.jsonl");
    }

    @Test
    void refusesOneFileForBothAlertsAndDeadLetters() throws Exception {
        Path both = dir.resolve("both.jsonl");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                runBacktest(
                        err,
                        "--input",
                        resource("access.log").toString(),
                        "--output",
                        both.toString(),
                        "--dead-letters",
                        dir.resolve("./both.jsonl").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("must be different files");
        assertThat(both).doesNotExist();
    }

    static int backtest(Path input, Path output, Path deadLetters, int parallelism)
            throws Exception {
        return runBacktest(
                OutputStream.nullOutputStream(),
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--dead-letters",
                deadLetters.toString(),
                "--parallelism",
                Integer.toString(parallelism));
    }

    /**
     * Runs backtest with the shipped rules and {@code args}; what it prints goes to {@code out}.
     */
    static int runBacktest(OutputStream out, String... args) throws Exception {
        String[] withRules =
                Stream.concat(Stream.of("--rules", RULES.toString()), Stream.of(args))
                        .toArray(String[]::new);
        return Backtest.main(withRules, new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    static List<String> ids(List<String> jsonLines) {
        return jsonLines.stream().map(json -> AlertCodec.decode(json).id()).toList();
    }

    static List<String> namesIn(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }

    static Map<String, String> rows(List<String> jsonLines) {
        Map<String, String> rows = new TreeMap<>();
        for (String json : jsonLines) {
            Alert a = AlertCodec.decode(json);
            String key =
                    a.key().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(","));
            String status =
                    a.resolved()
                            ? "resolved " + java.time.Instant.ofEpochMilli(a.endsAt())
                            : "firing";
            String row = a.rule() + "\t" + key + "\t" + status;
            assertThat(rows).as("one record per rule, key and status").doesNotContainKey(row);
            rows.put(
                    row,
                    a.count()
                            + "\t"
                            + java.time.Instant.ofEpochMilli(a.firstSeen())
                            + "\t"
                            + java.time.Instant.ofEpochMilli(a.lastSeen()));
        }
        return rows;
    }

    static Map<String, String> expected() throws Exception {
        Map<String, String> rows = new TreeMap<>();
        for (String line : Files.readAllLines(resource("expected-alerts.tsv"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            rows.put(f[0] + "\t" + f[1] + "\t" + f[2], f[3] + "\t" + f[4] + "\t" + f[5]);
        }
        return rows;
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(BacktestITCase.class.getResource("/backtest/" + name).toURI());
    }
}
