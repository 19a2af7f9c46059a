package io.nginxalerts.core.parse;

import static io.nginxalerts.core.parse.ParseFixtures.LOGSTASH7;
import static io.nginxalerts.core.parse.ParseFixtures.LOGSTASH8_ECS;
import static io.nginxalerts.core.parse.ParseFixtures.lines;
import static io.nginxalerts.core.parse.ParseFixtures.millis;
import static io.nginxalerts.core.parse.ParseFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.event.AccessEvent;
import org.junit.jupiter.api.Test;

/** The nginx JSON after Logstash: json codec, useragent and geoip filters, kafka json output. */
class LogstashParsingTest {

    private static final String MINIMAL_PREFIX =
            "{\"@timestamp\":\"2026-11-26T10:00:01.000Z\",\"clientip\":\"203.0.113.7\",\"status\":\"200\"";

    private static AccessEvent event(String json) {
        ParseResult result = parse(json);
        assertThat(result.reason()).as("reason (%s)", result.detail()).isNull();
        return result.event();
    }

    @Test
    void parsesEveryLineOfBothLogstashFixtures() {
        for (String file : new String[] {LOGSTASH7, LOGSTASH8_ECS}) {
            assertThat(lines(file)).hasSizeGreaterThanOrEqualTo(3);
            for (String line : lines(file)) {
                ParseResult result = parse(line);
                assertThat(result.isEvent()).as("%s: %s", file, result.detail()).isTrue();
            }
        }
    }

