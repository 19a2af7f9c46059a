package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one-line text of what decides when a rule fires, as {@code validate} and the UI show it. */
class RuleKindDescriptionTest {

    @Test
    void everyKindSaysWhatDecidesWhenItFires() throws Exception {
        assertThat(kind("match: { status: 4xx }\nthreshold: 20\nwithin: 60s"))
                .isEqualTo("≥ 20 events within 1m");
        assertThat(kind("match: { status: 404 }\ndistinct: path\nthreshold: 40\nwithin: 20m"))
                .isEqualTo("≥ 40 distinct path within 20m");
        assertThat(
                        kind(
                                "ratio: { of: { status: 5xx }, at_least: 5%, min_events: 200 }\n"
                                        + "within: 5m"))
                .isEqualTo("share of 'of' ≥ 5% (≥ 200 events) within 5m");
        assertThat(
                        kind(
                                "value: { field: upstreamtime, p95: { gt: 2s }, min_events: 50 }\n"
                                        + "within: 5m"))
                .isEqualTo("p95 upstreamtime gt 2 (≥ 50 values) within 5m");
        assertThat(kind("silent_for: 10m\nmin_events: 100\nwithin: 1h"))
                .isEqualTo("silent for 10m after ≥ 100 events within 1h");
        assertThat(kind("first_seen: clientip\nlearn_for: 1h\nwithin: 1d"))
                .isEqualTo("new clientip (learning 1h) within 1d");
        assertThat(
                        kind(
                                "sequence:\n"
                                        + "  - match: { status: 401 }\n"
                                        + "    at_least: 5\n"
                                        + "  - absent: { status: 200 }\n"
                                        + "within: 10m"))
                .isEqualTo("5× → none within 10m");
    }

    private static String kind(String body) throws RuleException {
        return RuleLoader.parse("<inline>", "id: k\nseverity: info\n" + body + "\n").describeKind();
    }
}
