package io.nginxalerts.core.parse;

import static io.nginxalerts.core.parse.ParseFixtures.millis;
import static io.nginxalerts.core.parse.ParseFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.event.AccessEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lines recognised without an option: syslog-wrapped lines and Apache's standard formats. */
class SyslogAndApacheParsingTest {

    private static final String COMBINED =
            "203.0.113.7 - - [26/Nov/2026:10:00:01 +0000] \"GET /x?a=1 HTTP/1.1\" 404 153 \"-\""
                    + " \"curl/8.0\"";

    private static AccessEvent event(String line) {
        ParseResult result = parse(line);
        assertThat(result.reason()).as("reason (%s)", result.detail()).isNull();
        return result.event();
    }

    private static void assertSameAsCombined(AccessEvent e) {
        AccessEvent plain = event(COMBINED);
        assertThat(e).isEqualTo(plain);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // nginx's access_log syslog:server=... (RFC 3164 with PRI)
                "<190>Nov 26 10:00:01 web-1 nginx: ",
                // one-digit day, padded with a space
                "<190>Nov  6 10:00:01 web-1 nginx: ",
                // as rsyslog writes it to a file: no PRI, tag with pid
                "Nov 26 10:00:01 ip-172-31-43-28.us-east-2.compute.internal nginx[2869]: ",
                // rsyslog's forward format: RFC 3339 time
                "<190>2026-11-26T10:00:01.123+00:00 web-1 nginx: ",
                // rsyslog's file format without PRI
                "2026-11-26T10:00:01.123456+00:00 web-1 nginx: ",
                // RFC 5424
                "<190>1 2026-11-26T10:00:01.123Z web-1 nginx - - - ",
                "<190>1 2026-11-26T10:00:01.123Z web-1 nginx 2869 access"
                        + " [meta sequenceId=\"1\" note=\"a \\] b\"][x@1 y=\"z\"] ",
            })
    void unwrapsASyslogHeaderBeforeTheFormatApplies(String header) {
        assertSameAsCombined(event(header + COMBINED));
    }

    @Test
    void unwrapsJsonShippedOverSyslog() {
        String json =
                "{\"@timestamp\":\"2026-11-26T10:00:01+00:00\",\"clientip\":\"203.0.113.7\","
                        + "\"status\":\"404\",\"url\":\"/x\"}";
        AccessEvent e = event("<190>Nov 26 10:00:01 web-1 nginx: " + json);
        assertThat(e.clientip()).isEqualTo("203.0.113.7");
        assertThat(e.url()).isEqualTo("/x");
    }

    @Test
    void aSyslogHeaderAroundSomethingElseIsStillUnrecognized() {
        assertThat(parse("<13>Nov 26 10:00:01 web-1 nginx: 203.0.113.7 GET /").reason())
                .isEqualTo(RejectReason.UNRECOGNIZED_FORMAT);
        assertThat(parse("<190>Nov 26 10:00:01 web-1 nginx: ").reason())
                .isEqualTo(RejectReason.UNRECOGNIZED_FORMAT);
    }

    @Test
    void readsApacheCommonWithoutRefererAndAgent() {
        AccessEvent e =
                event(
                        "203.0.113.7 - frank [26/Nov/2026:10:00:01 +0000] \"GET /x?a=1 HTTP/1.0\" 200 2326");
        assertThat(e.clientip()).isEqualTo("203.0.113.7");
        assertThat(e.timestamp()).isEqualTo(millis("2026-11-26T10:00:01Z"));
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.size()).isEqualTo(2326);
        assertThat(e.refer()).isNull();
        assertThat(e.agent()).isNull();
        assertThat(e.extra()).containsEntry("remote_user", "frank");
    }

    @Test
    void readsApacheVhostCombinedWithTheVirtualHostAsHttpHost() {
        AccessEvent e = event("shop.example.com:443 " + COMBINED);
        assertThat(e.http_host()).isEqualTo("shop.example.com");
        assertThat(e.extra()).containsEntry("server_port", "443");
        assertThat(e.clientip()).isEqualTo("203.0.113.7");
        assertThat(e.agent()).isEqualTo("curl/8.0");
        // nginx variants write "$host $remote_addr ...", without the port.
        AccessEvent noPort = event("memze.ro " + COMBINED);
        assertThat(noPort.http_host()).isEqualTo("memze.ro");
        assertThat(noPort.extra()).doesNotContainKey("server_port");
    }

    @Test
    void aHostWordBeforeSomethingThatIsNoAddressIsStillInvalid() {
        assertThat(
                        parse(
                                        "unix: - - [26/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 404 1 \"-\" \"c\"")
                                .reason())
                .isEqualTo(RejectReason.INVALID_FIELD);
    }
}
