package io.nginxalerts.testing.formats;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogFormat;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.testing.reference.RuleSetReference;
import io.nginxalerts.traffic.GeneratedLine;
import io.nginxalerts.traffic.LineEncoder;
import io.nginxalerts.traffic.LineFormat;
import io.nginxalerts.traffic.TrafficGenerator;
import io.nginxalerts.traffic.TrafficProfile;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Held-out style: the same generated traffic (with its attacks) written as the project's JSON and
 * in three custom nginx formats of other shapes gives the same events, and so the same alerts from
 * the shipped rules (scored by the literal references, without Flink). The custom lines are
 * rendered the way nginx writes them, with its escaping; nothing in the parser knows these formats.
 */
class CustomFormatsGiveTheSameAlertsTest {

    static final Path RULES = Path.of("..", "rules");
    static final Duration LENGTH = Duration.ofMinutes(10);

    /** combined plus timings and upstreams, in the style of many nginx.conf files. */
    static final String UPSTREAM =
            "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent"
                    + " \"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\""
                    + " rt=$request_time urt=\"$upstream_response_time\" ua=\"$upstream_addr\""
                    + " host=$host hn=$hostname id=$request_id ms=$msec";

    /** Pipe-separated, the request in parts. */
    static final String PIPES =
            "$msec|$remote_addr|$host|$request_method|$request_uri|$server_protocol|$status"
                    + "|$body_bytes_sent|$request_time|$upstream_addr|$upstream_response_time"
                    + "|$hostname|$request_id|\"$http_referer\"|\"$http_user_agent\""
                    + "|\"$http_x_forwarded_for\"";

    /** escape=json, with names of its own. */
    static final String JSON_OWN_NAMES =
            "escape=json '{\"ts\":\"$time_iso8601\",\"ms\":\"$msec\",\"ip\":\"$remote_addr\","
                    + "\"req\":\"$request\",\"st\":$status,\"b\":$body_bytes_sent,"
                    + "\"rt\":\"$request_time\",\"u\":\"$upstream_addr\","
                    + "\"ut\":\"$upstream_response_time\",\"vh\":\"$host\",\"hn\":\"$hostname\","
                    + "\"id\":\"$request_id\",\"ref\":\"$http_referer\","
                    + "\"ua\":\"$http_user_agent\",\"xff\":\"$http_x_forwarded_for\"}'";

    @Test
    void threeCustomFormatsAndJsonGiveIdenticalEventsAndAlerts() throws Exception {
        List<Rule> rules = RuleLoader.loadDirectory(RULES);
        ParserSettings settings =
                new ParserSettings(65536, Duration.ofDays(36500), Clock.systemUTC());
        List<AccessEvent> fromJson = new ArrayList<>();
        LogParser json = new LogParser(settings);
        for (byte[] line : jsonLines()) {
            ParseResult r = json.parse(line);
            assertThat(r.isEvent()).as(r.detail()).isTrue();
            fromJson.add(r.event());
        }
        Map<Rule, List<Alert>> expected = RuleSetReference.alerts(rules, fromJson);
        long alertCount = expected.values().stream().mapToLong(List::size).sum();
        assertThat(alertCount).as("alerts on the JSON traffic").isPositive();

        for (String format : List.of(UPSTREAM, PIPES, JSON_OWN_NAMES)) {
            LogFormat compiled = LogFormat.fromOption(format);
            LogParser custom = new LogParser(settings.withLogFormat(compiled));
            Function<String, String> escape =
                    compiled.escape() == LogFormat.Escape.JSON
                            ? CustomFormatsGiveTheSameAlertsTest::jsonEscape
                            : CustomFormatsGiveTheSameAlertsTest::nginxEscape;
            String body =
                    format.startsWith("escape=")
                            ? format.substring(13, format.length() - 1)
                            : format;
            List<AccessEvent> events = new ArrayList<>();
            for (AccessEvent e : fromJson) {
                String line = render(body, e, escape);
                ParseResult r = custom.parse(line.getBytes(StandardCharsets.UTF_8));
                assertThat(r.isEvent()).as("%s: %s", r.detail(), line).isTrue();
                events.add(r.event());
            }
            assertThat(events).as("events of %s", format).isEqualTo(fromJson);
            assertThat(RuleSetReference.alerts(rules, events))
                    .as("alerts of %s", format)
                    .isEqualTo(expected);
        }
        System.out.printf(
                "%d events, %d alerts, the same in JSON and three custom formats%n",
                fromJson.size(), alertCount);
    }

    private static List<byte[]> jsonLines() {
        TrafficProfile profile = TrafficProfile.demo();
        TrafficGenerator generator = new TrafficGenerator(profile);
        LineEncoder encoder = new LineEncoder(LineFormat.NGINX_JSON);
        long end = profile.start().toEpochMilli() + LENGTH.toMillis();
        List<byte[]> lines = new ArrayList<>();
        for (GeneratedLine line = generator.next();
                line.emitMillis() < end;
                line = generator.next()) {
            lines.add(encoder.encode(line));
        }
        return lines;
    }

    private static final DateTimeFormatter TIME_LOCAL =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss xx", Locale.ENGLISH)
                    .withZone(ZoneOffset.ofHours(1));

    /** The line nginx would write for {@code e} with {@code format}: each variable replaced. */
    private static String render(String format, AccessEvent e, Function<String, String> escape) {
        Instant t = Instant.ofEpochMilli(e.timestamp());
        String request =
                e.method() == null ? e.url() : e.method() + " " + e.url() + " " + e.protocol();
        String[][] values = {
            {
                "$time_iso8601",
                DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                        t.atOffset(ZoneOffset.UTC).withNano(0))
            },
            {"$time_local", TIME_LOCAL.format(t)},
            {
                "$msec",
                String.format(Locale.ROOT, "%d.%03d", e.timestamp() / 1000, e.timestamp() % 1000)
            },
            {"$remote_addr", e.clientip()},
            {"$remote_user", null},
            {"$request_method", e.method()},
            {"$request_uri", e.url()},
            {"$request_time", BigDecimal.valueOf(e.responsetime()).toPlainString()},
            {"$request_id", e.request_id()},
            {"$request", request},
            {"$server_protocol", e.protocol()},
            {"$status", Integer.toString(e.status())},
            {"$body_bytes_sent", Long.toString(e.size())},
            {"$upstream_response_time", e.upstreamtime()},
            {"$upstream_addr", e.upstreamhost()},
            {"$hostname", e.host()},
            {"$host", e.http_host()},
            {"$http_referer", e.refer()},
            {"$http_user_agent", e.agent()},
            {"$http_x_forwarded_for", e.xff()},
        };
        String line = format;
        for (String[] v : values) {
            // Longest names first in the table, so "$request" does not eat "$request_uri".
            line = line.replace(v[0], v[1] == null ? "-" : escape.apply(v[1]));
        }
        return line;
    }

    /** nginx's default escaping: {@code "}, {@code \} and bytes outside printable ASCII as \xHH. */
    static String nginxEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7F) {
                out.append(String.format("\\x%02X", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    /** escape=json. */
    static String jsonEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
