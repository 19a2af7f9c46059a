package io.nginxalerts.job.cli;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.job.testing.NginxLines;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backtest} with a rules directory that holds a distinct rule. */
class BacktestDistinctITCase {
    static final String DISTINCT_RULE =
            """
            id: distinct-404-paths
            description: One client asks for many different missing paths
            severity: warning
            match: { status: 404 }
            group_by: [clientip]
            distinct: path
            threshold: 4
            within: 20m
            suppress: 30m
            """;

    static final String SCANNER = "203.0.113.7";
    static final String BROKEN_PAGE = "198.51.100.20";

    @TempDir Path dir;

    @Test
    void raisesADistinctAlertWithItsCountAndEvidence() throws Exception {
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        Path output = dir.resolve("alerts.jsonl");

        int code = backtest(lines(false), output, summary);

        assertThat(code).isZero();
        List<String> json = Files.readAllLines(output);
        assertThat(json).singleElement().asString().contains("\"distinct_count\":4");
        Alert alert = AlertCodec.decode(json.get(0));
        assertThat(alert.rule()).isEqualTo("distinct-404-paths");
        assertThat(alert.key()).containsExactly(Map.entry("clientip", SCANNER));
        assertThat(alert.distinctCount()).isEqualTo(4);
        assertThat(alert.count()).isEqualTo(4);
        assertThat(alert.resolved()).isFalse();
        assertThat(alert.summary())
                .startsWith("distinct-404-paths: 4 different path values for clientip " + SCANNER);
        // The latest request of each path, oldest first: the evidence shows the values.
        assertThat(alert.evidence())
                .extracting(AccessEvent::url)
                .containsExactly("/.git/config", "/.env", "/wp-login.php", "/admin?x=1");
        assertThat(alert.firstSeen())
                .isEqualTo(NginxLines.BEGINNING.plusSeconds(120).toEpochMilli());
        assertThat(alert.lastSeen())
                .isEqualTo(NginxLines.BEGINNING.plusSeconds(300).toEpochMilli());
        // The second match only extended the episode; the input ends before the episode does
        // (903 s + resolve_after 30 m), and the end of a file is no evidence: no resolved record.
        assertThat(summary.toString(StandardCharsets.UTF_8))
                .contains("1 alert(s) and 0 resolved record(s) written to " + output)
                .containsPattern("distinct-404-paths\\s+2\\s+1\\s+1\\s+0\\n");
    }

    @Test
    void writesTheResolvedRecordOnceTheEventsPassTheEpisodesEndUnlessNoResolved() throws Exception {
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        Path output = dir.resolve("alerts.jsonl");

        assertThat(backtest(lines(true), output, summary)).isZero();

        List<Alert> records = Files.readAllLines(output).stream().map(AlertCodec::decode).toList();
        assertThat(records).extracting(Alert::resolved).containsExactly(false, true);
        Alert firing = records.get(0);
        Alert resolved = records.get(1);
        assertThat(resolved.fingerprint()).isEqualTo(firing.fingerprint());
        assertThat(resolved.id()).isNotEqualTo(firing.id());
        // ends_at is the episode's last match (the second burst, at 903 s) plus resolve_after.
        assertThat(resolved.endsAt())
                .isEqualTo(NginxLines.BEGINNING.plusSeconds(903 + 1800).toEpochMilli());
        assertThat(summary.toString(StandardCharsets.UTF_8))
                .contains("1 alert(s) and 1 resolved record(s) written to " + output);

        Path firingOnly = dir.resolve("firing.jsonl");
        ByteArrayOutputStream quiet = new ByteArrayOutputStream();
        assertThat(backtest(lines(true), firingOnly, quiet, "--no-resolved")).isZero();
        assertThat(Files.readAllLines(firingOnly).stream().map(AlertCodec::decode))
                .containsExactly(firing.withDetectedAt(readDetectedAt(firingOnly)));
        // The table says none were written rather than how many the rules gave.
        assertThat(quiet.toString(StandardCharsets.UTF_8))
                .contains(
                        "1 alert(s) written to "
                                + firingOnly
                                + " (resolved records left out: --no-resolved)")
                .containsPattern("distinct-404-paths\\s+2\\s+1\\s+1\\s+-\\n");
    }

    private static long readDetectedAt(Path output) throws Exception {
        return AlertCodec.decode(Files.readAllLines(output).get(0)).detectedAt();
    }

    /**
     * The scanner's probes and the broken page's requests; with {@code later}, one more request
     * from another client exactly when the scanner's episode ends.
     */
    static List<String> lines(boolean later) {
        List<String> lines = new ArrayList<>();
        // The same missing /favicon.ico 40 times is one value: never an alert.
        for (int i = 0; i < 40; i++) {
            lines.add(request(i, BROKEN_PAGE).status(404).url("/favicon.ico").line());
        }
        // Four different paths (one of them twice, one with a query) within 20 minutes.
        String[] probes = {"/.env", "/.git/config", "/.env", "/wp-login.php", "/admin?x=1"};
        for (int i = 0; i < probes.length; i++) {
            lines.add(request(60 + i * 60, SCANNER).status(404).url(probes[i]).line());
        }
        // Four more paths ten minutes later: a match, but it only extends the open episode
        // (resolve_after defaults to suppress, 30 minutes).
        for (int i = 0; i < 4; i++) {
            lines.add(request(900 + i, SCANNER).status(404).url("/later/" + i).line());
        }
        if (later) {
            lines.add(request(903 + 1800, "192.0.2.1").line());
        }
        return lines;
    }

    int backtest(List<String> lines, Path output, ByteArrayOutputStream summary, String... more)
            throws Exception {
        Path rules = dir.resolve("rules");
        if (!Files.isDirectory(rules)) {
            Files.createDirectory(rules);
            Files.writeString(rules.resolve("distinct-404-paths.yaml"), DISTINCT_RULE);
        }
        Path log = dir.resolve("access-" + output.getFileName() + ".log");
        Files.write(log, lines, StandardCharsets.UTF_8);
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--rules",
                                rules.toString(),
                                "--input",
                                log.toString(),
                                "--output",
                                output.toString()));
        args.addAll(List.of(more));
        return Backtest.main(
                args.toArray(String[]::new),
                new PrintStream(summary, true, StandardCharsets.UTF_8));
    }
}
