package io.nginxalerts.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class NginxJsonFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The fields nginx writes as JSON strings; the others are numbers, checked one by one. */
    private static final List<String> TEXT_FIELDS =
            LineFormat.NGINX_JSON_FIELDS.stream()
                    .filter(f -> !List.of("@timestamp", "msec", "size", "responsetime").contains(f))
                    .toList();

    private static JsonNode parse(byte[] line) throws Exception {
        return JSON.readTree(line);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void everyLineIsOneObjectWithTheLogFormatFieldsInOrderAndTheirTypes() throws Exception {
        TrafficProfile profile =
                TrafficProfile.demo().toBuilder().maxJitter(Duration.ofSeconds(5)).build();
        LineEncoder encoder = new LineEncoder(LineFormat.NGINX_JSON);
        for (GeneratedLine line : Traffic.run(profile, 20_000)) {
            byte[] bytes = encoder.encode(line);
            String raw = Traffic.utf8(bytes);
            JsonNode n = parse(bytes);

            assertThat(fieldNames(n)).as(raw).isEqualTo(LineFormat.NGINX_JSON_FIELDS);
            assertThat(raw).doesNotContain("\n");
            assertThat(n.get("@timestamp").asText())
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00");
            assertThat(n.get("size").isIntegralNumber()).as(raw).isTrue();
            assertThat(n.get("responsetime").isNumber()).as(raw).isTrue();
            assertThat(raw).containsPattern("\"responsetime\":\\d+\\.\\d{3},");
            assertThat(n.get("msec").asText()).matches("\\d{10}\\.\\d{3}");
            for (String text : TEXT_FIELDS) {
                assertThat(n.get(text).isTextual()).as("%s in %s", text, raw).isTrue();
            }
            assertThat(n.get("upstreamtime").asText()).matches("-|\\d+\\.\\d{3}");
            assertThat(n.get("upstreamhost").asText()).matches("-|10\\.0\\.\\d+\\.\\d+:8080");
            assertThat(n.get("upstreamtime").asText().equals("-"))
                    .as("upstreamtime and upstreamhost are both '-' or both set: %s", raw)
                    .isEqualTo(n.get("upstreamhost").asText().equals("-"));
            assertThat(n.get("xff").asText()).isEqualTo("-");
            assertThat(n.get("status").asText()).matches("[1-5]\\d\\d");
            assertThat(n.get("request_id").asText()).matches("[0-9a-f]{32}");
            assertThat(n.get("clientip").asText()).matches("\\d{1,3}(\\.\\d{1,3}){3}");
        }
    }

    @Test
    void valuesMatchTheAccessorsOfTheLine() throws Exception {
        for (GeneratedLine line : Traffic.run(TrafficProfile.bench(1_000), 5_000)) {
            JsonNode n = parse(line.json());
            // $time_iso8601 has whole seconds; $msec has the milliseconds.
            assertThat(Instant.parse(n.get("@timestamp").asText().replace("+00:00", "Z")))
                    .isEqualTo(
                            Instant.ofEpochMilli(
                                    Math.floorDiv(line.timestampMillis(), 1000) * 1000));
            assertThat(n.get("msec").asText())
                    .isEqualTo(
                            String.format(
                                    java.util.Locale.ROOT,
                                    "%d.%03d",
                                    line.timestampMillis() / 1000,
                                    line.timestampMillis() % 1000));
            assertThat(n.get("clientip").asText()).isEqualTo(line.clientip());
            assertThat(n.get("host").asText()).isEqualTo(line.host());
            assertThat(n.get("size").asLong()).isEqualTo(line.size());
            assertThat(Math.round(n.get("responsetime").asDouble() * 1000))
                    .isEqualTo(line.responseTimeMillis());
            assertThat(n.get("upstreamtime").asText()).isEqualTo(line.upstreamTime());
            assertThat(n.get("upstreamhost").asText()).isEqualTo(line.upstreamHost());
            assertThat(n.get("http_host").asText()).isEqualTo(line.httpHost());
            assertThat(n.get("url").asText()).isEqualTo(line.url());
            assertThat(n.get("refer").asText()).isEqualTo(line.referer());
            assertThat(n.get("agent").asText()).isEqualTo(line.userAgent());
            assertThat(n.get("status").asText()).isEqualTo(Integer.toString(line.status()));
            assertThat(n.get("method").asText()).isEqualTo(line.method());
            assertThat(n.get("protocol").asText()).isEqualTo(line.protocol());
            assertThat(n.get("request_id").asText()).isEqualTo(line.requestId());
        }
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscapedAsNginxEscapeJsonDoes() throws Exception {
        // Control characters without a short escape get the six-character form (backslash, u,
        // 0001).
        String agent = "Mozilla/5.0 (compatible; \"Quoted\"/1.0) C:\\tools\ttab" + (char) 1;
        GeneratedLine line = Lines.withAgentAndUrl(agent, "/a\\b?q=\"x\"");

        String raw = Traffic.utf8(line.json());

        // Spelled out with a named backslash: the escaped escapes are unreadable otherwise.
        String bs = "\\";
        assertThat(raw)
                .contains(
                        "\"agent\":\"Mozilla/5.0 (compatible; "
                                + bs
                                + "\"Quoted"
                                + bs
                                + "\"/1.0) C:"
                                + bs
                                + bs
                                + "tools"
                                + bs
                                + "ttab"
                                + bs
                                + "u0001\"")
                .contains("\"url\":\"/a" + bs + bs + "b?q=" + bs + "\"x" + bs + "\"\"");
        assertThat(parse(line.json()).get("agent").asText()).isEqualTo(agent);
    }

    @Test
    void generatedTrafficContainsAUserAgentWithQuotes() throws Exception {
        boolean found = false;
        for (GeneratedLine line : Traffic.run(TrafficProfile.demo(), 20_000)) {
            if (line.userAgent().contains("\"")) {
                assertThat(parse(line.json()).get("agent").asText()).isEqualTo(line.userAgent());
                found = true;
            }
        }
        assertThat(found).isTrue();
    }

    @Test
    void responseTimesHaveThreeDecimalsAndLongTimeoutsStayExact() {
        GeneratedLine slow = Lines.withTimes(60_002, 60_001);
        assertThat(Traffic.utf8(slow.json()))
                .contains("\"responsetime\":60.002,\"upstreamtime\":\"60.001\"");
        GeneratedLine fast = Lines.withTimes(4, 3);
        assertThat(Traffic.utf8(fast.json()))
                .contains("\"responsetime\":0.004,\"upstreamtime\":\"0.003\"");
    }
}
