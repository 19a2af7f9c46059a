package io.nginxalerts.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogstashJsonFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LogParser parser() {
        return new LogParser(new ParserSettings(65536, Duration.ofDays(3650), Clock.systemUTC()));
    }

    @Test
    void everyLineHasTheNginxFieldsAndTheLogstashEnrichments() throws Exception {
        TrafficProfile profile =
                TrafficProfile.demo().toBuilder().maxJitter(Duration.ofSeconds(5)).build();
        LineEncoder logstash = new LineEncoder(LineFormat.LOGSTASH_JSON);
        LineEncoder nginx = new LineEncoder(LineFormat.NGINX_JSON);
        for (GeneratedLine line : Traffic.run(profile, 20_000)) {
            byte[] bytes = logstash.encode(line);
            String raw = Traffic.utf8(bytes);
            JsonNode l = JSON.readTree(bytes);
            JsonNode n = JSON.readTree(nginx.encode(line));

            assertThat(raw).doesNotContain("\n");
            assertThat(l.get("@timestamp").asText())
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000Z");
            assertThat(l.get("@timestamp").asText().substring(0, 19))
                    .isEqualTo(n.get("@timestamp").asText().substring(0, 19));
            n.fieldNames()
                    .forEachRemaining(
                            f -> {
                                if (!f.equals("@timestamp")) {
                                    assertThat(l.get(f)).as(f + " in " + raw).isEqualTo(n.get(f));
                                }
                            });
            assertThat(l.get("@version").asText()).isEqualTo("1");
            assertThat(l.get("path").asText()).isEqualTo("/var/log/nginx/access.json.log");
            JsonNode ua = l.get("user_agent");
            assertThat(ua.get("original").asText()).isEqualTo(n.get("agent").asText());
            assertThat(ua.get("name").asText()).as(raw).isNotBlank();
            assertThat(ua.at("/os/name").asText()).as(raw).isNotBlank();
            assertThat(ua.at("/device/name").asText()).as(raw).isNotBlank();
            assertThat(l.at("/geoip/ip").asText()).isEqualTo(n.get("clientip").asText());
            assertThat(l.at("/geoip/geo/country_iso_code").asText()).matches("[A-Z]{2}");
            assertThat(l.at("/geoip/geo/location/lat").isNumber()).isTrue();
        }
    }

    @Test
    void parsesToTheSameEventAsTheNginxLinePlusTheEnrichedFields() {
        LogParser parser = parser();
        LineEncoder logstash = new LineEncoder(LineFormat.LOGSTASH_JSON);
        LineEncoder nginx = new LineEncoder(LineFormat.NGINX_JSON);
        for (GeneratedLine line : Traffic.run(TrafficProfile.bench(5_000), 20_000)) {
            ParseResult fromLogstash = parser.parse(logstash.encode(line));
            ParseResult fromNginx = parser.parse(nginx.encode(line));
            assertThat(fromLogstash.isEvent()).as(line.toString()).isTrue();
            AccessEvent l = fromLogstash.event();
            AccessEvent n = fromNginx.event();

            Map<String, String> enriched = new HashMap<>(l.extra());
            enriched.keySet().removeAll(n.extra().keySet());
            AccessEvent withoutEnrichment =
                    new AccessEvent(
                            l.timestamp(),
                            l.clientip(),
                            l.host(),
                            l.method(),
                            l.url(),
                            l.path(),
                            l.query(),
                            l.protocol(),
                            l.status(),
                            l.size(),
                            l.responsetime(),
                            l.upstreamtime(),
                            l.upstreamhost(),
                            l.http_host(),
                            l.xff(),
                            l.refer(),
                            l.agent(),
                            l.request_id(),
                            n.extra());
            assertThat(withoutEnrichment).isEqualTo(n);
            assertThat(l.get("user_agent.original")).isEqualTo(n.agent());
            assertThat(l.get("geoip.ip")).isEqualTo(n.clientip());
            // One rule works for both Logstash shapes (README "Input").
            assertThat(l.get("geoip.country_code2")).isEqualTo(l.get("geoip.geo.country_iso_code"));
            assertThat(enriched).containsKeys("@version", "path", "user_agent.name");
        }
    }

    @Test
    void namesBrowsersToolsAndBotsAsTheUseragentFilterWould() throws Exception {
        assertThat(ua("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"))
                .isEqualTo("Firefox 133.0 Linux Other");
        assertThat(
                        ua(
                                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML,"
                                        + " like Gecko) Chrome/131.0.0.0 Safari/537.36"))
                .isEqualTo("Chrome 131.0.0.0 Windows Other");
        assertThat(
                        ua(
                                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"
                                        + " AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5"
                                        + " Mobile/15E148 Safari/604.1"))
                .isEqualTo("Safari 17.5 iOS iPhone");
        assertThat(ua("curl/8.4.0")).isEqualTo("curl 8.4.0 Other Other");
        assertThat(ua("sqlmap/1.7.2#stable (https://sqlmap.org)"))
                .isEqualTo("sqlmap 1.7.2 Other Other");
        assertThat(ua("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"))
                .isEqualTo("Googlebot 2.1 Other Spider");
        assertThat(ua("-")).isEqualTo("Other - Other Other");
    }

    private static String ua(String agent) throws Exception {
        JsonNode n = JSON.readTree(LineEncoder.userAgentObject(Text.of(agent)));
        assertThat(n.get("original").asText()).isEqualTo(agent);
        return String.join(
                " ",
                n.get("name").asText(),
                n.has("version") ? n.get("version").asText() : "-",
                n.at("/os/name").asText(),
                n.at("/device/name").asText());
    }
}
