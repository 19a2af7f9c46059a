package io.nginxalerts.core.parse;

import static io.nginxalerts.core.parse.ParseFixtures.COMBINED;
import static io.nginxalerts.core.parse.ParseFixtures.FIXED_CLOCK;
import static io.nginxalerts.core.parse.ParseFixtures.MAX_DETAIL_CHARS;
import static io.nginxalerts.core.parse.ParseFixtures.NGINX_JSON;
import static io.nginxalerts.core.parse.ParseFixtures.lines;
import static io.nginxalerts.core.parse.ParseFixtures.parse;
import static io.nginxalerts.core.parse.ParseFixtures.parser;
import static io.nginxalerts.core.parse.ParseFixtures.resource;
import static io.nginxalerts.core.parse.ParseFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a record can be refused, with the exact reason: the corpus file {@code
 * parse/bad-corpus.tsv} plus cases that are easier to generate than to write down.
 */
class RejectionTest {

    private static final String GOOD_JSON =
            "{\"@timestamp\":\"2026-11-26T10:00:01+00:00\",\"clientip\":\"203.0.113.7\",\"status\":\"404\"}";

    /** One corpus line: expected outcome ({@code ok} or a reason code) and the raw bytes. */
    record Case(int line, String expected, byte[] input) {
        @Override
        public String toString() {
            String text = new String(input, StandardCharsets.UTF_8);
            return "line " + line + " → " + expected + ": " + ParsedValues.excerpt(text);
        }
    }

