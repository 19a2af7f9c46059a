package io.nginxalerts.core.parse;

import static io.nginxalerts.core.parse.ParseFixtures.SETTINGS;
import static io.nginxalerts.core.parse.ParseFixtures.millis;
import static io.nginxalerts.core.parse.ParseFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.core.event.AccessEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Custom formats compiled from nginx {@code log_format} and Apache {@code LogFormat} strings, with
 * formats taken from the public nginx and Apache documentation.
 */
class LogFormatParsingTest {

    /** The {@code main} format of the nginx.conf that nginx ships. */
    static final String NGINX_CONF =
            """
            user  nginx;
            http {
                # log_format commented '$remote_addr';
                log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                                  '$status $body_bytes_sent "$http_referer" '
                                  '"$http_user_agent" "$http_x_forwarded_for"';

                # From "Using NGINX Logging for Application Performance Monitoring" (nginx.com).
                log_format upstream_time '$remote_addr - $remote_user [$time_local] '
                                         '"$request" $status $body_bytes_sent '
                                         '"$http_referer" "$http_user_agent"'
                                         'rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" urt="$upstream_response_time"';

                log_format json_combined escape=json
                  '{'
                    '"time_local":"$time_local",'
                    '"remote_addr":"$remote_addr",'
                    '"request":"$request",'
                    '"status": "$status",'
                    '"body_bytes_sent":"$body_bytes_sent",'
                    '"request_time":"$request_time",'
                    '"http_referrer":"$http_referer",'
                    '"http_user_agent":"$http_user_agent"'
                  '}';
                access_log  /var/log/nginx/access.log  main;
            }
            """;

    private static AccessEvent event(LogFormat format, String line) {
        ParseResult result = new LogParser(SETTINGS.withLogFormat(format)).parse(utf8(line));
        assertThat(result.reason()).as("reason (%s)", result.detail()).isNull();
        return result.event();
    }

    private static ParseResult parse(LogFormat format, String line) {
        return new LogParser(SETTINGS.withLogFormat(format)).parse(utf8(line));
    }

