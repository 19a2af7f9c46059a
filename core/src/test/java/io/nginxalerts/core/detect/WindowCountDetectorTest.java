package io.nginxalerts.core.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.core.rules.RuleLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link WindowCountDetector} driven as the operator drives it (advance to each event's time, then
 * the event): the alerts of threshold and distinct rules, the window's edges and its expiry.
 */
class WindowCountDetectorTest {
    static final long BEGINNING = 1_700_000_000_000L;
    static final long WITHIN = Duration.ofSeconds(60).toMillis();

    static final Rule THREE_ERRORS =
            rule(
                    "three-errors",
                    """
                    severity: warning
                    group_by: [clientip]
                    match: { status: 4xx }
                    threshold: 3
                    within: 60s
                    """);

    static final Rule THREE_PATHS =
            rule(
                    "three-paths",
                    """
                    severity: warning
                    group_by: [clientip]
                    match: { status: 4xx }
                    distinct: path
                    threshold: 3
                    within: 60s
                    """);

    final List<Alert> alerts = new ArrayList<>();
    final DetectorContext ctx =
            new DetectorContext() {
                @Override
                public void emit(Alert alert) {
                    alerts.add(alert);
                }

                @Override
                public long processingTime() {
                    return 42L;
                }

                @Override
                public long inputStart() {
                    return Long.MIN_VALUE;
                }

                @Override
                public void evicted() {}
            };

