package io.nginxalerts.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every {@link AccessEvent.Field} reaches every place that fills or reads the record by hand: the
 * JSON parser and the alert decoder. A field added to the enum but forgotten in one of them fails
 * here, whatever its name.
 */
class EveryFieldTest {

    private static final String TIME = "2026-11-26T10:00:01Z";

    private static final LogParser PARSER =
            new LogParser(
                    new ParserSettings(
                            ParserSettings.DEFAULT_MAX_LINE_BYTES,
                            Duration.ofMinutes(5),
                            Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC)));

    /** A JSON value for each field read from JSON; text fields get one naming the field. */
    private static String jsonValue(AccessEvent.Field field) {
        return switch (field) {
            case TIMESTAMP -> "\"" + TIME + "\"";
            case CLIENTIP -> "\"203.0.113.7\"";
            case URL -> "\"/a/b?c=d\"";
            case STATUS -> "404";
            case SIZE -> "1234";
            case RESPONSETIME -> "0.25";
            default -> "\"value-of-" + field.jsonName() + "\"";
        };
    }

    /** What {@link AccessEvent#get} reports for each field of the record parsed from them. */
    private static Map<AccessEvent.Field, String> expectedTexts() {
        Map<AccessEvent.Field, String> expected = new EnumMap<>(AccessEvent.Field.class);
        for (AccessEvent.Field field : AccessEvent.Field.values()) {
            String value =
                    switch (field) {
                        case TIMESTAMP -> TIME;
                        case PATH -> "/a/b";
                        case QUERY -> "c=d";
                        default -> {
                            String json = jsonValue(field);
                            yield json.startsWith("\"")
                                    ? json.substring(1, json.length() - 1)
                                    : json;
                        }
                    };
            expected.put(field, value);
        }
        return expected;
    }

    /** A record with every field read from JSON set, plus one nested Logstash field. */
    private static String everyFieldJson() {
        StringBuilder json = new StringBuilder("{");
        for (AccessEvent.Field field : AccessEvent.Field.values()) {
            if (field.kind() != AccessEvent.Field.Kind.FROM_URL) {
                json.append('"').append(field.jsonName()).append("\":");
                json.append(jsonValue(field)).append(',');
            }
        }
        return json.append("\"geoip\":{\"country_code2\":\"NL\"}}").toString();
    }

    private static AccessEvent parse(String json) {
        ParseResult result = PARSER.parse(json.getBytes(StandardCharsets.UTF_8));
        assertThat(result.reason()).as("rejected: %s", result.detail()).isNull();
        return result.event();
    }

    /** A request from 2001:db8::1 at the epoch with nothing else but {@code extra}. */
    private static AccessEvent sparse(Map<String, String> extra) {
        return new AccessEvent(
                0,
                "2001:db8::1",
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                0,
                0.0,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                extra);
    }

    private static AccessEvent throughAlert(AccessEvent event) {
        Alert alert =
                new Alert(
                        "id-1",
                        "rule-1",
                        "warning",
                        Map.of("clientip", event.clientip()),
                        1,
                        event.timestamp(),
                        event.timestamp(),
                        event.timestamp(),
                        "summary",
                        "",
                        List.of(event),
                        Alert.SCHEMA_VERSION);
        List<AccessEvent> evidence = AlertCodec.decode(AlertCodec.encode(alert)).evidence();
        assertThat(evidence).hasSize(1);
        return evidence.get(0);
    }

    @Test
    void theJsonParserFillsEveryFieldFromItsName() {
        AccessEvent event = parse(everyFieldJson());

        expectedTexts()
                .forEach(
                        (field, text) ->
                                assertThat(event.get(field.jsonName()))
                                        .as(field.jsonName())
                                        .isEqualTo(text));
        // A field the parser does not know would have landed in extra instead.
        assertThat(event.extra()).containsOnlyKeys("geoip.country_code2");
    }

    @Test
    void everyFieldSurvivesTheAlertEvidenceUnchanged() {
        AccessEvent event = parse(everyFieldJson());

        AccessEvent decoded = throughAlert(event);

        assertThat(decoded).isEqualTo(event);
        for (AccessEvent.Field field : AccessEvent.Field.values()) {
            assertThat(decoded.get(field.jsonName()))
                    .as(field.jsonName())
                    .isEqualTo(expectedTexts().get(field));
        }
    }

    @Test
    void absentFieldsStayAbsentThroughTheAlertEvidence() {
        // Logstash's object host (only host.name in extra), no status, no texts: what the
        // decoder must not fill in from the text that get() reports.
        AccessEvent sparse = sparse(Map.of("host.name", "web-9"));

        AccessEvent decoded = throughAlert(sparse);

        assertThat(decoded).isEqualTo(sparse);
        assertThat(decoded.host()).isNull();
        assertThat(decoded.get("host")).isEqualTo("web-9");
        assertThat(decoded.get("status")).isNull();
    }

    @Test
    void evidenceIsWrittenInTheContractsFieldOrder() {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("geoip.country_code2", "NL");
        extra.put("host.name", "web-9");
        AccessEvent full =
                new AccessEvent(
                        Instant.parse("2026-11-26T10:00:01.123Z").toEpochMilli(),
                        "203.0.113.7",
                        "web-1",
                        "GET",
                        "/a/b?c=d",
                        "/a/b",
                        "c=d",
                        "HTTP/1.1",
                        404,
                        1234,
                        0.25,
                        "0.004, 0.010",
                        "10.0.0.5:8080",
                        "example.org",
                        "198.51.100.1",
                        "https://example.org/",
                        "curl/8.0 \"quoted\"\n",
                        "abc123",
                        extra);
        AccessEvent sparse = sparse(Map.of());

        // Pinned before the writer was derived from AccessEvent.Field: the contract's bytes.
        assertThat(AlertCodec.encodeEvent(full))
                .isEqualTo(
                        "{\"@timestamp\":\"2026-11-26T10:00:01.123Z\",\"clientip\":\"203.0.113.7\","
                                + "\"host\":\"web-1\",\"method\":\"GET\",\"url\":\"/a/b?c=d\","
                                + "\"protocol\":\"HTTP/1.1\",\"status\":404,\"size\":1234,"
                                + "\"responsetime\":0.25,\"upstreamtime\":\"0.004, 0.010\","
                                + "\"upstreamhost\":\"10.0.0.5:8080\",\"http_host\":\"example.org\","
                                + "\"xff\":\"198.51.100.1\",\"refer\":\"https://example.org/\","
                                + "\"agent\":\"curl/8.0 \\\"quoted\\\"\\n\",\"request_id\":\"abc123\","
                                + "\"geoip.country_code2\":\"NL\",\"host.name\":\"web-9\"}");
        assertThat(AlertCodec.encodeEvent(sparse))
                .isEqualTo(
                        "{\"@timestamp\":\"1970-01-01T00:00:00Z\",\"clientip\":\"2001:db8::1\","
                                + "\"size\":0,\"responsetime\":0.0}");
    }
}
