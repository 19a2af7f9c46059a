package io.nginxalerts.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule sets of the rule-count table: the shipped rules, then copies under new ids. */
class RuleSetsTest {
    private static final List<Rule> SHIPPED = List.of(threshold("burst"), sequence("guess"));

    @Test
    void setStartsWithTheShippedRulesThenCopiesThemRoundByRound() {
        List<Rule> set = RuleSets.copies(SHIPPED, 5);

        assertThat(set)
                .extracting(Rule::id)
                .containsExactly("burst", "guess", "burst-copy-1", "guess-copy-1", "burst-copy-2");
    }

    @Test
    void copyKeepsEverythingButTheId() {
        Rule original = SHIPPED.get(1);

        Rule copy = RuleSets.copies(SHIPPED, 4).get(3);

        assertThat(copy.id()).isEqualTo("guess-copy-1");
        assertThat(copy.kind()).isEqualTo(original.kind());
        assertThat(copy.fingerprint()).isEqualTo(original.fingerprint());
        assertThat(copy.steps()).isEqualTo(original.steps());
        assertThat(copy).usingRecursiveComparison().ignoringFields("id").isEqualTo(original);
    }

    @Test
    void setOfTheShippedSizeIsTheShippedRules() {
        assertThat(RuleSets.copies(SHIPPED, 2)).containsExactlyElementsOf(SHIPPED);
    }

    @Test
    void fewerRulesThanShippedOrNothingToCopyIsRefused() {
        assertThatThrownBy(() -> RuleSets.copies(SHIPPED, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fewer than the 2 shipped");
        assertThatThrownBy(() -> RuleSets.copies(List.of(), 8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void copyWhoseIdAShippedRuleHasIsRefused() {
        List<Rule> shipped = List.of(threshold("a"), threshold("a-copy-1"));

        assertThatThrownBy(() -> RuleSets.copies(shipped, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a-copy-1");
    }

    private static Rule threshold(String id) {
        return parse(
                id,
                "id: "
                        + id
                        + "\nseverity: warning\ngroup_by: [clientip]\nmatch:\n  status: 4xx\n"
                        + "threshold: 20\nwithin: 60s\nsuppress: 10m\n");
    }

    private static Rule sequence(String id) {
        return parse(
                id,
                "id: "
                        + id
                        + "\nseverity: critical\ngroup_by: [clientip]\nsequence:\n"
                        + "  - match: { method: POST, status: [401, 403] }\n    at_least: 5\n"
                        + "  - match: { method: POST, status: [200, 302] }\nwithin: 10m\n");
    }

    private static Rule parse(String id, String yaml) {
        try {
            return RuleLoader.parse("rules/" + id + ".yaml", yaml);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