    @Test
    void firesAtTheNthEventWithinTheWindowWithTheAlertOfTheMatch() {
        WindowCountDetector detector = new WindowCountDetector(THREE_ERRORS);
        WindowCountDetector.Window state = detector.newState();
        List<AccessEvent> events =
                List.of(
                        error(BEGINNING, "/a"),
                        error(BEGINNING + 20_000, "/b"),
                        error(BEGINNING + WITHIN - 1, "/c"));

        for (AccessEvent e : events) {
            feed(detector, state, e);
        }

        assertThat(alerts).containsExactly(Alerts.fromMatch(THREE_ERRORS, events, 42L));
        assertThat(detector.isEmpty(state)).as("a match empties the window").isTrue();
        assertThat(detector.nextDeadline(state)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anEventExactlyWithinAfterAnotherIsNotInItsWindow() {
        WindowCountDetector detector = new WindowCountDetector(THREE_ERRORS);
        WindowCountDetector.Window state = detector.newState();
        feed(detector, state, error(BEGINNING, "/a"));
        feed(detector, state, error(BEGINNING + 30_000, "/b"));
        assertThat(detector.nextDeadline(state)).isEqualTo(BEGINNING + WITHIN);

        feed(detector, state, error(BEGINNING + WITHIN, "/c"));

        assertThat(alerts).isEmpty();
        assertThat(state.size()).isEqualTo(2);
        assertThat(detector.nextDeadline(state)).isEqualTo(BEGINNING + 30_000 + WITHIN);
    }

    @Test
    void itsTimerWaitsForTheNewestEventToLeaveTheWindowAndThenEmptiesIt() {
        WindowCountDetector detector = new WindowCountDetector(THREE_ERRORS);
        WindowCountDetector.Window state = detector.newState();
        feed(detector, state, error(BEGINNING, "/a"));
        feed(detector, state, error(BEGINNING + 10_000, "/b"));

        // The oldest event expires first, but nothing is emitted then: the timer may wait.
        assertThat(detector.nextDeadline(state)).isEqualTo(BEGINNING + WITHIN);
        assertThat(detector.nextTimer(state)).isEqualTo(BEGINNING + 10_000 + WITHIN);

        detector.advance(state, detector.nextTimer(state), ctx);

        assertThat(detector.isEmpty(state)).isTrue();
        assertThat(detector.nextTimer(state)).isEqualTo(Long.MAX_VALUE);
        assertThat(alerts).isEmpty();
    }

    @Test
    void advancingPastTheLastDeadlineLeavesAnEmptyState() {
        WindowCountDetector detector = new WindowCountDetector(THREE_ERRORS);
        WindowCountDetector.Window state = detector.newState();
        feed(detector, state, error(BEGINNING, "/a"));
        feed(detector, state, error(BEGINNING + 10_000, "/b"));

        detector.advance(state, detector.nextDeadline(state), ctx);
        assertThat(state.size()).isOne();
        detector.advance(state, detector.nextDeadline(state), ctx);

        assertThat(detector.isEmpty(state)).isTrue();
        assertThat(alerts).isEmpty();
    }

    @Test
    void aMatchSkipsPastItsLastEvent() {
        WindowCountDetector detector = new WindowCountDetector(THREE_ERRORS);
        WindowCountDetector.Window state = detector.newState();
        for (int s = 0; s < 7; s++) {
            feed(detector, state, error(BEGINNING + s * 1000L, "/p"));
        }

        assertThat(alerts)
                .extracting(Alert::firstSeen, Alert::lastSeen)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(BEGINNING, BEGINNING + 2000L),
                        org.assertj.core.groups.Tuple.tuple(BEGINNING + 3000L, BEGINNING + 5000L));
        assertThat(state.size()).isOne();
    }

    @Test
    void aDistinctRuleCountsTheLatestEventOfEachValueAndIgnoresEventsWithoutIt() {
        WindowCountDetector detector = new WindowCountDetector(THREE_PATHS);
        WindowCountDetector.Window state = detector.newState();
        feed(detector, state, error(BEGINNING, "/a"));
        feed(detector, state, error(BEGINNING + 1000, "/a"));
        feed(detector, state, error(BEGINNING + 2000, null));
        feed(detector, state, error(BEGINNING + 3000, "/b"));
        assertThat(alerts).as("two paths, however often").isEmpty();
        assertThat(detector.nextDeadline(state))
                .as("the repeat of /a replaced its first event")
                .isEqualTo(BEGINNING + 1000 + WITHIN);

        feed(detector, state, error(BEGINNING + 4000, "/c"));

        assertThat(alerts)
                .singleElement()
                .satisfies(
                        alert -> {
                            assertThat(alert.distinctCount()).isEqualTo(3);
                            assertThat(alert.evidence())
                                    .extracting(AccessEvent::timestamp)
                                    .containsExactly(
                                            BEGINNING + 1000, BEGINNING + 3000, BEGINNING + 4000);
                        });
    }

    @Test
    void aDistinctWindowRestoredWithoutItsValuesRebuildsThemAndCountsTheSame() {
        WindowCountDetector detector = new WindowCountDetector(THREE_PATHS);
        WindowCountDetector.Window state = detector.newState();
        feed(detector, state, error(BEGINNING, "/a"));
        feed(detector, state, error(BEGINNING + 1_000, "/b"));
        // As state written before the values were kept: the events alone.
        state.values = null;

        feed(detector, state, error(BEGINNING + 2_000, "/a"));
        assertThat(alerts).isEmpty();
        assertThat(state.size()).isEqualTo(2);
        feed(detector, state, error(BEGINNING + 3_000, "/c"));

        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).evidence())
                .extracting(AccessEvent::path)
                .containsExactly("/b", "/a", "/c");
        assertThat(state.size()).isZero();
        assertThat(state.values).isEmpty();
    }

    @Test
    void theFactoryGivesEachKindItsDetectorAndRefusesSequences() {
        assertThat(Detectors.forRule(THREE_ERRORS)).isInstanceOf(WindowCountDetector.class);
        assertThat(Detectors.forRule(THREE_PATHS)).isInstanceOf(WindowCountDetector.class);
        Rule sequence =
                rule(
                        "seq",
                        """
                        severity: info
                        group_by: [clientip]
                        sequence:
                          - match: { status: 401 }
                          - match: { status: 200 }
                        within: 1m
                        """);
        assertThatThrownBy(() -> Detectors.forRule(sequence))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CEP");
        Rule silence =
                new Rule(
                        "quiet",
                        "",
                        THREE_ERRORS.severity(),
                        THREE_ERRORS.groupBy(),
                        List.of(
                                new io.nginxalerts.core.rules.Step(
                                        THREE_ERRORS.steps().get(0).condition(), 1)),
                        Duration.ofHours(1),
                        Duration.ZERO,
                        "test",
                        new RuleKind.Silence(Duration.ofMinutes(10), 1),
                        "");
        assertThat(Detectors.forRule(silence)).isInstanceOf(SilenceDetector.class);
        assertThat(
                        Detectors.forRule(
                                rule(
                                        "share",
                                        """
                                        severity: info
                                        ratio: { of: { status: 5xx }, at_least: 5%, min_events: 9 }
                                        within: 1m
                                        """)))
                .isInstanceOf(RatioDetector.class);
        assertThat(
                        Detectors.forRule(
                                rule(
                                        "slow",
                                        """
                                        severity: info
                                        value: { field: responsetime, max: { gt: 2s }, min_events: 1 }
                                        within: 1m
                                        """)))
                .isInstanceOf(ValueDetector.class);
        assertThat(
                        Detectors.forRule(
                                rule(
                                        "new",
                                        """
                                        severity: info
                                        first_seen: agent
                                        within: 1h
                                        """)))
                .isInstanceOf(FirstSeenDetector.class);
    }

    void feed(WindowCountDetector detector, WindowCountDetector.Window state, AccessEvent e) {
        detector.advance(state, e.timestamp(), ctx);
        detector.onEvent(state, e, e.timestamp(), ctx);
    }

    static Rule rule(String id, String body) {
        try {
            return RuleLoader.parse("test/" + id + ".yaml", "id: " + id + "\n" + body);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static AccessEvent error(long t, String path) {
        return new AccessEvent(
                t,
                "203.0.113.7",
                "web-1",
                "GET",
                path,
                path,
                null,
                "HTTP/1.1",
                404,
                0,
                0.0,
                null,
                null,
                "shop.example.com",
                null,
                null,
                "curl/8.0",
                "req-" + t,
                Map.of());
    }
}