    static List<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        String[] lines = resource("bad-corpus.tsv").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            assertThat(tab).as("line %d has no TAB", i + 1).isPositive();
            cases.add(new Case(i + 1, line.substring(0, tab), unescape(line.substring(tab + 1))));
        }
        return cases;
    }

    /** {@code \xHH} is a byte, {@code \t \n \r} control characters, {@code \\} a backslash. */
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
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case '\\' -> out.write('\\');
                    default -> throw new IllegalArgumentException("bad escape \\" + n);
                }
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static String outcome(ParseResult result) {
        return result.isEvent() ? "ok" : result.reason().code();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void corpusCaseGetsItsExpectedOutcome(Case c) {
        ParseResult result = parser().parse(c.input());

        assertThat(outcome(result)).as("detail: %s", result.detail()).isEqualTo(c.expected());
        if (!result.isEvent()) {
            assertThat(result.detail())
                    .isNotBlank()
                    .hasSizeLessThanOrEqualTo(MAX_DETAIL_CHARS)
                    .doesNotStartWith("parser failure");
        }
    }

    @Test
    void corpusCountsPerReasonMatch() {
        Map<String, Integer> counts = new TreeMap<>();
        LogParser parser = parser();
        for (Case c : corpus()) {
            counts.merge(outcome(parser.parse(c.input())), 1, Integer::sum);
        }
        assertThat(counts)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "empty", 3,
                                "invalid_utf8", 9,
                                "invalid_json", 18,
                                "unrecognized_format", 13,
                                "missing_field", 8,
                                "invalid_field", 57,
                                "invalid_timestamp", 24,
                                "future_timestamp", 7,
                                "ok", 30));
    }

    // ---- generated cases --------------------------------------------------------------------

    @Test
    void rejectsNullAndZeroBytesAsEmpty() {
        assertThat(parser().parse(null).reason()).isEqualTo(RejectReason.EMPTY);
        assertThat(parser().parse(new byte[0]).reason()).isEqualTo(RejectReason.EMPTY);
    }

    @Test
    void rejectsBlankAndBomOnlyRecordsAsEmpty() {
        for (String blank : List.of(" ", " \t\r\n\f\u000B", "\uFEFF", "\uFEFF  \n")) {
            ParseResult r = parser().parse(blank.getBytes(StandardCharsets.UTF_8));
            assertThat(r.reason())
                    .as("%s", blank.codePoints().boxed().toList())
                    .isEqualTo(RejectReason.EMPTY);
            assertThat(r.detail()).isEqualTo("only white space");
        }
    }

    @Test
    void rejectsATenMegabyteLineAsTooLargeWithoutReadingIt() {
        byte[] huge = new byte[10 * 1024 * 1024];
        // Invalid UTF-8 and NUL bytes everywhere: the size check must come first.
        Arrays.fill(huge, (byte) 0xFF);
        huge[0] = '{';
        huge[1] = 0;

        ParseResult result = parser().parse(huge);

        assertThat(result.reason()).isEqualTo(RejectReason.TOO_LARGE);
        assertThat(result.detail()).contains("10485760").hasSizeLessThan(MAX_DETAIL_CHARS);
    }

    @Test
    void acceptsALineOfExactlyTheLimitAndRejectsOneByteMore() {
        String padded = GOOD_JSON.replace("}", ",\"pad\":\"");
        int limit = 1000;
        String exact = padded + "x".repeat(limit - padded.length() - 2) + "\"}";
        assertThat(exact).hasSize(limit);
        LogParser small = new LogParser(new ParserSettings(limit, Duration.ZERO, FIXED_CLOCK));

        assertThat(small.parse(utf8(exact)).isEvent()).isTrue();
        assertThat(small.parse(utf8(exact + " ")).reason()).isEqualTo(RejectReason.TOO_LARGE);
    }

    @Test
    void rejectsJsonNestedOneHundredThousandDeepAsInvalidJson() {
        LogParser roomy =
                new LogParser(new ParserSettings(1 << 20, Duration.ofMinutes(5), FIXED_CLOCK));
        int depth = 100_000;
        String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        String arrays =
                GOOD_JSON.replace("}", ",\"a\":") + "[".repeat(depth) + "]".repeat(depth) + "}";
        String unclosed = "{\"a\":".repeat(depth);

        for (String json : List.of(objects, arrays, unclosed)) {
            ParseResult result = roomy.parse(utf8(json));
            assertThat(result.reason()).isEqualTo(RejectReason.INVALID_JSON);
            assertThat(result.detail()).containsIgnoringCase("nesting depth");
        }
    }

    @Test
    void acceptsNestingUpToTheLimitInIgnoredExtras() {
        // The record itself is one level, so the extra may nest one less than the limit.
        int allowed = JsonLogParser.MAX_NESTING_DEPTH - 1;
        assertThat(parse(withNestedExtra(allowed)).isEvent()).isTrue();
        assertThat(parse(withNestedExtra(allowed + 1)).reason())
                .isEqualTo(RejectReason.INVALID_JSON);
    }

    private static String withNestedExtra(int levels) {
        return GOOD_JSON.replace("}", ",\"deep\":")
                + "{\"a\":".repeat(levels - 1)
                + "{}"
                + "}".repeat(levels - 1)
                + "}";
    }

    @Test
    void rejectsEveryTruncationOfAJsonRecordAsInvalidJson() {
        String line = lines(NGINX_JSON).get(0);
        Map<RejectReason, Integer> counts = new EnumMap<>(RejectReason.class);
        for (int end = 1; end < line.length(); end++) {
            ParseResult result = parse(line.substring(0, end));
            counts.merge(result.reason(), 1, Integer::sum);
        }
        assertThat(counts).containsExactly(Map.entry(RejectReason.INVALID_JSON, line.length() - 1));
    }

    @Test
    void rejectsInvalidUtf8AndNulAtEveryPositionAsInvalidUtf8() {
        byte[] good = utf8(lines(COMBINED).get(0));
        LogParser parser = parser();
        for (byte bad : new byte[] {0, (byte) 0xFF, (byte) 0xC3, (byte) 0x80}) {
            for (int at = 0; at <= good.length; at++) {
                byte[] mutated = new byte[good.length + 1];
                System.arraycopy(good, 0, mutated, 0, at);
                mutated[at] = bad;
                System.arraycopy(good, at, mutated, at + 1, good.length - at);
                assertThat(parser.parse(mutated).reason())
                        .as("byte %02x at %d", bad, at)
                        .isEqualTo(RejectReason.INVALID_UTF8);
            }
        }
    }

    @Test
    void rejectsOverlongNumbersAsInvalidJsonAndHugeValuesAsInvalidField() {
        String digits = "9".repeat(JsonLogParser.MAX_NUMBER_LENGTH + 1);
        assertThat(parse(GOOD_JSON.replace("}", ",\"size\":" + digits + "}")).reason())
                .isEqualTo(RejectReason.INVALID_JSON);
        assertThat(parse(GOOD_JSON.replace("}", ",\"x\":0." + digits + "}")).reason())
                .isEqualTo(RejectReason.INVALID_JSON);
        assertThat(parse(GOOD_JSON.replace("}", ",\"x\":" + "1".repeat(10_000) + "}")).reason())
                .isEqualTo(RejectReason.INVALID_JSON);
        assertThat(parse(GOOD_JSON.replace("}", ",\"size\":" + "9".repeat(30) + "}")).reason())
                .isEqualTo(RejectReason.INVALID_FIELD);
        assertThat(parse(GOOD_JSON.replace("\"404\"", "4" + "0".repeat(30))).reason())
                .isEqualTo(RejectReason.INVALID_FIELD);
    }

    @Test
    void rejectsDuplicateKeysAtAnyLevelAsInvalidJson() {
        assertThat(parse(GOOD_JSON.replace("}", ",\"clientip\":\"192.0.2.1\"}")).reason())
                .isEqualTo(RejectReason.INVALID_JSON);
        assertThat(
                        parse(GOOD_JSON.replace("}", ",\"host\":{\"name\":\"a\",\"name\":\"b\"}}"))
                                .reason())
                .isEqualTo(RejectReason.INVALID_JSON);
        // Unknown top-level names, deep and skipped objects, objects in arrays, and objects in a
        // field of the wrong type: a duplicate anywhere makes the record invalid JSON.
        for (String dup :
                List.of(
                        ",\"tag\":1,\"tag\":2",
                        ",\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"a\":8",
                        ",\"geo\":{\"city\":\"x\",\"city\":\"y\"}",
                        ",\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1,\"e\":2}}}}",
                        ",\"tags\":[1,{\"k\":1,\"k\":2}]",
                        ",\"protocol\":{\"v\":1,\"v\":1}")) {
            assertThat(parse(GOOD_JSON.replace("}", dup + "}")))
                    .as(dup)
                    .satisfies(
                            r -> {
                                assertThat(r.reason()).isEqualTo(RejectReason.INVALID_JSON);
                                assertThat(r.detail()).contains("Duplicate field");
                            });
        }
        // Equal names in different objects are not duplicates.
        assertThat(
                        parse(
                                        GOOD_JSON.replace(
                                                "}",
                                                ",\"a\":{\"name\":1},\"b\":{\"name\":2},"
                                                        + "\"c\":[{\"name\":1},{\"name\":2}]}"))
                                .event())
                .isNotNull();
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            many.append(",\"f").append(i).append("\":").append(i);
        }
        assertThat(parse(GOOD_JSON.replace("}", many + "}")).event()).isNotNull();
        assertThat(parse(GOOD_JSON.replace("}", many + ",\"f2999\":0}")).reason())
                .isEqualTo(RejectReason.INVALID_JSON);
    }

    @Test
    void reportsBrokenJsonBeforeAnyFieldProblem() {
        String badFieldThenTruncated = "{\"status\":{\"a\":1},\"clientip\":\"1.2.3.4\"";
        assertThat(parse(badFieldThenTruncated).reason()).isEqualTo(RejectReason.INVALID_JSON);
    }

    @Test
    void reportsTheFirstFieldProblemInDocumentOrder() {
        ParseResult result =
                parse(
                        "{\"url\":{},\"@timestamp\":\"garbage\",\"clientip\":\"x\",\"status\":\"600\"}");
        assertThat(result.reason()).isEqualTo(RejectReason.INVALID_FIELD);
        assertThat(result.detail()).startsWith("url is an object");
    }

    @Test
    void rejectsFarPastAndFarFutureTimestamps() {
        ParseResult past =
                parse(GOOD_JSON.replace("2026-11-26T10:00:01+00:00", "1999-12-31T23:59:59+00:00"));
        assertThat(past.reason()).isEqualTo(RejectReason.INVALID_TIMESTAMP);
        assertThat(past.detail()).contains("before 2000");

        ParseResult future =
                parse(GOOD_JSON.replace("2026-11-26T10:00:01+00:00", "2026-11-29T14:00:00+00:00"));
        assertThat(future.reason()).isEqualTo(RejectReason.FUTURE_TIMESTAMP);
        assertThat(future.detail()).isEqualTo("timestamp is 3d2h ahead of now (allowed skew 5m)");
    }

    @Test
    void allowsFutureSkewUpToTheSettingOnly() {
        String in90s = GOOD_JSON.replace("2026-11-26T10:00:01+00:00", "2026-11-26T12:01:30Z");
        LogParser strict = new LogParser(new ParserSettings(65536, Duration.ZERO, FIXED_CLOCK));
        LogParser lenient =
                new LogParser(new ParserSettings(65536, Duration.ofMinutes(2), FIXED_CLOCK));
        LogParser unbounded =
                new LogParser(
                        new ParserSettings(65536, Duration.ofSeconds(Long.MAX_VALUE), FIXED_CLOCK));

        assertThat(strict.parse(utf8(in90s)).reason()).isEqualTo(RejectReason.FUTURE_TIMESTAMP);
        assertThat(lenient.parse(utf8(in90s)).isEvent()).isTrue();
        assertThat(unbounded.parse(utf8(in90s)).isEvent()).isTrue();
    }

    @Test
    void acceptsCombinedLinesWithQuotesInsideTheUserAgent() {
        String prefix =
                "203.0.113.7 - - [26/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" ";
        assertThat(parse(prefix + "\"a \\x22b\\x22 c\"").event().agent()).isEqualTo("a \"b\" c");
        assertThat(parse(prefix + "\"a \\\"b\\\" c\"").event().agent()).isEqualTo("a \"b\" c");
        assertThat(parse(prefix + "\"ends with \\\\\"").event().agent()).isEqualTo("ends with \\");
    }

    @Test
    void neverQuotesTheWholeInputInADetail() {
        String secret = "s".repeat(5000);
        List<String> inputs =
                List.of(
                        GOOD_JSON.replace("\"404\"", "\"" + secret + "\""),
                        GOOD_JSON.replace("203.0.113.7", secret),
                        GOOD_JSON.replace("2026-11-26T10:00:01+00:00", secret),
                        "{\"" + secret,
                        secret + " " + secret);
        for (String input : inputs) {
            ParseResult result = parse(input);
            assertThat(result.isEvent()).isFalse();
            assertThat(result.detail()).hasSizeLessThanOrEqualTo(MAX_DETAIL_CHARS);
        }
    }

    @Test
    void generatedCasesCountPerReason() {
        LogParser parser = parser();
        List<byte[]> inputs = new ArrayList<>();
        Stream.of("", " ", "\n").map(ParseFixtures::utf8).forEach(inputs::add);
        inputs.add(new byte[70_000]);
        inputs.add(new byte[] {'{', '"', (byte) 0xC3, '"', '}'});
        inputs.add(utf8(GOOD_JSON.substring(0, 20)));
        inputs.add(utf8("[" + GOOD_JSON + "]"));
        inputs.add(utf8(GOOD_JSON.replace("\"203.0.113.7\"", "\"-\"")));
        inputs.add(utf8(GOOD_JSON.replace("\"404\"", "{\"code\":404}")));
        inputs.add(utf8(GOOD_JSON.replace("2026-11-26T10:00:01", "2026-13-26T10:00:01")));
        inputs.add(utf8(GOOD_JSON.replace("2026-11-26T10:00:01", "2030-11-26T10:00:01")));
        inputs.add(utf8(GOOD_JSON));

        Map<String, Integer> counts = new TreeMap<>();
        for (byte[] input : inputs) {
            counts.merge(outcome(parser.parse(input)), 1, Integer::sum);
        }

        assertThat(counts)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "empty", 3,
                                "too_large", 1,
                                "invalid_utf8", 1,
                                "invalid_json", 1,
                                "unrecognized_format", 1,
                                "missing_field", 1,
                                "invalid_field", 1,
                                "invalid_timestamp", 1,
                                "future_timestamp", 1,
                                "ok", 1));
    }
}
