package io.nginxalerts.job.security;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.Pipeline;
import io.nginxalerts.job.sink.DeadLetterJson;
import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.PipelineRun;
import io.nginxalerts.job.testing.TestRules;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input end to end through the real {@link Pipeline} on a MiniCluster: the corpus {@code
 * security/hostile-corpus.tsv} plus a 10 MB line and JSON nested 100,000 deep, followed by an
 * attack. Every bad record ends on the dead-letter output with its expected reason (by line, so
 * counts per reason match exactly), the job finishes instead of failing, and the attack after the
 * garbage still alerts. A far-future event does not move the watermark.
 */
class HostileInputITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    /** Large enough that the 100,000-deep nesting reaches the JSON parser's depth limit. */
    private static final int MAX_LINE_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyHostileRecordIsADeadLetterWithItsReasonAndTheAttackAfterThemStillAlerts(
            @TempDir Path tmp) throws Exception {
        List<String> expected = new ArrayList<>(); // by line number - 1
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (String[] c : corpus()) {
            expected.add(c[0]);
            file.write(unescape(c[1]));
            file.write('\n');
        }
        expected.add("too_large");
        byte[] huge = new byte[10 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'a');
        huge[0] = '{';
        file.write(huge);
        file.write('\n');
        expected.add("invalid_json");
        file.write(("{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "\n").getBytes());
        expected.add("invalid_json");
        file.write(("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}\n").getBytes());
        int attackFrom = expected.size() + 1;
        for (int i = 0; i < 25; i++) {
            expected.add("ok");
            file.write(
                    (request(10 + i, "198.51.100.99").status(404).url("/.env").line() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
        }
        Path input = tmp.resolve("hostile.log");
        Files.write(input, file.toByteArray());

        PipelineRun.Result result = run(List.of(TestRules.clientErrorsBurst()), input);

        // Each dead letter carries the reason expected for its line, and nothing is dropped.
        Map<Long, String> actual = new TreeMap<>();
        for (DeadLetter dead : result.deadLetters()) {
            assertThat(actual.put(dead.offset(), dead.reason()))
                    .as("line %d", dead.offset())
                    .isNull();
            assertThat(dead.detail()).as("line %d", dead.offset()).isNotBlank();
            assertThat(dead.topic()).isEqualTo("hostile.log");
            assertThat(dead.raw().length()).isLessThanOrEqualTo(DeadLetter.MAX_RAW_CHARS + 1);
            // What goes to the dead-letter topic is valid JSON with the reason.
            JsonNode json = JSON.readTree(DeadLetterJson.encode(dead));
            assertThat(json.get("reason").asText()).isEqualTo(dead.reason());
        }
        Map<Long, String> wanted = new TreeMap<>();
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).equals("ok")) {
                wanted.put(i + 1L, expected.get(i));
            }
        }
        assertThat(actual).isEqualTo(wanted);
        assertThat(countByReason(actual))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "empty", 3,
                                "invalid_json", 9,
                                "invalid_utf8", 6,
                                "invalid_field", 9,
                                "future_timestamp", 3,
                                "invalid_timestamp", 3,
                                "missing_field", 1,
                                "unrecognized_format", 2,
                                "too_large", 1));
        assertThat(result.late()).isEmpty();
        assertThat(result.alerts())
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.key()).containsEntry("clientip", "198.51.100.99");
                            assertThat(a.count()).isEqualTo(20);
                        });
        // The 5 accepted corpus records are events, not late and below the threshold.
        assertThat(expected.subList(0, attackFrom - 1)).filteredOn("ok"::equals).hasSize(5);
    }

    @Test
    void aFarFutureEventDoesNotMoveTheWatermark(@TempDir Path tmp) throws Exception {
        List<String> lines = new ArrayList<>();
        // Stamped in 2099: were it to set event time, every later event would be late.
        lines.add(
                request(java.time.Instant.parse("2099-01-01T00:00:00Z"), "192.0.2.66")
                        .status(404)
                        .line());
        for (int i = 0; i < 25; i++) {
            lines.add(request(i, "198.51.100.99").status(404).url("/.env").line());
        }
        Path input = tmp.resolve("future.log");
        Files.write(input, lines, StandardCharsets.UTF_8);

        PipelineRun.Result result = run(List.of(TestRules.clientErrorsBurst()), input);

        assertThat(result.late()).isEmpty();
        assertThat(result.deadLetters())
                .singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo("future_timestamp"));
        assertThat(result.alerts()).hasSize(1);
    }

    @Test
    void aBacktrackingRegexInARuleDoesNotStallThePipeline(@TempDir Path tmp) throws Exception {
        Rule evil =
                TestRules.rule(
                        "evil-regex",
                        """
                        severity: info
                        match: { agent: { regex: '(a+)+$' } }
                        threshold: 1
                        within: 1m
                        suppress: 0s
                        """);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            lines.add(request(i, "192.0.2." + (i % 50)).agent("a".repeat(30_000) + "!").line());
        }
        lines.add(request(300, "192.0.2.200").agent("aaaa").line());
        Path input = tmp.resolve("regex.log");
        Files.write(input, lines, StandardCharsets.UTF_8);

        long start = System.nanoTime();
        PipelineRun.Result result = run(List.of(evil), input);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.key()).containsEntry("clientip", "192.0.2.200"));
        assertThat(result.deadLetters()).isEmpty();
        // 200 × 30,000 characters in linear time is milliseconds of matching; the bound is for
        // the MiniCluster job itself on a loaded machine.
        assertThat(took).isLessThan(Duration.ofSeconds(60));
    }

    static PipelineRun.Result run(List<Rule> rules, Path file) throws Exception {
        return PipelineRun.runFile(rules, file, 1, MAX_LINE_BYTES);
    }

    private static Map<String, Integer> countByReason(Map<Long, String> reasons) {
        Map<String, Integer> counts = new TreeMap<>();
        reasons.values().forEach(r -> counts.merge(r, 1, Integer::sum));
        return counts;
    }

    /** The corpus: {expected, escaped record} per non-comment line. */
    static List<String[]> corpus() throws IOException {
        List<String[]> cases = new ArrayList<>();
        try (InputStream in =
                HostileInputITCase.class.getResourceAsStream("/security/hostile-corpus.tsv")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n", -1)) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                cases.add(new String[] {line.substring(0, tab), line.substring(tab + 1)});
            }
        }
        return cases;
    }

    /** {@code \xHH} is a byte, {@code \t} a TAB, {@code \\} a backslash; the rest is UTF-8. */
    static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'x' -> {
                        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    case 't' -> out.write('\t');
                    case '\\' -> out.write('\\');
                    default -> {
                        out.write('\\');
                        out.writeBytes(String.valueOf(n).getBytes(StandardCharsets.UTF_8));
                    }
                }
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
