package io.nginxalerts.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.core.event.AccessEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The facts that explain the alerts of ratio, value, silence and first-seen rules through the JSON
 * contract: written as documented, each absent when null, read back to the same alert.
 */
class AlertCodecFactsTest {
    static final long T0 = 1_795_000_000_000L;

    static final AccessEvent EVENT =
            new AccessEvent(
                    T0,
                    "203.0.113.7",
                    null,
                    "GET",
                    "/api/x?y=1",
                    "/api/x",
                    "y=1",
                    "HTTP/1.1",
                    503,
                    12,
                    2.5,
                    "2.4, 0.1",
                    "10.0.0.1:80",
                    "example.org",
                    null,
                    null,
                    "curl/8",
                    null,
                    Map.of());

    private static Alert alert(
            Alert.Ratio ratio, Map<String, Double> aggregate, Long silentSince, String value) {
        return new Alert(
                "0123456789abcdef0123456789abcdef",
                "r",
                "warning",
                Map.of("http_host", "example.org"),
                200,
                T0,
                T0 + 60_000,
                T0 + 61_234,
                "r: something",
                "d",
                List.of(EVENT),
                Alert.SCHEMA_VERSION,
                null,
                ratio,
                aggregate,
                silentSince,
                value);
    }

    @Test
    void writesAndReadsARatio() {
        Alert alert = alert(new Alert.Ratio(12, 200), null, null, null);
        String json = AlertCodec.encode(alert);

        assertThat(json)
                .contains(
                        "\"count\":200,\"ratio\":{\"numerator\":12,\"denominator\":200,\"value\":0.06},")
                .doesNotContain("aggregate", "silent_since", "\"value\":\"");
        assertThat(AlertCodec.decode(json)).isEqualTo(alert);
    }

    @Test
    void writesAndReadsAnAggregate() {
        Map<String, Double> p95 = new LinkedHashMap<>();
        p95.put("p95", 3.1);
        Alert alert = alert(null, p95, null, null);
        String json = AlertCodec.encode(alert);

        assertThat(json)
                .contains("\"count\":200,\"aggregate\":{\"p95\":3.1},")
                .doesNotContain("ratio");
        assertThat(AlertCodec.decode(json)).isEqualTo(alert);
        assertThat(AlertCodec.decode(json).aggregate()).containsExactly(Map.entry("p95", 3.1));
    }

    @Test
    void writesSilentSinceAsAnIsoTimeLikeFirstSeen() {
        Alert alert = alert(null, null, T0 + 60_000, null);
        String json = AlertCodec.encode(alert);

        assertThat(json)
                .contains(
                        "\"last_seen\":\""
                                + AlertCodec.iso(T0 + 60_000)
                                + "\",\"silent_since\":\""
                                + AlertCodec.iso(T0 + 60_000)
                                + "\",\"detected_at\"");
        assertThat(AlertCodec.decode(json)).isEqualTo(alert);
    }

    @Test
    void writesAndReadsAFirstSeenValueEscaped() {
        Alert alert = alert(null, null, null, "198.51.100.9\"\n<script>");
        String json = AlertCodec.encode(alert);

        assertThat(json).contains("\"value\":\"198.51.100.9\\\"\\n<script>\",\"first_seen\"");
        assertThat(json).doesNotContain("\n");
        assertThat(AlertCodec.decode(json)).isEqualTo(alert);
    }

    @Test
    void leavesEveryFactOutWhenNullAndKeepsTheSchema() {
        Alert alert = alert(null, null, null, null);
        String json = AlertCodec.encode(alert);

        assertThat(json)
                .startsWith("{\"schema\":2,")
                .doesNotContain("ratio", "aggregate", "silent_since", "\"value\"");
        Alert back = AlertCodec.decode(json);
        assertThat(back).isEqualTo(alert);
        assertThat(back.ratio()).isNull();
        assertThat(back.aggregate()).isNull();
        assertThat(back.silentSince()).isNull();
        assertThat(back.value()).isNull();
    }

    @Test
    void writesANonFiniteAggregateAsNullNotAsInvalidJson() {
        Alert alert = alert(null, Map.of("avg", Double.NaN), null, null);
        String json = AlertCodec.encode(alert);

        assertThat(json).contains("\"aggregate\":{\"avg\":null}");
        assertThat(AlertCodec.decode(json).aggregate().get("avg")).isNaN();
    }

    @Test
    void refusesMalformedFactsNamingTheField() {
        String json = AlertCodec.encode(alert(new Alert.Ratio(1, 2), null, null, null));

        assertThatThrownBy(
                        () ->
                                AlertCodec.decode(
                                        json.replace("\"numerator\":1", "\"numerator\":\"1\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("missing integer field ratio.numerator");
        assertThatThrownBy(
                        () -> AlertCodec.decode(json.replace("\"numerator\":1", "\"numerator\":3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a share");
        String silent = AlertCodec.encode(alert(null, null, T0, null));
        assertThatThrownBy(
                        () ->
                                AlertCodec.decode(
                                        silent.replace(
                                                "\"silent_since\":\"" + AlertCodec.iso(T0),
                                                "\"silent_since\":\"yesterday")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field silent_since is not an ISO-8601 time");
        String aggregate = AlertCodec.encode(alert(null, Map.of("p95", 1.0), null, null));
        assertThatThrownBy(() -> AlertCodec.decode(aggregate.replace("1.0", "\"fast\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field aggregate.p95 is not a number");
    }
}
