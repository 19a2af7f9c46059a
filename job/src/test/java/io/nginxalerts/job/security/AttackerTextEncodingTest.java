package io.nginxalerts.job.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.core.parse.RejectReason;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.sink.DeadLetterJson;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.TestAlerts;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Alerts and dead letters carry text an attacker chose (URL, user agent, referer, key values, raw
 * lines). Property-style: for thousands of seeded random strings full of control characters,
 * quotes, backslashes, lone surrogates, U+2028/U+2029, NUL and emoji, the JSON the job writes to
 * Redis and to the dead-letter topic is one line, valid UTF-8, strictly valid JSON, and gives the
 * text back.
 */
class AttackerTextEncodingTest {
    private static final long SEED = 20261126L;
    private static final int CASES = 3_000;

    /** Strict: no duplicate keys, no trailing tokens, no unescaped control characters. */
    private static final ObjectMapper STRICT =
            JsonMapper.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .disable(JsonParser.Feature.ALLOW_UNQUOTED_CONTROL_CHARS)
                    .build();

    private static final String[] NASTY = {
        "\n",
        "\r",
        "\r\n",
        "\u2028",
        "\u2029",
        "\u0085",
        "\u0000",
        "\u001b[31m",
        "\"",
        "\\",
        "\\u0022",
        "</script>",
        "\ud800",
        "\udfff",
        "\ud83d\ude00",
        "\ufeff",
        "\t",
        "\u007f",
        "{\"x\":1}",
        "', \"evil\": \"",
        "${jndi:ldap://x}",
        "<!channel>",
        "@here",
        "\b\f"
    };

    @Test
    void alertJsonIsAlwaysOneLineOfValidJsonThatGivesTheTextBack() throws Exception {
        Rule rule = TestRules.clientErrorsBurst();
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < CASES; i++) {
            String url = hostile(random);
            String agent = hostile(random);
            String refer = hostile(random);
            String clientip = hostile(random);
            List<AccessEvent> events = new ArrayList<>();
            for (int e = 0; e < 3; e++) {
                events.add(
                        TestAlerts.request(
                                1_795_000_000_000L + e,
                                clientip,
                                "GET",
                                url,
                                404,
                                refer,
                                agent,
                                Map.of("geoip.city", agent)));
            }
            Alert alert = Alerts.fromMatch(rule, events, 1_795_000_001_000L);

            String json = AlertCodec.encode(alert);
            byte[] wire = json.getBytes(StandardCharsets.UTF_8); // what Jedis sends to Redis

            JsonNode tree = assertValidOneLineJson(wire, i);
            JsonNode evidence = tree.get("evidence").get(0);
            assertThat(evidence.get("url").asText()).as("case %d", i).isEqualTo(onWire(url));
            assertThat(evidence.get("agent").asText()).isEqualTo(onWire(agent));
            assertThat(evidence.get("refer").asText()).isEqualTo(onWire(refer));
            assertThat(tree.get("key").get("clientip").asText()).isEqualTo(onWire(clientip));
            // The worker reads the same text back as the alert.
            Alert decoded = AlertCodec.decode(new String(wire, StandardCharsets.UTF_8));
            assertThat(decoded.id()).isEqualTo(alert.id());
            assertThat(decoded.evidence().get(0).agent()).isEqualTo(onWire(agent));
        }
    }

    @Test
    void deadLetterJsonIsAlwaysOneLineOfValidJson() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int i = 0; i < CASES; i++) {
            byte[] raw = new byte[random.nextInt(3000)];
            for (int b = 0; b < raw.length; b++) {
                raw[b] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                raw =
                        (hostile(random) + new String(raw, StandardCharsets.ISO_8859_1))
                                .getBytes(StandardCharsets.UTF_8);
            }
            DeadLetter dead =
                    DeadLetter.of(RejectReason.INVALID_JSON, hostile(random), raw, "nginx", 0, i);
            byte[] wire = DeadLetterJson.encode(dead).getBytes(StandardCharsets.UTF_8);

            JsonNode tree = assertValidOneLineJson(wire, i);
            assertThat(tree.get("reason").asText()).isEqualTo("invalid_json");
            assertThat(tree.get("raw").asText()).isEqualTo(onWire(dead.raw()));
        }
    }

    private static JsonNode assertValidOneLineJson(byte[] wire, int i) throws Exception {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(wire));
        } catch (CharacterCodingException e) {
            throw new AssertionError("case " + i + ": not valid UTF-8", e);
        }
        String text = new String(wire, StandardCharsets.UTF_8);
        for (int c = 0; c < text.length(); c++) {
            char ch = text.charAt(c);
            // U+2028/U+2029 are legal in JSON strings and not line breaks for JSON-lines
            // readers, so they may stay raw; C0 controls (\n, \r, NUL, ESC ...) may not.
            assertThat(ch < 0x20).as("case %d: raw control U+%04X at %d", i, (int) ch, c).isFalse();
        }
        return STRICT.readTree(wire);
    }

    /** What a string becomes on the wire: UTF-8 turns a lone surrogate into '?'. */
    private static String onWire(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static String hostile(SplittableRandom random) {
        StringBuilder s = new StringBuilder();
        int parts = 1 + random.nextInt(8);
        for (int p = 0; p < parts; p++) {
            switch (random.nextInt(4)) {
                case 0 -> s.append(NASTY[random.nextInt(NASTY.length)]);
                case 1 -> s.append((char) random.nextInt(0x20));
                case 2 -> s.append((char) random.nextInt(0x10000));
                default -> s.append("/login?u=admin");
            }
        }
        return s.toString();
    }
}
