package io.nginxalerts.core.parse;

import static io.nginxalerts.core.parse.ParseFixtures.NGINX_JSON;
import static io.nginxalerts.core.parse.ParseFixtures.lines;
import static io.nginxalerts.core.parse.ParseFixtures.millis;
import static io.nginxalerts.core.parse.ParseFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.event.AccessEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records as written by nginx with the project's JSON {@code log_format}. */
class NginxJsonParsingTest {

    private static final String MINIMAL_PREFIX =
            "{\"@timestamp\":\"2026-11-26T10:00:01+00:00\",\"clientip\":\"203.0.113.7\"";

    private static AccessEvent event(String json) {
        ParseResult result = parse(json);
        assertThat(result.reason()).as("reason (%s)", result.detail()).isNull();
        return result.event();
    }

    private static AccessEvent fixture(int index) {
        return event(lines(NGINX_JSON).get(index));
    }

    @Test
    void parsesEveryLineOfTheNginxJsonFixture() {
        List<String> lines = lines(NGINX_JSON);
        assertThat(lines).hasSizeGreaterThanOrEqualTo(5);
        for (String line : lines) {
            ParseResult result = parse(line);
            assertThat(result.isEvent()).as("%s: %s", line, result.detail()).isTrue();
        }
    }

    @Test
    void takesTheMillisecondsFromMsecWithinTheSecondOfTheTimestamp() {
        assertThat(
                        event(MINIMAL_PREFIX + ",\"msec\":\"1795687201.123\",\"status\":\"200\"}")
                                .timestamp())
                .isEqualTo(millis("2026-11-26T10:00:01.123Z"));
        assertThat(event(MINIMAL_PREFIX + ",\"msec\":1795687201.999,\"status\":200}").timestamp())
                .isEqualTo(millis("2026-11-26T10:00:01.999Z"));
        // Without @timestamp, msec alone is the event time; "-" means absent.
        assertThat(
                        event(
                                        "{\"msec\":\"1795687201.5\",\"clientip\":\"203.0.113.7\","
                                                + "\"status\":\"200\"}")
                                .timestamp())
                .isEqualTo(millis("2026-11-26T10:00:01.500Z"));
        assertThat(event(MINIMAL_PREFIX + ",\"msec\":\"-\",\"status\":\"200\"}").timestamp())
                .isEqualTo(millis("2026-11-26T10:00:01Z"));
    }

    @Test
    void rejectsAnMsecThatIsNotTheSecondOfTheTimestampOrNotANumber() {
        for (String msec :
                List.of("\"1795687202.000\"", "\"1795687200.999\"", "\"soon\"", "\"1e9\"", "{}")) {
            ParseResult r = parse(MINIMAL_PREFIX + ",\"msec\":" + msec + ",\"status\":\"200\"}");
            assertThat(r.reason()).as(msec).isEqualTo(RejectReason.INVALID_TIMESTAMP);
            assertThat(r.detail()).as(msec).contains("msec");
        }
    }

