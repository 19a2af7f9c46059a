package io.nginxalerts.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link KeyRules} follows the group's rule list: re-slotted by namespace when it changed. */
class KeyRulesTest {

    @Test
    void aValueOfTheSameRuleListIsUsedAsItIs() {
        String[] rules = {"a#1", "b#1"};
        KeyRules value = new KeyRules(7, rules);

        assertThat(value.alignedWith(7, rules)).isSameAs(value);
    }

    @Test
    void underAnotherRuleListKeptRulesMoveToTheirSlotAndRemovedOrChangedOnesAreDropped() {
        KeyRules value = new KeyRules(7, new String[] {"a#1", "b#1", "c#1"});
        value.states[0] = "state of a";
        value.states[1] = "state of b";
        value.states[2] = "state of c";
        value.deadlineTimer = 1_000;
        value.openEpisodes = 2;

        // b removed, c changed (another fingerprint), d added in front.
        KeyRules aligned = value.alignedWith(8, new String[] {"d#1", "a#1", "c#2"});

        assertThat(aligned.states).containsExactly(null, "state of a", null);
        assertThat(aligned.deadlineTimer).isEqualTo(1_000);
        assertThat(aligned.openEpisodes).isEqualTo(2);
        assertThat(aligned.layout).isEqualTo(8);
    }

    @Test
    void isEmptyOnlyWithNoStateNoPendingTimerAndNoOpenEpisode() {
        KeyRules value = new KeyRules(7, new String[] {"a#1"});
        assertThat(value.isEmpty()).isTrue();

        value.openEpisodes = 1;
        assertThat(value.isEmpty()).isFalse();
        value.openEpisodes = 0;
        value.deadlineTimer = 5;
        assertThat(value.isEmpty()).isFalse();
        value.deadlineTimer = Long.MIN_VALUE;
        value.states[0] = new Object();
        assertThat(value.isEmpty()).isFalse();
    }
}
