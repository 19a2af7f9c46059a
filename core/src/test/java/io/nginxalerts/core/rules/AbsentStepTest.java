package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.RuleValidationTest.assertRefused;
import static io.nginxalerts.core.rules.TestEvent.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Sequences whose last step is {@code absent:}: accepted only last, alone, never first. */
class AbsentStepTest {
    static final String HEAD = "id: x\nseverity: info\nwithin: 10m\nsequence:\n";

    static final String BRUTE_FORCE_UNRESOLVED =
            """
            id: login-brute-force-unresolved
            severity: warning
            sequence:
              - match: { method: POST, path: { regex: '(?i)login' }, status: [401, 403] }
                at_least: 8
              - absent: { method: POST, path: { regex: '(?i)login' }, status: [200, 302] }
            within: 10m
            """;

    @Test
    void acceptsAnAbsentLastStep() throws Exception {
        Rule rule =
                RuleLoader.parse("rules/login-brute-force-unresolved.yaml", BRUTE_FORCE_UNRESOLVED);

        assertThat(rule.kind()).isInstanceOf(RuleKind.Sequence.class);
        assertThat(rule.steps()).extracting(Step::absent).containsExactly(false, true);
        assertThat(rule.steps()).extracting(Step::atLeast).containsExactly(8, 1);
        assertThat(rule.firesOnAbsence()).isTrue();
        assertThat(rule.alertDelay())
                .as("an alert is given at firstSeen + within, at most within after lastSeen")
                .isEqualTo(Duration.ofMinutes(10));
        Step absent = rule.steps().get(1);
        assertThat(
                        absent.condition()
                                .test(request().method("POST").url("/Login").status(302).build()))
                .isTrue();
        assertThat(
                        absent.condition()
                                .test(request().method("POST").url("/login").status(401).build()))
                .isFalse();
    }

    @Test
    void aSequenceWithoutAbsentStepsDoesNotFireOnAbsence() throws Exception {
        Rule rule =
                RuleLoader.parse(
                        "x.yaml",
                        HEAD + "  - match: { status: 401 }\n  - match: { status: 200 }\n");

        assertThat(rule.steps()).extracting(Step::absent).containsExactly(false, false);
        assertThat(rule.firesOnAbsence()).isFalse();
        assertThat(rule.alertDelay()).isZero();
    }

    @Test
    void refusesAnAbsentStepThatIsNotLast() {
        assertRefused(
                HEAD
                        + "  - match: { status: 401 }\n"
                        + "  - absent: { status: 200 }\n"
                        + "  - match: { status: 500 }\n",
                "x.yaml:6: 'absent' may only be the last step of a sequence: the rule fires when"
                        + " 'within' has passed since the first step's first event without such an"
                        + " event");
    }

    @Test
    void refusesAnAbsentFirstStep() {
        assertRefused(
                HEAD + "  - absent: { status: 200 }\n  - match: { status: 401 }\n",
                "x.yaml:5: a sequence cannot start with 'absent': the absence is measured from the"
                        + " first step's first event");
    }

    @Test
    void refusesAtLeastOrMatchInAnAbsentStep() {
        assertRefused(
                HEAD + "  - match: { status: 401 }\n  - absent: { status: 200 }\n    at_least: 2\n",
                "x.yaml:7: an 'absent' step takes no 'at_least': one such event within 'within'"
                        + " means the sequence does not fire");
        assertRefused(
                HEAD
                        + "  - match: { status: 401 }\n"
                        + "  - absent: { status: 200 }\n"
                        + "    match: { status: 302 }\n",
                "x.yaml:7: a sequence step has either 'match' or 'absent', not both; 'absent'"
                        + " holds the match of the event that must not follow");
    }

    @Test
    void refusesABadAbsentMatchAndAnAbsentAlone() {
        assertRefused(
                HEAD + "  - match: { status: 401 }\n  - absent: {}\n",
                "x.yaml:6: 'absent' must not be empty");
        assertRefused(
                HEAD + "  - match: { status: 401 }\n  - absent: { staus: 200 }\n",
                "x.yaml:6: unknown field 'staus'; allowed: " + RuleFieldNames.allowedNames());
        assertRefused(
                HEAD + "  - absent: { status: 200 }\n",
                "x.yaml:4: a sequence needs at least 2 steps, found 1; use match and threshold for"
                        + " a single step",
                "x.yaml:5: a sequence cannot start with 'absent': the absence is measured from the"
                        + " first step's first event");
    }
}