    @Test
    void readsLogstash7CoreFieldsWhateverTheKeyOrder() {
        AccessEvent e = event(lines(LOGSTASH7).get(0));
        assertThat(e.timestamp()).isEqualTo(millis("2026-11-26T10:00:01Z"));
        assertThat(e.clientip()).isEqualTo("203.0.113.7");
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.size()).isEqualTo(153);
        assertThat(e.url()).isEqualTo("/.env");
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.upstreamtime()).isNull();
    }

    @Test
    void flattensLegacyGeoipAndUserAgentIntoDottedExtras() {
        AccessEvent e = event(lines(LOGSTASH7).get(0));
        assertThat(e.extra())
                .containsEntry("@version", "1")
                .containsEntry("path", "/var/log/nginx/access.json.log")
                .containsEntry("geoip.country_code2", "US")
                .containsEntry("geoip.country_name", "United States")
                .containsEntry("geoip.city_name", "Los Angeles")
                .containsEntry("geoip.dma_code", "803")
                .containsEntry("geoip.location.lat", "34.0522")
                .containsEntry("geoip.location.lon", "-118.2437")
                .containsEntry("user_agent.name", "Chrome")
                .containsEntry("user_agent.os", "Windows")
                .containsEntry("user_agent.major", "119")
                .containsEntry("user_agent.build", "");
        assertThat(e.get("geoip.country_code2")).isEqualTo("US");
    }

    @Test
    void joinsArraysOfScalarsWithCommas() {
        AccessEvent ls7 = event(lines(LOGSTASH7).get(2));
        assertThat(ls7.extra()).containsEntry("tags", "_geoip_lookup_failure");
        AccessEvent ls8 = event(lines(LOGSTASH8_ECS).get(2));
        assertThat(ls8.extra())
                .containsEntry("tags", "_geoip_lookup_failure,_useragent_parse_failure");
    }

    @Test
    void takesHostFromTheEcsHostObject() {
        AccessEvent e = event(lines(LOGSTASH8_ECS).get(0));
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.extra()).containsEntry("host.name", "web-1");
        assertThat(e.get("host")).isEqualTo("web-1");
    }

    @Test
    void flattensEcsObjectsAndAddsTheLegacyGeoipNames() {
        AccessEvent e = event(lines(LOGSTASH8_ECS).get(1));
        assertThat(e.extra())
                .containsEntry("geoip.ip", "216.160.83.56")
                .containsEntry("geoip.geo.country_iso_code", "US")
                .containsEntry("geoip.geo.location.lat", "47.2513")
                .containsEntry("user_agent.name", "Mobile Safari")
                .containsEntry("user_agent.version", "17.1")
                .containsEntry("user_agent.os.name", "iOS")
                .containsEntry("user_agent.device.name", "iPhone")
                .containsEntry("log.file.path", "/var/log/nginx/access.json.log")
                // Aliases, so that rules written against Logstash 7 names keep working.
                .containsEntry("geoip.country_code2", "US")
                .containsEntry("geoip.country_name", "United States")
                .containsEntry("geoip.city_name", "Milton")
                .containsEntry("user_agent.os_name", "iOS")
                .containsEntry("user_agent.device", "iPhone");
        assertThat(e.extra().get("event.original")).startsWith("{\"@timestamp\"");
    }

    @Test
    void oneRuleFieldReadsTheCountryFromEitherLogstashVersion() {
        assertThat(event(lines(LOGSTASH7).get(1)).get("geoip.country_code2")).isEqualTo("GB");
        assertThat(event(lines(LOGSTASH8_ECS).get(0)).get("geoip.country_code2")).isEqualTo("GB");
    }

    @Test
    void doesNotOverwriteALegacyNameThatIsPresent() {
        AccessEvent e =
                event(
                        MINIMAL_PREFIX
                                + ",\"geoip\":{\"country_code2\":\"FR\",\"geo\":{\"country_iso_code\":\"DE\"}}}");
        assertThat(e.extra()).containsEntry("geoip.country_code2", "FR");
    }

    @Test
    void skipsObjectsNestedDeeperThanFourKeySegments() {
        AccessEvent e =
                event(
                        MINIMAL_PREFIX
                                + ",\"a\":{\"b\":{\"c\":{\"d\":\"kept\",\"e\":{\"f\":\"dropped\"}}},"
                                + "\"x\":1}}");
        assertThat(e.extra())
                .containsEntry("a.b.c.d", "kept")
                .containsEntry("a.x", "1")
                .doesNotContainKeys("a.b.c.e", "a.b.c.e.f");
    }

    @Test
    void capsExtraValuesAtOneThousandTwentyFourChars() {
        String longValue = "x".repeat(5000);
        AccessEvent e =
                event(
                        MINIMAL_PREFIX
                                + ",\"event\":{\"original\":\""
                                + longValue
                                + "\"},\"list\":[\""
                                + longValue
                                + "\",\"y\"]}");
        assertThat(e.extra().get("event.original")).hasSize(EventDraft.MAX_EXTRA_VALUE_CHARS);
        assertThat(e.extra().get("list")).hasSize(EventDraft.MAX_EXTRA_VALUE_CHARS);
    }

    @Test
    void boundsTheNumberOfExtrasButKeepsTheGeoipAlias() {
        StringBuilder json = new StringBuilder(MINIMAL_PREFIX);
        for (int i = 0; i < 200; i++) {
            json.append(",\"field").append(i).append("\":").append(i);
        }
        json.append(",\"geoip\":{\"geo\":{\"country_iso_code\":\"NL\"}}}");
        AccessEvent e = event(json.toString());
        assertThat(e.extra()).hasSizeLessThanOrEqualTo(EventDraft.MAX_EXTRA_ENTRIES);
        assertThat(e.extra()).containsEntry("field0", "0").doesNotContainKey("field199");
        assertThat(e.extra()).containsEntry("geoip.country_code2", "NL");
    }

    @Test
    void takesHostNameEvenWhenExtrasAreFull() {
        StringBuilder json = new StringBuilder(MINIMAL_PREFIX);
        for (int i = 0; i < 100; i++) {
            json.append(",\"field").append(i).append("\":").append(i);
        }
        json.append(",\"host\":{\"name\":\"web-9\"}}");
        assertThat(event(json.toString()).host()).isEqualTo("web-9");
    }
}
