package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.RuleValidationTest.assertRefused;
import static io.nginxalerts.core.rules.TestEvent.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** First-seen rules ({@code first_seen: field} with {@code learn_for} and {@code max_values}). */
class FirstSeenRuleTest {
    static final String HEAD = "id: x\nseverity: info\nwithin: 7d\n";

    static final String NEW_ADMIN_CLIENT =
            """
            id: new-admin-client
            severity: warning
            group_by: [http_host]
            match: { status: 2xx, path: { prefix: /admin } }
            first_seen: clientip
            within: 7d
            learn_for: 1h
            max_values: 50000
            """;

    @Test
    void acceptsAFirstSeenRuleWithAWeekLongWithin() throws Exception {
        Rule rule = RuleLoader.parse("rules/new-admin-client.yaml", NEW_ADMIN_CLIENT);

        assertThat(rule.kind())
                .isEqualTo(new RuleKind.FirstSeen("clientip", Duration.ofHours(1), 50_000));
        assertThat(rule.within()).isEqualTo(Duration.ofDays(7));
        assertThat(rule.groupBy()).containsExactly("http_host");
        assertThat(rule.firesOnAbsence()).isFalse();
        assertThat(rule.steps().get(0).condition().test(request().url("/admin/x").build()))
                .isTrue();
    }

    @Test
    void learnForDefaultsToZeroAndMaxValuesToTenThousand() throws Exception {
        Rule rule = RuleLoader.parse("x.yaml", HEAD + "first_seen: agent_lower\n");

        assertThat(rule.kind())
                .isEqualTo(
                        new RuleKind.FirstSeen(
                                "agent_lower",
                                Duration.ZERO,
                                RuleKind.FirstSeen.DEFAULT_MAX_VALUES));
        assertThat(RuleKind.FirstSeen.DEFAULT_MAX_VALUES).isEqualTo(10_000);
        assertThat(rule.steps().get(0).condition().test(request().build())).isTrue();
    }

    @Test
    void refusesAFieldThatIsNotOneKnownName() {
        assertRefused(
                HEAD + "first_seen: ip\n",
                "x.yaml:4: unknown field 'ip'; allowed: " + RuleFieldNames.allowedNames());
        assertRefused(
                HEAD + "first_seen: [clientip]\n",
                "x.yaml:4: 'first_seen' must be one field name, found a list");
    }

    @Test
    void refusesABadLearnForOrMaxValues() {
        assertRefused(
                HEAD + "first_seen: clientip\nlearn_for: soon\n",
                "x.yaml:5: learn_for 'soon' is not a duration; write a whole number and one unit:"
                        + " 500ms, 30s, 10m, 2h or 1d");
        assertRefused(
                HEAD + "first_seen: clientip\nlearn_for: 31d\n",
                "x.yaml:5: learn_for must be at most 30d, found 31d");
        assertRefused(
                HEAD + "first_seen: clientip\nmax_values: 0\n",
                "x.yaml:5: max_values must be a whole number from 1 to 1000000, found '0'");
        assertRefused(
                HEAD + "first_seen: clientip\nmax_values: 1000001\n",
                "x.yaml:5: max_values must be a whole number from 1 to 1000000, found '1000001'");
    }

    @Test
    void onlyAFirstSeenRuleMayHaveAWithinBeyondOneDay() {
        assertRefused(
                "id: x\nseverity: info\nwithin: 31d\nfirst_seen: clientip\n",
                "x.yaml:3: within must be at most 30d, found 31d");
        assertRefused(
                "id: x\nseverity: info\nwithin: 7d\nmatch: { status: 404 }\n",
                "x.yaml:3: within must be at most 1d, found 7d");
    }

    @Test
    void refusesLearnForAndMaxValuesWithoutFirstSeen() {
        assertRefused(
                "id: x\nseverity: info\nwithin: 1m\nmatch: { status: 404 }\nlearn_for: 1h\n"
                        + "max_values: 5\n",
                "x.yaml:5: 'learn_for' goes with 'first_seen'",
                "x.yaml:6: 'max_values' goes with 'first_seen'");
    }
}
