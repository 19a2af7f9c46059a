package io.nginxalerts.testing.reference;

import static io.nginxalerts.testing.reference.KindFixtures.BEGINNING;
import static io.nginxalerts.testing.reference.KindFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.detect.Detector;
import io.nginxalerts.core.detect.DetectorContext;
import io.nginxalerts.core.detect.FirstSeenDetector;
import io.nginxalerts.core.detect.RatioDetector;
import io.nginxalerts.core.detect.SilenceDetector;
import io.nginxalerts.core.detect.ValueDetector;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind.Aggregate;
import io.nginxalerts.core.rules.RuleKind.Comparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The detectors at their edges, called directly as the operator calls them: thresholds reached
 * exactly, a silence exactly {@code silent_for} long, eviction at {@code max_values}, and every
 * state empty again once its key goes quiet.
 */
class DetectorEdgesTest {
    private static final String CLIENT = "10.0.0.1";

    /** Collects what a detector hands over. */
    static final class Recorder implements DetectorContext {
        final List<Alert> alerts = new ArrayList<>();
        final long inputStart;
        int evictions;

        Recorder(long inputStart) {
            this.inputStart = inputStart;
        }

        @Override
        public void emit(Alert alert) {
            alerts.add(alert);
        }

        @Override
        public long processingTime() {
            return 0;
        }

        @Override
        public long inputStart() {
            return inputStart;
        }

        @Override
        public void evicted() {
            evictions++;
        }
    }

    /** Advances and feeds one event, as the operator does. */
    private static <S> void feed(Detector<S> d, S state, AccessEvent e, Recorder ctx) {
        d.advance(state, e.timestamp(), ctx);
        d.onEvent(state, e, e.timestamp(), ctx);
    }

