package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.RuleValidationTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Exactly one of threshold, distinct, ratio, value, silent_for, first_seen, sequence decides. */
class RuleKindCombinationTest {
    static final String HEAD = "id: x\nseverity: info\nwithin: 1m\n";
    static final String ONE_OF =
            "; use only one of threshold (with distinct to count values), ratio, value,"
                    + " silent_for, first_seen or sequence";

    @Test
    void eachDeciderAloneGivesItsKind() throws Exception {
        assertThat(
                        RuleLoader.parse("x.yaml", HEAD + "match: { status: 404 }\nthreshold: 3\n")
                                .kind())
                .isInstanceOf(RuleKind.Count.class);
        assertThat(RuleLoader.parse("x.yaml", HEAD + "match: { status: 404 }\n").kind())
                .as("a match alone is a threshold of 1, as before")
                .isInstanceOf(RuleKind.Count.class);
        assertThat(
                        RuleLoader.parse(
                                        "x.yaml",
                                        HEAD
                                                + "match: { status: 404 }\ndistinct: path\nthreshold: 3\n")
                                .kind())
                .isEqualTo(new RuleKind.Distinct("path"));
        assertThat(
                        RuleLoader.parse(
                                        "x.yaml",
                                        HEAD
                                                + "ratio: { of: { status: 5xx }, at_least: 5%, min_events: 9 }\n")
                                .kind())
                .isInstanceOf(RuleKind.Ratio.class);
        assertThat(
                        RuleLoader.parse(
                                        "x.yaml",
                                        HEAD
                                                + "value: { field: size, max: { gt: 9 }, min_events: 9 }\n")
                                .kind())
                .isInstanceOf(RuleKind.Value.class);
        assertThat(RuleLoader.parse("x.yaml", HEAD + "silent_for: 1m\n").kind())
                .isInstanceOf(RuleKind.Silence.class);
        assertThat(RuleLoader.parse("x.yaml", HEAD + "first_seen: clientip\n").kind())
                .isInstanceOf(RuleKind.FirstSeen.class);
        assertThat(
                        RuleLoader.parse(
                                        "x.yaml",
                                        HEAD
                                                + "sequence:\n  - match: { status: 401 }\n"
                                                + "  - match: { status: 200 }\n")
                                .kind())
                .isInstanceOf(RuleKind.Sequence.class);
    }

    @Test
    void refusesTwoNewDecidersNamingBoth() {
        assertRefused(
                HEAD + "silent_for: 1m\nfirst_seen: clientip\n",
                "x.yaml:5: 'first_seen' and 'silent_for' both decide when the rule fires" + ONE_OF);
        assertRefused(
                HEAD
                        + "ratio: { of: { status: 5xx }, at_least: 5%, min_events: 9 }\n"
                        + "value: { field: size, max: { gt: 9 }, min_events: 9 }\n",
                "x.yaml:5: 'value' and 'ratio' both decide when the rule fires" + ONE_OF);
    }

    @Test
    void refusesANewDeciderNextToThresholdDistinctOrSequence() {
        assertRefused(
                HEAD + "match: { status: 404 }\nthreshold: 3\nsilent_for: 1m\n",
                "x.yaml:6: 'silent_for' and 'threshold' both decide when the rule fires" + ONE_OF);
        assertRefused(
                HEAD + "match: { status: 404 }\ndistinct: path\nthreshold: 3\nfirst_seen: path\n",
                "x.yaml:7: 'first_seen' and 'distinct' both decide when the rule fires" + ONE_OF);
        assertRefused(
                HEAD
                        + "sequence:\n  - match: { status: 401 }\n  - match: { status: 200 }\n"
                        + "ratio: { of: { status: 5xx }, at_least: 5%, min_events: 9 }\n",
                "x.yaml:7: 'ratio' and 'sequence' both decide when the rule fires" + ONE_OF);
    }

    @Test
    void reportsEveryExtraDeciderAndTheOtherProblemsOfTheFile() {
        assertRefused(
                "id: x\nseverity: loud\nwithin: 1m\nsilent_for: 1m\nfirst_seen: clientip\n"
                        + "value: { field: size, max: { gt: 9 }, min_events: 9 }\n",
                "x.yaml:2: severity 'loud' must be one of info, warning, critical",
                "x.yaml:5: 'first_seen' and 'silent_for' both decide when the rule fires" + ONE_OF,
                "x.yaml:6: 'value' and 'silent_for' both decide when the rule fires" + ONE_OF);
    }

    @Test
    void theOlderCombinationsKeepTheirMessages() {
        assertRefused(
                HEAD
                        + "match: { status: 404 }\n"
                        + "sequence:\n  - match: { status: 401 }\n  - match: { status: 200 }\n",
                "x.yaml:5: use either match (with threshold) or sequence, not both");
        assertRefused(
                "id: x\nseverity: info\nwithin: 1m\n",
                "x.yaml:1: missing 'match' (with 'threshold') or 'sequence'; or one of ratio,"
                        + " value, silent_for, first_seen");
    }
}
