package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.RuleValidationTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code resolve_after} and {@code update_every}: defaults, limits, and the rule fingerprint. */
class LifecycleKeysTest {
    private static final String BASE =
            """
            id: x
            severity: info
            match: { status: 4xx }
            threshold: 5
            within: 1m
            """;

    @Test
    void resolveAfterDefaultsToSuppressAtLeastWithinAndUpdatesToNone() throws Exception {
        Rule noSuppress = RuleLoader.parse("x.yaml", BASE);
        Rule longSuppress = RuleLoader.parse("x.yaml", BASE + "suppress: 10m\n");
        Rule zeroSuppress = RuleLoader.parse("x.yaml", BASE + "suppress: 0s\n");

        assertThat(noSuppress.resolveAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(longSuppress.resolveAfter()).isEqualTo(Duration.ofMinutes(10));
        assertThat(zeroSuppress.resolveAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(noSuppress.updateEvery()).isEqualTo(Duration.ZERO);
    }

    @Test
    void explicitValuesWinAndMayBeShorterThanWithin() throws Exception {
        Rule rule =
                RuleLoader.parse(
                        "x.yaml", BASE + "suppress: 10m\nresolve_after: 30s\nupdate_every: 5m\n");

        assertThat(rule.resolveAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(rule.updateEvery()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void refusesZeroTooLongAndNonDurationsWithFileAndLine() {
        assertRefused(
                BASE + "resolve_after: 0s\nupdate_every: 8d\n",
                "x.yaml:6: resolve_after must be more than 0",
                "x.yaml:7: update_every must be at most 7d, found 8d");
        assertRefused(
                BASE + "update_every: soon\n",
                "x.yaml:6: update_every 'soon' is not a duration; write a whole number and one"
                        + " unit: 500ms, 30s, 10m, 2h or 1d");
    }

    @Test
    void theRuleFingerprintIgnoresThemAsItIgnoresSuppress() throws Exception {
        // They decide which records a rule's matches become, not when it matches: a restored
        // detector state stays valid, and an open episode carries on under the new values.
        Rule plain = RuleLoader.parse("x.yaml", BASE);
        Rule lifecycle = RuleLoader.parse("x.yaml", BASE + "resolve_after: 5m\nupdate_every: 1m\n");

        assertThat(lifecycle.fingerprint()).isEqualTo(plain.fingerprint());
    }
}
