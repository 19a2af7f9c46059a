package io.nginxalerts.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backtest} with the shipped rules over a fixture log that mixes nginx JSON, Logstash 8 and
 * combined lines, compared with {@code expected-alerts.tsv}.
 */
class BacktestITCase {
    static final Path RULES = Path.of("..", "rules");

    @TempDir Path dir;

    @Test
    void raisesExactlyTheExpectedAlertsOnTheFixtureLog() throws Exception {
        Path output = dir.resolve("alerts.jsonl");
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        int code =
                Backtest.main(
                        new String[] {
                            "--rules", RULES.toString(),
                            "--input", resource("access.log").toString(),
                            "--output", output.toString()
                        },
                        new PrintStream(summary, true, StandardCharsets.UTF_8));

        assertThat(code).isZero();
        assertThat(rows(Files.readAllLines(output))).isEqualTo(expected());
        String text = summary.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("387 records read from 1 file(s): 384 events, 3 rejected")
                .contains("empty 1, invalid_json 1, unrecognized_format 1")
                .contains("5 alert(s) written to " + output);
        assertThat(text).containsPattern("sensitive-file-probe\\s+7\\s+1\\s+6");
    }

    @Test
    void readsGzippedInputAndWritesTheSameAlerts() throws Exception {
        Path gz = dir.resolve("access.log.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(resource("access.log"), out);
        }
        Path output = dir.resolve("alerts.jsonl");
        int code =
                Backtest.main(
                        new String[] {
                            "--rules", RULES.toString(),
                            "--input", gz.toString(),
                            "--output", output.toString()
                        },
                        new PrintStream(OutputStream.nullOutputStream()));
        assertThat(code).isZero();
        assertThat(rows(Files.readAllLines(output))).isEqualTo(expected());
    }

    @Test
    void refusesAMissingInputFileWithItsName() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                Backtest.main(
                        new String[] {"--rules", RULES.toString(), "--input", "/no/such.log"},
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--input /no/such.log");
    }

    static Map<String, String> rows(List<String> jsonLines) {
        Map<String, String> rows = new TreeMap<>();
        for (String json : jsonLines) {
            Alert a = AlertCodec.decode(json);
            String key =
                    a.key().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(","));
            rows.put(
                    a.rule() + "\t" + key,
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
            rows.put(f[0] + "\t" + f[1], f[2] + "\t" + f[3] + "\t" + f[4]);
        }
        return rows;
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(BacktestITCase.class.getResource("/backtest/" + name).toURI());
    }
}
