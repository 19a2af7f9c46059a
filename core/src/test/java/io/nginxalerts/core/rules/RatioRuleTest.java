package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.RuleValidationTest.assertRefused;
import static io.nginxalerts.core.rules.TestEvent.request;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Ratio rules ({@code ratio: {of, at_least, min_events}}): how they are parsed and refused. */
class RatioRuleTest {
    static final String HEAD = "id: x\nseverity: info\nwithin: 5m\n";

    static final String ERROR_RATE =
            """
            id: error-rate
            severity: critical
            group_by: [http_host]
            match: { path: { prefix: /api } }
            ratio:
              of: { status: 5xx }
              at_least: 5%
              min_events: 200
            within: 5m
            """;

    @Test
    void acceptsARatioRuleAsOneStepWithTheShareAsWritten() throws Exception {
        Rule rule = RuleLoader.parse("rules/error-rate.yaml", ERROR_RATE);

        assertThat(rule.kind()).isInstanceOf(RuleKind.Ratio.class);
        RuleKind.Ratio ratio = (RuleKind.Ratio) rule.kind();
        assertThat(ratio.atLeast()).isEqualTo(0.05);
        assertThat(Share.of(ratio.atLeast())).isEqualTo(new Share(5, 100));
        assertThat(ratio.minEvents()).isEqualTo(200);
        assertThat(ratio.of().test(request().status(503).build())).isTrue();
        assertThat(ratio.of().test(request().status(200).build())).isFalse();
        assertThat(rule.steps()).singleElement().extracting(Step::atLeast).isEqualTo(1);
        assertThat(rule.steps().get(0).condition().test(request().url("/api/x").build())).isTrue();
        assertThat(rule.steps().get(0).condition().test(request().url("/x").build())).isFalse();
        assertThat(rule.isSequence()).isFalse();
        assertThat(rule.firesOnAbsence()).isFalse();
    }

    @Test
    void aPercentageAndAFractionAreTheSameShare() throws Exception {
        Rule percent =
                RuleLoader.parse(
                        "x.yaml",
                        HEAD + "ratio: { of: { status: 5xx }, at_least: 12.5%, min_events: 10 }\n");
        Rule fraction =
                RuleLoader.parse(
                        "x.yaml",
                        HEAD + "ratio: { of: { status: 5xx }, at_least: 0.125, min_events: 10 }\n");

        assertThat(((RuleKind.Ratio) percent.kind()).atLeast()).isEqualTo(0.125);
        assertThat(((RuleKind.Ratio) fraction.kind()).atLeast()).isEqualTo(0.125);
        assertThat(percent.fingerprint())
                .as("the fingerprint reads the text as written")
                .isNotEqualTo(fraction.fingerprint());
    }

    @Test
    void withoutAMatchEveryEventTakesPart() throws Exception {
        Rule rule =
                RuleLoader.parse(
                        "x.yaml",
                        HEAD + "ratio: { of: { status: 5xx }, at_least: 1, min_events: 1 }\n");

        assertThat(rule.steps().get(0).condition().test(request().build())).isTrue();
        assertThat(rule.steps().get(0).condition().test(request().status(0).build())).isTrue();
    }

    @Test
    void refusesARatioThatIsNotAMappingOrLacksAKey() {
        assertRefused(
                HEAD + "ratio: 5%\n",
                "x.yaml:4: 'ratio' must be a mapping with of, at_least and min_events, found '5%'");
        assertRefused(
                HEAD + "ratio:\n  at_least: 5%\n",
                "x.yaml:4: 'ratio' needs 'of': the match that makes an event a hit, e.g. of: {"
                        + " status: 5xx }",
                "x.yaml:4: 'ratio' needs 'min_events': how many events must take part before it"
                        + " can fire (from 1 to 10000, e.g. 100)");
        assertRefused(
                HEAD + "ratio:\n  of: { status: 5xx }\n  min_events: 5\n",
                "x.yaml:4: 'ratio' needs 'at_least': the share of hits that fires the rule, as 5%"
                        + " or 0.05");
    }

    @Test
    void refusesUnknownKeysAndABadOfInARatio() {
        assertRefused(
                HEAD
                        + "ratio:\n  of: { status: 5xx }\n  at_least: 5%\n  min_events: 5\n  over: 3\n",
                "x.yaml:8: unknown key 'over' in 'ratio'; allowed: of, at_least, min_events");
        assertRefused(
                HEAD + "ratio:\n  of: { stauts: 5xx }\n  at_least: 5%\n  min_events: 5\n",
                "x.yaml:5: unknown field 'stauts'; allowed: " + RuleFieldNames.allowedNames());
        assertRefused(
                HEAD + "ratio:\n  of: {}\n  at_least: 5%\n  min_events: 5\n",
                "x.yaml:5: 'of' must not be empty");
    }

    @Test
    void refusesASharesOutsideZeroToOne() {
        String message =
                "at_least must be a share more than 0 and at most 1: a percentage such as 5% or"
                        + " 12.5% (up to 4 decimals) or a fraction such as 0.05 (up to 6"
                        + " decimals), found ";
        for (String bad :
                new String[] {"0", "0%", "5", "101%", "-0.1", "1.5", "five", "5 %%", "1e-2"}) {
            assertRefused(
                    HEAD
                            + "ratio:\n  of: { status: 5xx }\n  at_least: '"
                            + bad
                            + "'\n"
                            + "  min_events: 5\n",
                    "x.yaml:6: " + message + "'" + bad + "'");
        }
        assertRefused(
                HEAD + "ratio:\n  of: { status: 5xx }\n  at_least: [5%]\n  min_events: 5\n",
                "x.yaml:6: " + message + "a list");
    }

    @Test
    void refusesAMinEventsThatIsNotACount() {
        assertRefused(
                HEAD + "ratio:\n  of: { status: 5xx }\n  at_least: 5%\n  min_events: 0\n",
                "x.yaml:7: min_events must be a whole number from 1 to 10000, found '0'");
    }

    @Test
    void refusesATopLevelMinEventsNextToARatio() {
        assertRefused(
                HEAD
                        + "ratio:\n  of: { status: 5xx }\n  at_least: 5%\n  min_events: 5\n"
                        + "min_events: 5\n",
                "x.yaml:8: 'min_events' goes with 'silent_for'; a ratio or value rule takes"
                        + " min_events inside its mapping");
    }
}
