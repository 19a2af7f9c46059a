package io.nginxalerts.core.parse;

import static io.nginxalerts.core.parse.ParseFixtures.COMBINED;
import static io.nginxalerts.core.parse.ParseFixtures.lines;
import static io.nginxalerts.core.parse.ParseFixtures.millis;
import static io.nginxalerts.core.parse.ParseFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.event.AccessEvent;
import org.junit.jupiter.api.Test;

/** nginx {@code combined} text lines, with the escaping nginx applies to them. */
class CombinedParsingTest {

    private static final String PREFIX = "203.0.113.7 - - [26/Nov/2026:10:00:01 +0000] ";

    private static AccessEvent event(String line) {
        ParseResult result = parse(line);
        assertThat(result.reason()).as("reason (%s)", result.detail()).isNull();
        return result.event();
    }

    private static AccessEvent fixture(int index) {
        return event(lines(COMBINED).get(index));
    }

    @Test
    void parsesEveryLineOfTheCombinedFixture() {
        assertThat(lines(COMBINED)).hasSizeGreaterThanOrEqualTo(6);
        for (String line : lines(COMBINED)) {
            ParseResult result = parse(line);
            assertThat(result.isEvent()).as("%s: %s", line, result.detail()).isTrue();
        }
    }

    @Test
    void mapsEveryCombinedField() {
        AccessEvent e = fixture(1);
        assertThat(e.clientip()).isEqualTo("198.51.100.23");
        assertThat(e.timestamp()).isEqualTo(millis("2026-11-26T10:00:02Z"));
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.url()).isEqualTo("/wp-login.php?redirect_to=%2Fwp-admin%2F&reauth=1");
        assertThat(e.path()).isEqualTo("/wp-login.php");
        assertThat(e.query()).isEqualTo("redirect_to=%2Fwp-admin%2F&reauth=1");
        assertThat(e.protocol()).isEqualTo("HTTP/1.1");
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.size()).isEqualTo(153);
        assertThat(e.refer()).isNull();
        assertThat(e.agent()).isEqualTo("Mozilla/5.0 zgrab/0.x");
        assertThat(e.xff()).isNull();
        assertThat(e.host()).isNull();
        assertThat(e.responsetime()).isZero();
        assertThat(e.extra()).isEmpty();
    }

    @Test
    void convertsTheLocalTimeOffsetToUtcAndKeepsTheRemoteUser() {
        AccessEvent e = fixture(2);
        assertThat(e.timestamp()).isEqualTo(millis("2026-11-26T10:00:03Z"));
        assertThat(e.extra()).containsEntry("remote_user", "alice");
        assertThat(e.refer()).isEqualTo("https://shop.example.com/admin");
    }

    @Test
    void acceptsAnIpv6RemoteAddress() {
        assertThat(fixture(3).clientip()).isEqualTo("2001:db8::1f");
    }

    @Test
    void keepsATlsHandshakeRequestAsTheUrlWithoutMethod() {
        AccessEvent e = fixture(4);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.method()).isNull();
        assertThat(e.protocol()).isNull();
        assertThat(e.url()).startsWith("\u0016\u0003\u0001").hasSize(11);
        assertThat(e.agent()).isNull();
    }

    @Test
    void treatsADashRequestAsAnEventWithoutUrl() {
        AccessEvent e = fixture(5);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.method()).isNull();
        assertThat(e.url()).isNull();
        assertThat(e.path()).isNull();
    }

    @Test
    void decodesHexEscapedQuotesInTheUserAgentAndTakesTheThirdStringAsXff() {
        AccessEvent e = fixture(6);
        assertThat(e.agent())
                .isEqualTo("Mozilla/5.0 (compatible; \"Evil\" Bot/1.0; +http://bot.example/)");
        assertThat(e.xff()).isEqualTo("192.0.2.10, 10.1.2.3");
    }

    @Test
    void decodesHexEscapedUtf8AndBackslashQuotes() {
        AccessEvent e = fixture(7);
        assertThat(e.url()).isEqualTo("/café");
        assertThat(e.agent()).isEqualTo("Bücherbot/1.0 \"beta\"");
    }

    @Test
    void replacesEscapedBytesThatAreNotUtf8() {
        AccessEvent e = event(PREFIX + "\"GET /\\xFF HTTP/1.1\" 404 0 \"-\" \"curl/8.0\"");
        assertThat(e.url()).isEqualTo("/\uFFFD");
    }

    @Test
    void keepsAnUnknownBackslashSequenceAsItIs() {
        AccessEvent e = event(PREFIX + "\"GET / HTTP/1.1\" 200 1 \"-\" \"a\\nb\\x2\"");
        assertThat(e.agent()).isEqualTo("a\\nb\\x2");
    }

    @Test
    void splitsAnHttp09RequestIntoMethodAndUrl() {
        AccessEvent e = event(PREFIX + "\"GET /old\" 200 1 \"-\" \"-\"");
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.url()).isEqualTo("/old");
        assertThat(e.protocol()).isNull();
    }

    @Test
    void keepsARequestWithSpacesInTheUri() {
        AccessEvent e = event(PREFIX + "\"GET /a b HTTP/1.1\" 400 1 \"-\" \"-\"");
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.url()).isEqualTo("/a b");
        assertThat(e.protocol()).isEqualTo("HTTP/1.1");
    }

    @Test
    void keepsARequestThatIsNotMethodUriProtocolAsRawText() {
        AccessEvent e = event(PREFIX + "\"get me that file please\" 400 1 \"-\" \"-\"");
        assertThat(e.method()).isNull();
        assertThat(e.url()).isEqualTo("get me that file please");
    }

    @Test
    void toleratesFieldsAfterTheForwardedFor() {
        AccessEvent e =
                event(
                        PREFIX
                                + "\"GET / HTTP/1.1\" 200 1 \"-\" \"curl/8.0\" \"192.0.2.1\""
                                + " rt=0.004 uct=\"0.000\"");
        assertThat(e.xff()).isEqualTo("192.0.2.1");
        assertThat(e.agent()).isEqualTo("curl/8.0");
    }

    @Test
    void treatsDashBytesAsZero() {
        assertThat(event(PREFIX + "\"GET / HTTP/1.1\" 304 - \"-\" \"-\"").size()).isZero();
    }
}
