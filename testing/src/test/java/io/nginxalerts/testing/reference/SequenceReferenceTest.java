package io.nginxalerts.testing.reference;

import static io.nginxalerts.testing.reference.KindFixtures.BEGINNING;
import static io.nginxalerts.testing.reference.KindFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.core.rules.Severity;
import io.nginxalerts.core.rules.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plain sequence reference follows CEP's {@code times(n).consecutive()}, {@code followedBy},
 * {@code within} and skip-past-last-event semantics.
 */
class SequenceReferenceTest {
    /** Three failed logins in a row, then a success, within 60 s. */
    private static final Rule FAILS_THEN_SUCCESS =
            new Rule(
                    "fails-then-success",
                    "test",
                    Severity.WARNING,
                    List.of("clientip"),
                    List.of(
                            new Step(e -> "/login".equals(e.path()) && e.status() == 401, 3),
                            new Step(e -> "/login".equals(e.path()) && e.status() == 200, 1)),
                    Duration.ofSeconds(60),
                    Duration.ZERO,
                    "test/fails-then-success.yaml",
                    new RuleKind.Sequence(),
                    "fp");

    private static AccessEvent at(int second, String ip, String path, int status) {
        return event(BEGINNING + second * 1000L, ip, "POST", path, status, "0.1");
    }

    private static List<Alert> alerts(AccessEvent... events) {
        return SequenceReference.alerts(FAILS_THEN_SUCCESS, List.of(events));
    }

    @Test
    void matchesTheConsecutiveRunThenTheNextEventOfTheFollowingStep() {
        List<Alert> alerts =
                alerts(
                        at(0, "10.0.0.1", "/login", 401),
                        at(1, "10.0.0.1", "/about", 200), // not the rule's: does not break the run
                        at(2, "10.0.0.1", "/login", 401),
                        at(3, "10.0.0.1", "/login", 401),
                        at(9, "10.0.0.1", "/login", 200));

        assertThat(alerts)
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.count()).isEqualTo(4);
                            assertThat(a.firstSeen()).isEqualTo(BEGINNING);
                            assertThat(a.lastSeen()).isEqualTo(BEGINNING + 9_000);
                        });
    }

    @Test
    void anEventOfTheRuleThatBreaksTheRunStartsNothingItself() {
        // 401, 401, 200 breaks the first run; the 200 then needs three 401 before it again.
        assertThat(
                        alerts(
                                at(0, "10.0.0.2", "/login", 401),
                                at(1, "10.0.0.2", "/login", 401),
                                at(2, "10.0.0.2", "/login", 200),
                                at(3, "10.0.0.2", "/login", 401),
                                at(4, "10.0.0.2", "/login", 200)))
                .isEmpty();
    }

    @Test
    void aStepAtWithinOfTheFirstEventOrLaterIsTooLate() {
        assertThat(
                        alerts(
                                at(0, "10.0.0.3", "/login", 401),
                                at(1, "10.0.0.3", "/login", 401),
                                at(2, "10.0.0.3", "/login", 401),
                                at(60, "10.0.0.3", "/login", 200)))
                .isEmpty();
        // Started one failure later, the same success is in time.
        assertThat(
                        alerts(
                                at(0, "10.0.0.3", "/login", 401),
                                at(1, "10.0.0.3", "/login", 401),
                                at(2, "10.0.0.3", "/login", 401),
                                at(3, "10.0.0.3", "/login", 401),
                                at(60, "10.0.0.3", "/login", 200)))
                .singleElement()
                .satisfies(a -> assertThat(a.firstSeen()).isEqualTo(BEGINNING + 1_000));
    }

    @Test
    void skipsPastTheLastEventSoOneBurstIsOneMatchAndKeysStayApart() {
        List<AccessEvent> events = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            events.add(at(s, "10.0.0.4", "/login", 401));
            events.add(at(s, "10.0.0.5", "/login", 401));
        }
        events.add(at(8, "10.0.0.4", "/login", 200));
        events.add(at(9, "10.0.0.4", "/login", 401));
        events.add(at(10, "10.0.0.4", "/login", 401));
        events.add(at(11, "10.0.0.4", "/login", 401));
        events.add(at(12, "10.0.0.4", "/login", 200));

        List<Alert> alerts = SequenceReference.alerts(FAILS_THEN_SUCCESS, events);

        assertThat(alerts)
                .extracting(a -> a.key().get("clientip"), Alert::firstSeen, Alert::lastSeen)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "10.0.0.4", BEGINNING, BEGINNING + 8_000),
                        org.assertj.core.groups.Tuple.tuple(
                                "10.0.0.4", BEGINNING + 9_000, BEGINNING + 12_000));
    }

    @Test
    void equalTimestampsKeepTheirArrivalOrder() {
        // Arrival order 401, 401, 200, 401 at one second: the 200 breaks the run.
        assertThat(
                        alerts(
                                at(5, "10.0.0.6", "/login", 401),
                                at(5, "10.0.0.6", "/login", 401),
                                at(5, "10.0.0.6", "/login", 200),
                                at(5, "10.0.0.6", "/login", 401)))
                .isEmpty();
    }

    @Test
    void refusesRulesItDoesNotDefine() {
        Rule threshold = KindFixtures.rule("t", e -> true, 2, 1000, new RuleKind.Count());
        assertThatThrownBy(() -> SequenceReference.alerts(threshold, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
