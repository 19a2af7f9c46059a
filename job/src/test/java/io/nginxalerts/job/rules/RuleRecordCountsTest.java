package io.nginxalerts.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link RuleRecordCounts} counts what reached the sink: records less those held back at the end.
 */
class RuleRecordCountsTest {

    @Test
    void recordsWrittenAreTheRulesRecordsLessThoseUndecidedAtTheEnd() {
        Map<String, Object> counters =
                Map.of(
                        "rule.site-silent.alerts",
                        3L,
                        "rule.site-silent.updates",
                        2L,
                        "rule.site-silent.resolved",
                        4L,
                        EndOfInputGate.ruleUndecided("site-silent", false),
                        1L,
                        EndOfInputGate.ruleUndecided("site-silent", true),
                        2L,
                        "rule.other.alerts",
                        100L);

        assertThat(RuleRecordCounts.firing(counters, "site-silent")).isEqualTo(2);
        assertThat(RuleRecordCounts.resolved(counters, "site-silent")).isEqualTo(2);
        assertThat(RuleRecordCounts.written(counters, "site-silent")).isEqualTo(6);
    }

    @Test
    void aRuleWithoutCountersWroteNothing() {
        assertThat(RuleRecordCounts.written(Map.of(), "quiet")).isZero();
        assertThat(RuleRecordCounts.counter(Map.of("rule.quiet.matches", 7), "quiet", "matches"))
                .isEqualTo(7);
    }
}