    @Test
    void ratioFiresWhenTheShareIsExactlyAtLeast() {
        Rule rule = KindFixtures.ratio("half", 60_000, 0.5, 4);
        RatioDetector d = new RatioDetector(rule);
        RatioDetector.State s = d.newState();
        Recorder ctx = new Recorder(BEGINNING);

        feed(d, s, event(BEGINNING, CLIENT, 500), ctx);
        feed(d, s, event(BEGINNING + 1, CLIENT, 200), ctx);
        feed(d, s, event(BEGINNING + 2, CLIENT, 200), ctx);
        assertThat(ctx.alerts).as("3 events: below min_events").isEmpty();
        feed(d, s, event(BEGINNING + 3, CLIENT, 200), ctx);
        assertThat(ctx.alerts).as("1 of 4 is below half").isEmpty();
        feed(d, s, event(BEGINNING + 4, CLIENT, 503), ctx);
        assertThat(ctx.alerts).as("2 of 5 is below half").isEmpty();
        feed(d, s, event(BEGINNING + 5, CLIENT, 502), ctx);

        assertThat(ctx.alerts)
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.ratio()).isEqualTo(new Alert.Ratio(3, 6));
                            assertThat(a.count()).isEqualTo(6);
                            assertThat(a.evidence())
                                    .extracting(AccessEvent::status)
                                    .containsExactly(500, 503, 502);
                            assertThat(a.firstSeen()).isEqualTo(BEGINNING);
                            assertThat(a.lastSeen()).isEqualTo(BEGINNING + 5);
                            assertThat(a.summary())
                                    .startsWith("half: 3 of 6 requests (50.0%)")
                                    .contains("clientip " + CLIENT);
                        });
        assertThat(d.isEmpty(s)).as("a firing empties the window").isTrue();
    }

    @Test
    void ratioOfFivePercentIsExactNotFloatingPoint() {
        // 0.05 * 20 is 1.0000000000000002 in doubles: 1 of 20 must still reach 5%.
        Rule rule = KindFixtures.ratio("five-percent", 60_000, 0.05, 20);
        List<AccessEvent> events = new ArrayList<>();
        events.add(event(BEGINNING, CLIENT, 500));
        for (int i = 1; i < 20; i++) {
            events.add(event(BEGINNING + i, CLIENT, 200));
        }
        DetectorDriver.Result driven =
                DetectorDriver.run(rule, new RatioDetector(rule), events, BEGINNING, BEGINNING);

        assertThat(driven.alerts())
                .singleElement()
                .extracting(Alert::ratio)
                .isEqualTo(new Alert.Ratio(1, 20));
        assertThat(driven.alerts()).isEqualTo(ReferenceEvaluator.alerts(rule, events));
    }

    @Test
    void anEventExactlyWithinAfterIsOutsideTheWindow() {
        Rule rule =
                KindFixtures.value(
                        "max", "upstreamtime", Aggregate.MAX, Comparison.GTE, 2.0, 2, 1000);
        ValueDetector d = new ValueDetector(rule);
        ValueDetector.State s = d.newState();
        Recorder ctx = new Recorder(BEGINNING);

        feed(d, s, event(BEGINNING, CLIENT, "GET", "/", 200, "2.5"), ctx);
        feed(d, s, event(BEGINNING + 1000, CLIENT, "GET", "/", 200, "0.1"), ctx);
        assertThat(ctx.alerts).isEmpty();
        feed(d, s, event(BEGINNING + 1500, CLIENT, "GET", "/", 200, "1.5, 0.5"), ctx);

        assertThat(ctx.alerts)
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.aggregate()).isEqualTo(Map.of("max", 2.0));
                            assertThat(a.count()).isEqualTo(2);
                            assertThat(a.summary())
                                    .contains("max of upstreamtime was 2s (>= 2s) over 2 requests");
                        });
    }

    @Test
    void valuesWithoutANumberTakePartInNothing() {
        Rule rule =
                KindFixtures.value(
                        "avg", "upstreamtime", Aggregate.AVG, Comparison.GT, 0.0, 2, 1000);
        ValueDetector d = new ValueDetector(rule);
        ValueDetector.State s = d.newState();
        Recorder ctx = new Recorder(BEGINNING);

        feed(d, s, event(BEGINNING, CLIENT, "GET", "/", 200, "-"), ctx);
        assertThat(d.isEmpty(s)).isTrue();
        feed(d, s, event(BEGINNING + 1, CLIENT, "GET", "/", 200, "0.2"), ctx);
        feed(d, s, event(BEGINNING + 2, CLIENT, "GET", "/", 200, "junk"), ctx);
        assertThat(ctx.alerts).isEmpty();
        feed(d, s, event(BEGINNING + 3, CLIENT, "GET", "/", 200, "0.1"), ctx);

        assertThat(ctx.alerts).singleElement().extracting(Alert::count).isEqualTo(2);
    }

    @Test
    void silenceFiresWhenAGapIsExactlySilentFor() {
        Rule rule = KindFixtures.silence("quiet", 10_000, 1000, 2);
        List<AccessEvent> events =
                List.of(
                        event(BEGINNING, CLIENT, 200),
                        event(BEGINNING + 500, CLIENT, 200),
                        // 999 ms later: not yet silent.
                        event(BEGINNING + 1499, CLIENT, 200),
                        // exactly 1 s later: silent since 1499, fired before this event.
                        event(BEGINNING + 2499, CLIENT, 200));
        DetectorDriver.Result driven =
                DetectorDriver.run(
                        rule, new SilenceDetector(rule), events, BEGINNING, BEGINNING + 2499);

        assertThat(driven.alerts())
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.silentSince()).isEqualTo(BEGINNING + 1499);
                            assertThat(a.count()).isEqualTo(3);
                            assertThat(a.firstSeen()).isEqualTo(BEGINNING);
                            assertThat(a.lastSeen()).isEqualTo(BEGINNING + 1499);
                            assertThat(a.evidence()).hasSize(3);
                            assertThat(a.summary()).contains("silent for 1s since");
                        });
        assertThat(ReferenceEvaluator.deadline(rule, driven.alerts().get(0)))
                .isEqualTo(BEGINNING + 2499);
        assertThat(driven.alerts()).isEqualTo(ReferenceEvaluator.alerts(rule, events));
    }

    @Test
    void theEndOfABoundedInputIsNoSilence() {
        Rule rule = KindFixtures.silence("quiet", 10_000, 1000, 1);
        List<AccessEvent> events =
                List.of(event(BEGINNING, CLIENT, 200), event(BEGINNING + 999, "10.0.0.2", 200));

        assertThat(ReferenceEvaluator.alerts(rule, events)).isEmpty();
        assertThat(
                        DetectorDriver.run(
                                        rule,
                                        new SilenceDetector(rule),
                                        events,
                                        BEGINNING,
                                        BEGINNING + 999)
                                .alerts())
                .isEmpty();
        assertThat(ReferenceEvaluator.evaluate(rule, events, BEGINNING, Long.MAX_VALUE).alerts())
                .hasSize(2);
    }

    @Test
    void silenceKeepsItsPendingAlertPastTheWindow() {
        // within 1 s, silent_for 5 s: the window expires long before the deadline.
        Rule rule = KindFixtures.silence("quiet", 1000, 5000, 2);
        SilenceDetector d = new SilenceDetector(rule);
        SilenceDetector.State s = d.newState();
        Recorder ctx = new Recorder(BEGINNING);

        feed(d, s, event(BEGINNING, CLIENT, 200), ctx);
        feed(d, s, event(BEGINNING, CLIENT, 404), ctx);
        assertThat(d.nextDeadline(s)).isEqualTo(BEGINNING + 1000);
        d.advance(s, BEGINNING + 1000, ctx);
        assertThat(d.isEmpty(s)).as("a silence is pending").isFalse();
        assertThat(d.nextDeadline(s)).isEqualTo(BEGINNING + 5000);
        d.advance(s, BEGINNING + 5000, ctx);

        assertThat(ctx.alerts).singleElement().extracting(Alert::count).isEqualTo(2);
        assertThat(d.isEmpty(s)).isTrue();
        assertThat(d.nextDeadline(s)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void firstSeenEvictsTheValueSeenLongestAgoAtMaxValues() {
        Rule rule = KindFixtures.firstSeen("new-path", 60_000, 0, 2);
        FirstSeenDetector d = new FirstSeenDetector(rule);
        FirstSeenDetector.State s = d.newState();
        Recorder ctx = new Recorder(BEGINNING);

        feed(d, s, event(BEGINNING, CLIENT, "GET", "/b", 200, "-"), ctx);
        feed(d, s, event(BEGINNING, CLIENT, "GET", "/a", 200, "-"), ctx);
        feed(d, s, event(BEGINNING + 1, CLIENT, "GET", "/b", 200, "-"), ctx);
        assertThat(ctx.evictions).isZero();
        feed(d, s, event(BEGINNING + 2, CLIENT, "GET", "/c", 200, "-"), ctx);
        assertThat(ctx.evictions).as("/a, seen longest ago, goes").isEqualTo(1);
        feed(d, s, event(BEGINNING + 3, CLIENT, "GET", "/b", 200, "-"), ctx);
        feed(d, s, event(BEGINNING + 4, CLIENT, "GET", "/a", 200, "-"), ctx);

        assertThat(ctx.alerts).extracting(Alert::value).containsExactly("/b", "/a", "/c", "/a");
        assertThat(ctx.evictions).isEqualTo(2);
        assertThat(ctx.alerts.get(0).summary()).contains("first seen path /b");
    }

    @Test
    void firstSeenEvictsTheSmallestValueAmongEquallyOld() {
        Rule rule = KindFixtures.firstSeen("new-path", 60_000, 0, 2);
        List<AccessEvent> events =
                List.of(
                        event(BEGINNING, CLIENT, "GET", "/b", 200, "-"),
                        event(BEGINNING, CLIENT, "GET", "/a", 200, "-"),
                        event(BEGINNING + 1, CLIENT, "GET", "/c", 200, "-"),
                        event(BEGINNING + 2, CLIENT, "GET", "/b", 200, "-"),
                        event(BEGINNING + 3, CLIENT, "GET", "/a", 200, "-"));
        DetectorDriver.Result driven =
                DetectorDriver.run(
                        rule, new FirstSeenDetector(rule), events, BEGINNING, Long.MAX_VALUE);

        // /a goes at once (tied with /b, smaller), so /b is still known at +2 and /a is new at
        // +3, which evicts /c (seen at +1, the oldest then).
        assertThat(driven.alerts())
                .extracting(Alert::value)
                .containsExactly("/b", "/a", "/c", "/a");
        assertThat(driven.evictions()).isEqualTo(2);
        assertThat(driven.alerts()).isEqualTo(ReferenceEvaluator.alerts(rule, events));
        assertThat(driven.statesLeft()).isZero();
    }

    @Test
    void firstSeenIsSilentWhileLearning() {
        Rule rule = KindFixtures.firstSeen("new-path", 60_000, 1000, 100);
        List<AccessEvent> events =
                List.of(
                        event(BEGINNING, "10.9.9.9", "GET", "/x", 200, "-"),
                        event(BEGINNING + 999, CLIENT, "GET", "/a", 200, "-"),
                        event(BEGINNING + 1000, CLIENT, "GET", "/a", 200, "-"),
                        event(BEGINNING + 1000, CLIENT, "GET", "/b", 200, "-"));

        List<Alert> alerts =
                DetectorDriver.run(rule, new FirstSeenDetector(rule), events, BEGINNING, 0)
                        .alerts();

        assertThat(alerts).extracting(Alert::value).containsExactly("/b");
        assertThat(alerts).isEqualTo(ReferenceEvaluator.alerts(rule, events));
    }

    @Test
    void everyStateIsEmptyOnceItsKeyHasBeenQuietForWithin() {
        List<AccessEvent> burst = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(event(BEGINNING + i * 100, CLIENT, "GET", "/p" + i, 500, "0." + i));
        }
        long quiet = BEGINNING + 900 + 2000;
        assertQuietAfter(new RatioDetector(KindFixtures.ratio("r", 2000, 1.0, 100)), burst, quiet);
        assertQuietAfter(
                new ValueDetector(
                        KindFixtures.value(
                                "v", "upstreamtime", Aggregate.P95, Comparison.GT, 9, 100, 2000)),
                burst,
                quiet);
        assertQuietAfter(
                new ValueDetector(
                        KindFixtures.value(
                                "v", "upstreamtime", Aggregate.MIN, Comparison.LT, 0, 100, 2000)),
                burst,
                quiet);
        assertQuietAfter(
                new FirstSeenDetector(KindFixtures.firstSeen("f", 2000, 0, 3)), burst, quiet);
        // A silence also waits for its deadline, here after the window.
        assertQuietAfter(
                new SilenceDetector(KindFixtures.silence("s", 2000, 3000, 1)),
                burst,
                BEGINNING + 900 + 3000);
    }

    private static <S> void assertQuietAfter(
            Detector<S> d, List<AccessEvent> events, long quietAt) {
        S s = d.newState();
        Recorder ctx = new Recorder(BEGINNING);
        for (AccessEvent e : events) {
            feed(d, s, e, ctx);
        }
        assertThat(d.isEmpty(s)).isFalse();
        long deadline;
        while ((deadline = d.nextDeadline(s)) < quietAt) {
            d.advance(s, deadline, ctx);
        }
        assertThat(d.isEmpty(s)).as("%s before %d", d, quietAt).isFalse();
        assertThat(deadline).isEqualTo(quietAt);
        d.advance(s, deadline, ctx);
        assertThat(d.isEmpty(s)).as("%s at %d", d, quietAt).isTrue();
        assertThat(d.nextDeadline(s)).isEqualTo(Long.MAX_VALUE);
    }
}
