package io.nginxalerts.job.rules;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.core.rules.Step;
import io.nginxalerts.job.testing.TestRules;
import java.util.ArrayList;
import java.util.List;

/**
 * Sequence rules whose last step is absent, for tests. They are written as ordinary sequences in
 * YAML (so their conditions are compiled as users' are) and their last step is then turned into an
 * absent one, because the {@code absent:} key is parsed elsewhere.
 */
final class AbsentSequenceRules {
    private AbsentSequenceRules() {}

    /** {@code rule} with its last step absent (same conditions, id, within and suppress). */
    static Rule lastStepAbsent(Rule rule) {
        List<Step> steps = new ArrayList<>(rule.steps());
        Step last = steps.remove(steps.size() - 1);
        steps.add(new Step(last.condition(), 1, true));
        return new Rule(
                rule.id(),
                rule.description(),
                rule.severity(),
                rule.groupBy(),
                steps,
                rule.within(),
                rule.suppress(),
                rule.source(),
                new RuleKind.Sequence(),
                "");
    }

    /**
     * {@code failures} failed POST /login of one client, then no successful one within {@code
     * within}.
     */
    static Rule bruteForceWithoutSuccess(String id, int failures, String within) {
        return lastStepAbsent(
                TestRules.rule(
                        id,
                        """
                        description: failed logins and no successful one
                        severity: warning
                        group_by: [clientip]
                        sequence:
                          - match: { method: POST, url: { prefix: /login }, status: [401, 403] }
                            at_least: %d
                          - match: { method: POST, url: { prefix: /login }, status: [200, 302] }
                        within: %s
                        suppress: 0s
                        """
                                .formatted(failures, within)));
    }
}
