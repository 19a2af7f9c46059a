package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.RuleValidationTest.assertRefused;
import static io.nginxalerts.core.rules.TestEvent.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Silence rules ({@code silent_for} with the top-level {@code min_events}). */
class SilenceRuleTest {
    static final String HEAD = "id: x\nseverity: info\nwithin: 1h\n";

    static final String UPSTREAM_SILENT =
            """
            id: upstream-silent
            severity: critical
            group_by: [upstreamhost]
            silent_for: 10m
            min_events: 100
            within: 1h
            """;

    @Test
    void acceptsASilenceRuleThatFiresOnAbsence() throws Exception {
        Rule rule = RuleLoader.parse("rules/upstream-silent.yaml", UPSTREAM_SILENT);

        assertThat(rule.kind()).isEqualTo(new RuleKind.Silence(Duration.ofMinutes(10), 100));
        assertThat(rule.firesOnAbsence()).isTrue();
        assertThat(rule.alertDelay())
                .as("an alert is given at lastSeen + silent_for")
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(rule.steps().get(0).condition().test(request().build())).isTrue();
        assertThat(rule.suppress()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void minEventsDefaultsToOneAndAMatchNarrowsTheEvents() throws Exception {
        Rule rule = RuleLoader.parse("x.yaml", HEAD + "match: { status: 2xx }\nsilent_for: 90s\n");

        assertThat(rule.kind()).isEqualTo(new RuleKind.Silence(Duration.ofSeconds(90), 1));
        assertThat(rule.steps().get(0).condition().test(request().status(500).build())).isFalse();
    }

    @Test
    void refusesABadSilentFor() {
        assertRefused(HEAD + "silent_for: 0s\n", "x.yaml:4: silent_for must be more than 0");
        assertRefused(
                HEAD + "silent_for: 10 minutes\n",
                "x.yaml:4: silent_for '10 minutes' is not a duration; write a whole number and"
                        + " one unit: 500ms, 30s, 10m, 2h or 1d");
        assertRefused(
                HEAD + "silent_for: 8d\n", "x.yaml:4: silent_for must be at most 7d, found 8d");
        assertRefused(
                HEAD + "silent_for: { d: 1m }\n",
                "x.yaml:4: 'silent_for' must be a text value, found a mapping");
    }

    @Test
    void refusesABadOrMisplacedMinEvents() {
        assertRefused(
                HEAD + "silent_for: 10m\nmin_events: lots\n",
                "x.yaml:5: min_events must be a whole number from 1 to 10000, found 'lots'");
        assertRefused(
                HEAD + "match: { status: 500 }\nthreshold: 3\nmin_events: 3\n",
                "x.yaml:6: 'min_events' goes with 'silent_for'");
    }

    @Test
    void refusesABadMatch() {
        assertRefused(
                HEAD + "match: { status: 6xx }\nsilent_for: 10m\n",
                "x.yaml:4: status '6xx' must be a code like 404 or a class like 4xx");
    }
}