    @Test
    void readsMsecInIntegersExactlyAsTheDecimalPathDoes() {
        java.util.Random random = new java.util.Random(7);
        int exact = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            int whole = 1 + random.nextInt(12);
            for (int k = 0; k < whole; k++) {
                s.append((char) ('0' + random.nextInt(10)));
            }
            int fraction = random.nextInt(6) - 1; // -1: no dot
            if (fraction >= 0) {
                s.append('.');
                for (int k = 0; k < fraction; k++) {
                    s.append((char) ('0' + random.nextInt(10)));
                }
            }
            String text = s.toString();
            long fast = JsonLogParser.exactMillis(text);
            if (fast >= 0) {
                exact++;
                double seconds = ParsedValues.parseNonNegativeDecimal(text);
                assertThat(fast).as(text).isEqualTo(Math.round(seconds * 1000));
                assertThat(seconds).as(text).isLessThan(1e11);
            }
        }
        assertThat(exact).isGreaterThan(50_000);
        for (String other :
                List.of("", ".5", "1.", "1.2345", "+1.5", "1e9", "123456789012", "1,5")) {
            assertThat(JsonLogParser.exactMillis(other)).as(other).isEqualTo(-1);
        }
    }

    @Test
    void mapsEveryLogFormatField() {
        AccessEvent e = fixture(0);

        assertThat(e.timestamp()).isEqualTo(millis("2026-11-26T10:00:01Z"));
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.clientip()).isEqualTo("203.0.113.7");
        assertThat(e.size()).isEqualTo(612);
        assertThat(e.responsetime()).isEqualTo(0.004);
        assertThat(e.upstreamtime()).isEqualTo("0.004");
        assertThat(e.upstreamhost()).isEqualTo("10.0.0.5:8080");
        assertThat(e.http_host()).isEqualTo("shop.example.com");
        assertThat(e.url()).isEqualTo("/index.html");
        assertThat(e.path()).isEqualTo("/index.html");
        assertThat(e.query()).isNull();
        assertThat(e.xff()).isNull();
        assertThat(e.refer()).isNull();
        assertThat(e.agent()).startsWith("Mozilla/5.0 (Windows NT 10.0;").endsWith("Safari/537.36");
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.protocol()).isEqualTo("HTTP/1.1");
        assertThat(e.request_id()).isEqualTo("7f9c2ba4e88f827d616045507605853e");
        assertThat(e.extra()).isEmpty();
    }

    @Test
    void parsesStatusGivenAsStringOrAsNumber() {
        assertThat(event(MINIMAL_PREFIX + ",\"status\":\"404\"}").status()).isEqualTo(404);
        assertThat(event(MINIMAL_PREFIX + ",\"status\":404}").status()).isEqualTo(404);
    }

    @Test
    void splitsPathAndQueryAtTheFirstQuestionMark() {
        AccessEvent e = fixture(1);
        assertThat(e.url()).isEqualTo("/wp-login.php?redirect_to=%2Fwp-admin%2F&reauth=1");
        assertThat(e.path()).isEqualTo("/wp-login.php");
        assertThat(e.query()).isEqualTo("redirect_to=%2Fwp-admin%2F&reauth=1");

        AccessEvent twice = event(MINIMAL_PREFIX + ",\"status\":\"200\",\"url\":\"/a?b=1?c=2\"}");
        assertThat(twice.path()).isEqualTo("/a");
        assertThat(twice.query()).isEqualTo("b=1?c=2");
    }

    @Test
    void turnsDashAndEmptyStringIntoNull() {
        AccessEvent dashes = fixture(1);
        assertThat(dashes.upstreamtime()).isNull();
        assertThat(dashes.upstreamhost()).isNull();
        assertThat(dashes.xff()).isNull();
        assertThat(dashes.refer()).isNull();

        // escape=json prints unset variables as "".
        AccessEvent empties = fixture(3);
        assertThat(empties.xff()).isNull();
        assertThat(empties.refer()).isNull();
    }

    @Test
    void keepsUpstreamListsAndForwardedForAsText() {
        AccessEvent e = fixture(2);
        assertThat(e.upstreamtime()).isEqualTo("0.004, 0.116");
        assertThat(e.upstreamhost()).isEqualTo("10.0.0.5:8080, 10.0.0.6:8080");
        assertThat(e.xff()).isEqualTo("192.0.2.10, 10.1.2.3");
        assertThat(e.clientip()).isEqualTo("2001:db8::1f");
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.size()).isZero();
    }

    @Test
    void convertsTheTimestampOffsetToUtc() {
        assertThat(fixture(3).timestamp()).isEqualTo(millis("2026-11-26T10:00:03Z"));
    }

    @Test
    void decodesJsonEscapesAndRawUtf8() {
        AccessEvent e = fixture(5);
        assertThat(e.refer()).isEqualTo("https://shop.example.com/kategorie/küche");
        assertThat(e.agent()).isEqualTo("Mozilla/5.0 (compatible; Bücherbot/1.0; \"quoted\")");
        assertThat(e.method()).isNull();
        assertThat(e.protocol()).isNull();
        assertThat(e.request_id()).isNull();
    }

    @Test
    void acceptsNginxDefaultHexEscapesInsideJson() {
        // log_format without escape=json writes '"' as \x22 and UTF-8 bytes one by one.
        AccessEvent e =
                event(
                        MINIMAL_PREFIX
                                + ",\"status\":\"200\",\"agent\":\"say \\x22hi\\x22 B\\xC3\\xBCcher\\x5C\"}");
        assertThat(e.agent()).isEqualTo("say \"hi\" Bücher\\");
    }

    @Test
    void acceptsSizeAndResponsetimeAsNumericStrings() {
        AccessEvent e =
                event(
                        MINIMAL_PREFIX
                                + ",\"status\":\"200\",\"size\":\"153\",\"responsetime\":\"0.004\"}");
        assertThat(e.size()).isEqualTo(153);
        assertThat(e.responsetime()).isEqualTo(0.004);
    }

    @Test
    void treatsAbsentOrDashSizeAndResponsetimeAsZero() {
        AccessEvent absent = event(MINIMAL_PREFIX + ",\"status\":\"200\"}");
        assertThat(absent.size()).isZero();
        assertThat(absent.responsetime()).isZero();

        AccessEvent dash =
                event(
                        MINIMAL_PREFIX
                                + ",\"status\":\"200\",\"size\":\"-\",\"responsetime\":\"-\"}");
        assertThat(dash.size()).isZero();
        assertThat(dash.responsetime()).isZero();
    }

    @Test
    void keepsUnknownTopLevelScalarsInExtra() {
        AccessEvent e =
                event(
                        MINIMAL_PREFIX
                                + ",\"status\":\"200\",\"ssl_protocol\":\"TLSv1.3\",\"bytes_in\":512,"
                                + "\"cached\":true,\"nothing\":null}");
        assertThat(e.extra())
                .containsEntry("ssl_protocol", "TLSv1.3")
                .containsEntry("bytes_in", "512")
                .containsEntry("cached", "true")
                .doesNotContainKey("nothing");
        assertThat(e.get("ssl_protocol")).isEqualTo("TLSv1.3");
    }

    @Test
    void ignoresWhiteSpaceAndByteOrderMarkAroundTheObject() {
        String json = MINIMAL_PREFIX + ",\"status\":\"200\"}";
        assertThat(parse(" \t" + json + " \r\n").isEvent()).isTrue();
        assertThat(parse("\uFEFF" + json).isEvent()).isTrue();
    }
}
