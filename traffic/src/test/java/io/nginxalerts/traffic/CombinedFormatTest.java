package io.nginxalerts.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CombinedFormatTest {

    /** A quoted field: no bare quote or backslash inside, only nginx's \xHH escapes. */
    private static final String QUOTED = "\"((?:[^\"\\\\]|\\\\x[0-9A-F]{2})*)\"";

    private static final Pattern COMBINED =
            Pattern.compile(
                    "(\\d{1,3}(?:\\.\\d{1,3}){3}) - -"
                            + " \\[(\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000)\\] "
                            + QUOTED
                            + " (\\d{3}) (\\d+) "
                            + QUOTED
                            + " "
                            + QUOTED);

    private static final DateTimeFormatter TIME_LOCAL =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);

    /** Undoes nginx's default escaping. */
    private static String unescape(String s) {
        Matcher m = Pattern.compile("\\\\x([0-9A-F]{2})").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(
                    out,
                    Matcher.quoteReplacement(
                            String.valueOf((char) Integer.parseInt(m.group(1), 16))));
        }
        return m.appendTail(out).toString();
    }

    @Test
    void everyLineMatchesTheCombinedFormatAndHoldsTheLinesValues() {
        LineEncoder encoder = new LineEncoder(LineFormat.COMBINED);
        TrafficProfile profile = TrafficProfile.bench(5_000);
        for (GeneratedLine line : Traffic.run(profile, 20_000)) {
            String raw = Traffic.utf8(encoder.encode(line));
            Matcher m = COMBINED.matcher(raw);

            assertThat(m.matches()).as(raw).isTrue();
            assertThat(m.group(1)).isEqualTo(line.clientip());
            assertThat(Instant.from(TIME_LOCAL.parse(m.group(2))))
                    .isEqualTo(
                            Instant.ofEpochMilli(
                                    Math.floorDiv(line.timestampMillis(), 1000) * 1000));
            assertThat(unescape(m.group(3)))
                    .isEqualTo(line.method() + " " + line.url() + " " + line.protocol());
            assertThat(m.group(4)).isEqualTo(Integer.toString(line.status()));
            assertThat(m.group(5)).isEqualTo(Long.toString(line.size()));
            assertThat(unescape(m.group(6))).isEqualTo(line.referer());
            assertThat(unescape(m.group(7))).isEqualTo(line.userAgent());
        }
    }

    @Test
    void quotesAndBackslashesAreWrittenAsHexEscapesLikeNginx() {
        GeneratedLine line =
                Lines.withAgentAndUrl(
                        "Mozilla/5.0 (compatible; \"Quoted\"/1.0)", "/..\\..\\win.ini");

        assertThat(Traffic.utf8(line.combined()))
                .isEqualTo(
                        "203.0.113.7 - - [26/Nov/2026:10:00:01 +0000] \"GET /..\\x5C..\\x5Cwin.ini"
                                + " HTTP/1.1\" 200 612 \"-\" \"Mozilla/5.0 (compatible;"
                                + " \\x22Quoted\\x22/1.0)\"");
    }

    @Test
    void writeToAppendsOneNewlinePerLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LineEncoder encoder = new LineEncoder(LineFormat.COMBINED);
        for (GeneratedLine line : Traffic.run(TrafficProfile.demo(), 100)) {
            encoder.writeTo(line, out);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        assertThat(text.split("\n", -1)).hasSize(101);
    }
}