    @Test
    void readsNginxsBuiltInCombinedFormat() {
        LogFormat combined = NginxConf.logFormat("", "combined");
        AccessEvent e =
                event(
                        combined,
                        "203.0.113.7 - alice [26/Nov/2026:10:00:01 +0100] \"GET /a?b=c HTTP/1.1\""
                                + " 404 153 \"https://r.example/\" \"curl/8.0\"");
        assertThat(e.clientip()).isEqualTo("203.0.113.7");
        assertThat(e.timestamp()).isEqualTo(millis("2026-11-26T09:00:01Z"));
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.path()).isEqualTo("/a");
        assertThat(e.query()).isEqualTo("b=c");
        assertThat(e.protocol()).isEqualTo("HTTP/1.1");
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.size()).isEqualTo(153);
        assertThat(e.refer()).isEqualTo("https://r.example/");
        assertThat(e.agent()).isEqualTo("curl/8.0");
        assertThat(e.extra()).containsEntry("remote_user", "alice");
    }

    @Test
    void readsTheMainFormatOfTheDefaultNginxConf() {
        LogFormat main = NginxConf.logFormat(NGINX_CONF, "main");
        AccessEvent e =
                event(
                        main,
                        "203.0.113.7 - - [26/Nov/2026:10:00:01 +0000] \"POST /login HTTP/2.0\" 200"
                                + " 0 \"-\" \"Mozilla/5.0 \\x22quoted\\x22 \\xC3\\xA9\""
                                + " \"198.51.100.1, 10.0.0.2\"");
        assertThat(e.method()).isEqualTo("POST");
        assertThat(e.refer()).isNull();
        assertThat(e.agent()).isEqualTo("Mozilla/5.0 \"quoted\" é");
        assertThat(e.xff()).isEqualTo("198.51.100.1, 10.0.0.2");
        assertThat(e.extra()).isEmpty();
    }

    @Test
    void readsAFormatWithUpstreamTimingsAndKeepsUnknownVariablesAsExtraFields() {
        LogFormat upstream = NginxConf.logFormat(NGINX_CONF, "upstream_time");
        AccessEvent e =
                event(
                        upstream,
                        "203.0.113.7 - - [26/Nov/2026:10:00:01 +0000] \"GET /api HTTP/1.1\" 502 157"
                                + " \"-\" \"curl/8.0\"rt=0.512 uct=\"0.001, 0.002\""
                                + " uht=\"-\" urt=\"0.500, 0.010\"");
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.responsetime()).isEqualTo(0.512);
        assertThat(e.upstreamtime()).isEqualTo("0.500, 0.010");
        assertThat(e.extra())
                .containsEntry("upstream_connect_time", "0.001, 0.002")
                .doesNotContainKey("upstream_header_time");
    }

    @Test
    void readsAnEscapeJsonFormat() {
        LogFormat json = NginxConf.logFormat(NGINX_CONF, "json_combined");
        assertThat(json.escape()).isEqualTo(LogFormat.Escape.JSON);
        AccessEvent e =
                event(
                        json,
                        "{\"time_local\":\"26/Nov/2026:10:00:01 +0000\",\"remote_addr\":\"2001:db8::1\","
                                + "\"request\":\"GET /q?s=\\\"x\\\" HTTP/1.1\",\"status\": \"403\","
                                + "\"body_bytes_sent\":\"12\",\"request_time\":\"0.004\","
                                + "\"http_referrer\":\"\",\"http_user_agent\":\"a\\u00e9\\\\b\"}");
        assertThat(e.clientip()).isEqualTo("2001:db8::1");
        assertThat(e.url()).isEqualTo("/q?s=\"x\"");
        assertThat(e.status()).isEqualTo(403);
        assertThat(e.size()).isEqualTo(12);
        assertThat(e.responsetime()).isEqualTo(0.004);
        assertThat(e.refer()).isNull();
        assertThat(e.agent()).isEqualTo("aé\\b");
    }

    @Test
    void mapsEveryDocumentedNginxVariable() {
        LogFormat f =
                LogFormat.fromOption(
                        "$remote_addr|$time_iso8601|$msec|$request_method|$request_uri"
                                + "|$server_protocol|$status|$bytes_sent|$request_time"
                                + "|$upstream_response_time|$upstream_addr|$host|$hostname"
                                + "|$http_user_agent|$http_referer|$http_x_forwarded_for"
                                + "|$request_id|$server_addr|$ssl_protocol");
        AccessEvent e =
                event(
                        f,
                        "203.0.113.7|2026-11-26T10:00:01+00:00|1795687201.250|GET|/a?b=1|HTTP/1.1"
                                + "|200|512|0.010|0.009|10.0.0.5:8080|shop.example.com|web-1"
                                + "|curl/8.0|-|-|abc123|10.0.0.1|TLSv1.3");
        assertThat(e.timestamp()).isEqualTo(millis("2026-11-26T10:00:01.250Z"));
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.url()).isEqualTo("/a?b=1");
        assertThat(e.protocol()).isEqualTo("HTTP/1.1");
        assertThat(e.size()).isEqualTo(512);
        assertThat(e.responsetime()).isEqualTo(0.010);
        assertThat(e.upstreamtime()).isEqualTo("0.009");
        assertThat(e.upstreamhost()).isEqualTo("10.0.0.5:8080");
        assertThat(e.http_host()).isEqualTo("shop.example.com");
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.request_id()).isEqualTo("abc123");
        assertThat(e.extra())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("server_addr", "10.0.0.1", "ssl_protocol", "TLSv1.3"));
        assertThat(e.get("ssl_protocol")).isEqualTo("TLSv1.3");
    }

    @Test
    void aSecondVariableForAFieldOrAVariableNamedLikeAFieldIsKeptUnderARawName() {
        // $host wins http_host; $http_host (the Host header as sent) and a variable of the
        // user's named $agent must not become extra fields named like the event's own fields:
        // rules could not read them and alerts would write two "http_host" members.
        LogFormat f =
                LogFormat.fromOption(
                        "$remote_addr [$time_local] $status $host $http_host \"$http_user_agent\""
                                + " $agent");
        AccessEvent e =
                event(
                        f,
                        "203.0.113.7 [26/Nov/2026:10:00:01 +0000] 200 shop.example.com"
                                + " Shop.Example.com:8443 \"curl/8.0\" bot-42");
        assertThat(e.http_host()).isEqualTo("shop.example.com");
        assertThat(e.agent()).isEqualTo("curl/8.0");
        assertThat(e.extra())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("http_host_raw", "Shop.Example.com:8443", "agent_raw", "bot-42"));
        assertThat(e.get("http_host_raw")).isEqualTo("Shop.Example.com:8443");
        assertThat(f.mappings())
                .contains(
                        Map.entry("$host", "http_host"),
                        Map.entry("$http_host", "extra field http_host_raw"),
                        Map.entry("$agent", "extra field agent_raw"));
    }

    @Test
    void apachesHostHeaderBesideTheVirtualHostIsKeptUnderARawName() {
        LogFormat f = LogFormat.fromOption("%h %t %>s %v %{Host}i");
        AccessEvent e =
                event(
                        f,
                        "203.0.113.7 [26/Nov/2026:10:00:01 +0000] 200 www.example.com"
                                + " example.com:443");
        assertThat(e.http_host()).isEqualTo("www.example.com");
        assertThat(e.extra()).containsExactly(Map.entry("http_host_raw", "example.com:443"));
    }

    @Test
    void buildsTheUrlFromUriAndArgs() {
        LogFormat f = LogFormat.fromOption("$remote_addr [$time_local] $status $uri $args");
        AccessEvent e = event(f, "203.0.113.7 [26/Nov/2026:10:00:01 +0000] 200 /search q=1");
        assertThat(e.url()).isEqualTo("/search?q=1");
        assertThat(event(f, "203.0.113.7 [26/Nov/2026:10:00:01 +0000] 200 /search -").url())
                .isEqualTo("/search");
    }

    @Test
    void readsUnquotedUpstreamListsAcrossTheirSeparators() {
        LogFormat f =
                LogFormat.fromOption(
                        "$remote_addr [$time_local] $status $upstream_addr $upstream_status"
                                + " $upstream_response_time");
        AccessEvent e =
                event(
                        f,
                        "203.0.113.7 [26/Nov/2026:10:00:01 +0000] 200 10.0.0.1:80, 10.0.0.2:80 :"
                                + " 10.0.0.3:80 502, 200 : 200 0.001, 0.002 : 0.003");
        assertThat(e.upstreamhost()).isEqualTo("10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80");
        assertThat(e.extra()).containsEntry("upstream_status", "502, 200 : 200");
        assertThat(e.upstreamtime()).isEqualTo("0.001, 0.002 : 0.003");
    }

    @Test
    void readsApacheLogFormatStrings() {
        LogFormat f =
                LogFormat.fromOption(
                        "%v:%p %h %l %u %t \\\"%r\\\" %>s %O \\\"%{Referer}i\\\""
                                + " \\\"%{User-Agent}i\\\" %D %{X-Request-Id}i");
        AccessEvent e =
                event(
                        f,
                        "www.example.com:443 203.0.113.7 - bob [26/Nov/2026:10:00:01 +0500]"
                                + " \"GET /x HTTP/1.1\" 200 5120 \"-\" \"Mozilla/5.0 \\\"x\\\"\""
                                + " 12500 r-1");
        assertThat(e.http_host()).isEqualTo("www.example.com");
        assertThat(e.timestamp()).isEqualTo(millis("2026-11-26T05:00:01Z"));
        assertThat(e.size()).isEqualTo(5120);
        assertThat(e.agent()).isEqualTo("Mozilla/5.0 \"x\"");
        assertThat(e.responsetime()).isEqualTo(0.0125);
        assertThat(e.request_id()).isEqualTo("r-1");
        assertThat(e.extra())
                .containsEntry("server_port", "443")
                .containsEntry("remote_user", "bob");
    }

    @Test
    void readsApachesTimestampWithMillisecondsFromItsDocumentation() {
        // mod_log_config's own example: "%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t", one time in
        // three parts, the first with a space in it.
        LogFormat f =
                LogFormat.fromOption(
                        "%h %l %u [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] \\\"%r\\\" %>s %b");
        AccessEvent e =
                event(
                        f,
                        "203.0.113.7 - - [26/Nov/2026 10:00:01.250 +0500] \"GET /x HTTP/1.1\""
                                + " 200 12");
        assertThat(e.timestamp()).isEqualTo(millis("2026-11-26T05:00:01.250Z"));
        assertThat(e.url()).isEqualTo("/x");
        assertThat(f.mappings())
                .contains(
                        Map.entry("%{%d/%b/%Y %T}t", "@timestamp"),
                        Map.entry("%{msec_frac}t", "@timestamp (milliseconds of the second)"));
    }

    @Test
    void readsAnApacheIsoTimeWhosePartsHaveNothingBetweenThem() {
        // A common ISO 8601 recipe: the fraction and the offset follow each other directly,
        // which only fixed widths make readable.
        LogFormat f = LogFormat.fromOption("%{%Y-%m-%dT%T}t.%{usec_frac}t%{%z}t %a %>s");
        AccessEvent e = event(f, "2026-11-26T10:00:01.250999-0130 203.0.113.7 404");
        assertThat(e.timestamp()).isEqualTo(millis("2026-11-26T11:30:01.250Z"));
        assertThat(e.status()).isEqualTo(404);
        assertThat(parse(f, "2026-11-26T10:00:01.25-0130 203.0.113.7 404").reason())
                .isEqualTo(RejectReason.UNRECOGNIZED_FORMAT);
    }

    @Test
    void readsApacheEpochTimesAndAFractionBesideThePlainTime() {
        String tail = " 203.0.113.7 200";
        assertThat(event(LogFormat.fromOption("%{sec}t %a %>s"), "1795687201" + tail).timestamp())
                .isEqualTo(millis("2026-11-26T10:00:01Z"));
        assertThat(
                        event(LogFormat.fromOption("%{end:msec}t %a %>s"), "1795687201250" + tail)
                                .timestamp())
                .isEqualTo(millis("2026-11-26T10:00:01.250Z"));
        assertThat(
                        event(
                                        LogFormat.fromOption("%{begin:usec}t %a %>s"),
                                        "1795687201250999" + tail)
                                .timestamp())
                .isEqualTo(millis("2026-11-26T10:00:01.250Z"));
        assertThat(
                        event(
                                        LogFormat.fromOption("%t %{msec_frac}t %a %>s"),
                                        "[26/Nov/2026:10:00:01 +0000] 250" + tail)
                                .timestamp())
                .isEqualTo(millis("2026-11-26T10:00:01.250Z"));
        assertThat(event(LogFormat.fromOption("%{%s}t %a %>s"), "1795687201" + tail).timestamp())
                .isEqualTo(millis("2026-11-26T10:00:01Z"));
    }

    @Test
    void anApacheTimeThatDoesNotFitIsAnInvalidTimestampNamingTheDirective() {
        LogFormat f = LogFormat.fromOption("%h [%{%d/%b/%Y:%T %z}t] %>s");
        ParseResult result = parse(f, "203.0.113.7 [26/Foo/2026:10:00:01 +0000] 200");
        assertThat(result.reason()).isEqualTo(RejectReason.INVALID_TIMESTAMP);
        assertThat(result.detail())
                .isEqualTo("unparseable %{%d/%b/%Y:%T %z}t '26/Foo/2026:10:00:01 +0000'");
        assertThat(parse(f, "203.0.113.7 [31/Feb/2026:10:00:01 +0000] 200").reason())
                .isEqualTo(RejectReason.INVALID_TIMESTAMP);
    }

    @Test
    void refusesApacheTimesThatNameNoInstant() {
        // Local time without its offset: every event would be hours off.
        assertThatThrownBy(() -> LogFormat.fromOption("%h [%{%d/%b/%Y %T}t] %>s"))
                .isInstanceOf(LogFormatException.class)
                .hasMessageContaining("%{%d/%b/%Y %T}t: the format's time has no UTC offset")
                .extracting(e -> ((LogFormatException) e).variable())
                .isEqualTo("%{%d/%b/%Y %T}t");
        assertThatThrownBy(() -> LogFormat.fromOption("%h [%{%c}t] %>s"))
                .isInstanceOf(LogFormatException.class)
                .hasMessageContaining("%c (the locale's own form; spell it out)");
        assertThatThrownBy(() -> LogFormat.fromOption("%h [%{%F %T %Z}t] %>s"))
                .isInstanceOf(LogFormatException.class)
                .hasMessageContaining("%Z (a zone name: ambiguous; use %z)");
    }

    @Test
    void aLineThatDoesNotFitNamesWhereItStoppedAndWhatWasExpected() {
        LogFormat f = LogFormat.fromOption("$remote_addr|[$time_local]|$status|$request_time");
        String line = "203.0.113.7|[26/Nov/2026:10:00:01 +0000]|200 0.5";
        ParseResult result = parse(f, line);
        assertThat(result.reason()).isEqualTo(RejectReason.UNRECOGNIZED_FORMAT);
        assertThat(result.detail())
                .isEqualTo(
                        "does not fit the log format at character "
                                + line.indexOf("200")
                                + ": expected $status followed by '|'");
        String word = "203.0.113.7|[26/Nov/2026:10:00:01 +0000]|OK|0.5";
        assertThat(parse(f, word).detail())
                .isEqualTo(
                        "does not fit the log format at character "
                                + word.indexOf("OK")
                                + ": expected $status (a number)");
        assertThat(parse(f, "203.0.113.7;x").detail())
                .isEqualTo(
                        "does not fit the log format at character 0: expected $remote_addr"
                                + " followed by '|['");
    }

    @Test
    void linesOfTheBuiltInShapesStillParseWhenACustomFormatIsSet() {
        LogFormat f = NginxConf.logFormat(NGINX_CONF, "upstream_time");
        String json =
                "{\"@timestamp\":\"2026-11-26T10:00:01+00:00\",\"clientip\":\"203.0.113.7\","
                        + "\"status\":\"404\"}";
        assertThat(event(f, json).status()).isEqualTo(404);
        assertThat(
                        event(
                                        f,
                                        "<190>Nov 26 10:00:01 web-1 nginx: 203.0.113.7 - -"
                                                + " [26/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\""
                                                + " 200 1")
                                .status())
                .isEqualTo(200);
    }

    @Test
    void readsAMultiLineDirectiveGivenAsTheOptionValue() {
        LogFormat f =
                LogFormat.fromOption(
                        "log_format j escape=json '{\"ip\":\"$remote_addr\",'\n"
                                + "  '\"t\":\"$msec\",\"s\":$status}';");
        assertThat(f.escape()).isEqualTo(LogFormat.Escape.JSON);
        AccessEvent e = event(f, "{\"ip\":\"203.0.113.7\",\"t\":\"1795687201.000\",\"s\":200}");
        assertThat(e.status()).isEqualTo(200);
        assertThat(f.mappings())
                .extracting(Map.Entry::getKey)
                .containsExactly("$remote_addr", "$msec", "$status");
    }

    @Test
    void rejectsFormatsThatCannotWorkNamingTheVariable() {
        assertThatThrownBy(() -> LogFormat.fromOption("$remote_addr $status"))
                .isInstanceOf(LogFormatException.class)
                .hasMessageContaining("no time");
        assertThatThrownBy(() -> LogFormat.fromOption("$remote_addr$status $time_local"))
                .isInstanceOf(LogFormatException.class)
                .hasMessageContaining("$remote_addr and $status")
                .extracting(e -> ((LogFormatException) e).variable())
                .isEqualTo("$status");
        assertThatThrownBy(() -> LogFormat.fromOption("%h %t %>s %{%Y}t"))
                .isInstanceOf(LogFormatException.class)
                .extracting(e -> ((LogFormatException) e).variable())
                .isEqualTo("%{%Y}t");
        assertThatThrownBy(() -> NginxConf.logFormat(NGINX_CONF, "mian"))
                .isInstanceOf(LogFormatException.class)
                .hasMessageContaining("main, upstream_time, json_combined");
        assertThatThrownBy(() -> LogFormat.fromOption("escape=yaml '$remote_addr'"))
                .isInstanceOf(LogFormatException.class)
                .hasMessageContaining("escape=yaml");
    }
}
