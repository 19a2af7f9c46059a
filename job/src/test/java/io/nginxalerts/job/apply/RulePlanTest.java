package io.nginxalerts.job.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.job.apply.RulePlan.Kind;
import io.nginxalerts.job.rules.ThresholdOperator;
import java.util.List;
import org.junit.jupiter.api.Test;

class RulePlanTest {
    private static final String ERRORS =
            """
            id: client-errors
            description: Many 4xx
            severity: warning
            group_by: [clientip]
            match: { status: 4xx }
            threshold: 20
            within: 10m
            """;

    private static final String BRUTE =
            """
            id: brute
            description: Failed logins, then a success
            severity: critical
            group_by: [clientip]
            sequence:
              - match: { method: POST, url: { prefix: /login }, status: [401, 403] }
                at_least: 3
              - match: { method: POST, url: { prefix: /login }, status: [200, 302] }
            within: 5m
            """;

    private static final String HOSTS =
            """
            id: host-errors
            description: One site gets many 4xx
            severity: warning
            group_by: [http_host]
            match: { status: 4xx }
            threshold: 1000
            within: 10m
            """;

    @Test
    void aRedescribedRuleIsUnchangedAndKeepsItsStateWithoutAnyFlag() throws Exception {
        RulePlan plan =
                plan(
                        List.of(ERRORS, BRUTE),
                        List.of(
                                ERRORS.replace("Many 4xx", "Very many 4xx")
                                        .replace("warning", "critical"),
                                BRUTE.replace("then a success", "then one that works")
                                        .replace("within: 5m", "within: 5m\nsuppress: 1h")));

        assertThat(plan.changes(Kind.UNCHANGED))
                .extracting(RulePlan.Change::id, RulePlan.Change::notes)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "client-errors",
                                List.of("description changed", "severity warning -> critical")),
                        org.assertj.core.groups.Tuple.tuple(
                                "brute",
                                // resolve_after follows suppress when the rule does not set it.
                                List.of(
                                        "description changed",
                                        "suppress PT5M -> PT1H",
                                        "resolve_after PT5M -> PT1H")));
        assertThat(plan.uidsAdded()).isEmpty();
        assertThat(plan.uidsRemoved()).isEmpty();
        assertThat(plan.allowNonRestoredState()).isFalse();
        assertThat(plan.isEmpty()).isFalse();
        assertThat(plan.render()).contains("keeps its partial matches and open episodes");
    }

    @Test
    void aChangedSequencePatternGetsNewCepUidsAndNeedsTheFlagForTheOldOnes() throws Exception {
        Rule before = rule(BRUTE);
        Rule after = rule(BRUTE.replace("at_least: 3", "at_least: 5"));
        RulePlan plan = plan(List.of(ERRORS, BRUTE), List.of(ERRORS, after));

        assertThat(plan.changes(Kind.CHANGED))
                .extracting(RulePlan.Change::id)
                .containsExactly("brute");
        String oldFp = before.fingerprint().substring(0, 8);
        String newFp = after.fingerprint().substring(0, 8);
        assertThat(oldFp).isNotEqualTo(newFp);
        assertThat(plan.uidsRemoved())
                .containsExactlyInAnyOrder(
                        "rule-brute-" + oldFp + "-cep", "rule-brute-" + oldFp + "-lifecycle");
        assertThat(plan.uidsAdded())
                .containsExactlyInAnyOrder(
                        "rule-brute-" + newFp + "-cep", "rule-brute-" + newFp + "-lifecycle");
        assertThat(plan.allowNonRestoredState()).isTrue();
        assertThat(plan.changes(Kind.UNCHANGED))
                .extracting(RulePlan.Change::id)
                .containsExactly("client-errors");
    }

    @Test
    void changesInsideAGroupNeedNoFlagUntilTheGroupsLastRuleGoes() throws Exception {
        String changed = ERRORS.replace("threshold: 20", "threshold: 30");
        String added = ERRORS.replace("client-errors", "client-errors-fast").replace("10m", "1m");
        RulePlan inside = plan(List.of(ERRORS, HOSTS), List.of(changed, added, HOSTS));
        assertThat(inside.changes(Kind.CHANGED))
                .extracting(RulePlan.Change::id)
                .containsExactly("client-errors");
        assertThat(inside.changes(Kind.ADDED))
                .extracting(RulePlan.Change::id)
                .containsExactly("client-errors-fast");
        assertThat(inside.changes(Kind.CHANGED).get(0).state()).startsWith("starts empty");
        assertThat(inside.uidsRemoved()).isEmpty();
        assertThat(inside.uidsAdded()).isEmpty();
        assertThat(inside.allowNonRestoredState()).isFalse();

        RulePlan groupGone = plan(List.of(ERRORS, HOSTS), List.of(ERRORS));
        assertThat(groupGone.changes(Kind.REMOVED))
                .extracting(RulePlan.Change::id, RulePlan.Change::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "host-errors",
                                "its state is dropped with operator rules-by-http_host"));
        assertThat(groupGone.uidsRemoved()).containsExactly("rules-by-http_host");
        assertThat(groupGone.allowNonRestoredState()).isTrue();
    }

    @Test
    void thePlanRefusesToDropTheRouterWhenNoRuleRunsGroupedAnyMore() throws Exception {
        assertThatThrownBy(() -> plan(List.of(ERRORS, BRUTE), List.of(BRUTE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rule-router")
                .hasMessageContaining("refusing");
    }

    @Test
    void aChangeOfOnlyResolveAfterOrUpdateEveryIsAPlanWithSomethingToApply() throws Exception {
        RulePlan plan =
                plan(List.of(ERRORS), List.of(ERRORS + "resolve_after: 30m\nupdate_every: 5m\n"));

        assertThat(plan.isEmpty()).isFalse();
        assertThat(plan.changes(Kind.UNCHANGED))
                .singleElement()
                .extracting(RulePlan.Change::notes)
                .isEqualTo(List.of("resolve_after PT10M -> PT30M", "update_every PT0S -> PT5M"));
    }

    @Test
    void aJobWhoseSummariesPredateResolveAfterIsToldItsValuesAreNotKnown() throws Exception {
        RuleSummary now = summaries(List.of(ERRORS)).get(0);
        RuleSummary old =
                new RuleSummary(
                        now.id(),
                        now.fingerprint(),
                        now.grouped(),
                        now.groupBy(),
                        now.firesOnAbsence(),
                        now.description(),
                        now.severity(),
                        now.suppress(),
                        null,
                        null);

        RulePlan plan = RulePlan.of(List.of(old), List.of(now));

        assertThat(plan.isEmpty()).isFalse();
        assertThat(plan.changes(Kind.UNCHANGED).get(0).notes())
                .containsExactly(
                        "resolve_after (not known) -> PT10M", "update_every (not known) -> PT0S");
        assertThat(RuleSummary.fromJson(RuleSummary.toJson(List.of(old)))).containsExactly(old);
    }

    @Test
    void theSameRulesMakeAnEmptyPlan() throws Exception {
        RulePlan plan = plan(List.of(ERRORS, BRUTE, HOSTS), List.of(HOSTS, BRUTE, ERRORS));
        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.changes(Kind.UNCHANGED)).hasSize(3);
        assertThat(plan.allowNonRestoredState()).isFalse();
    }

    @Test
    void summariesSurviveTheirJsonForm() throws Exception {
        List<RuleSummary> summaries =
                RuleSummary.of(List.of(rule(ERRORS), rule(BRUTE)), ThresholdOperator.GROUPED);
        assertThat(RuleSummary.fromJson(RuleSummary.toJson(summaries))).isEqualTo(summaries);
        assertThat(summaries.get(0).grouped()).isTrue();
        assertThat(summaries.get(1).grouped()).isFalse();
    }

    private static RulePlan plan(List<?> before, List<?> after) throws Exception {
        return RulePlan.of(summaries(before), summaries(after));
    }

    private static List<RuleSummary> summaries(List<?> rules) throws Exception {
        List<Rule> loaded = new java.util.ArrayList<>();
        for (Object r : rules) {
            loaded.add(r instanceof Rule rule ? rule : rule((String) r));
        }
        return RuleSummary.of(loaded, ThresholdOperator.GROUPED);
    }

    private static Rule rule(String yaml) throws Exception {
        String id = yaml.lines().findFirst().orElseThrow().substring("id: ".length());
        return RuleLoader.parse(id + ".yaml", yaml);
    }
}
