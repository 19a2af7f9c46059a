package io.nginxalerts.testing.reference;

import static io.nginxalerts.testing.reference.KindFixtures.maxTime;
import static io.nginxalerts.testing.reference.KindFixtures.minTime;
import static io.nginxalerts.testing.reference.KindFixtures.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.detect.Detector;
import io.nginxalerts.core.detect.FirstSeenDetector;
import io.nginxalerts.core.detect.RatioDetector;
import io.nginxalerts.core.detect.SilenceDetector;
import io.nginxalerts.core.detect.ValueDetector;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.core.rules.RuleKind.Aggregate;
import io.nginxalerts.core.rules.RuleKind.Comparison;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each detector, run per key as its contract says ({@link DetectorDriver}), gives exactly the
 * alerts of the literal definition ({@link ReferenceEvaluator}) on generated traffic: ids,
 * evidence, summaries, counts and times, for several seeds and rules whose windows, thresholds and
 * gaps fall on the traffic's steps (events exactly {@code within} apart, equal timestamps, silences
 * exactly {@code silent_for} long).
 */
class DetectorDifferentialTest {
    private static final long[] SEEDS = {1, 2, 3, 42, 2026};
    private static final int EVENTS = 3_000;

    static Stream<Arguments> rules() {
        return Stream.of(
                        // Ratio: at the threshold exactly (1 of 2, 2 of 4 ...), min_events edges.
                        KindFixtures.ratio("half-of-4-in-1s", 1000, 0.5, 4),
                        KindFixtures.ratio("third-of-3-in-2s", 2000, 1.0 / 3, 3),
                        KindFixtures.ratio("quarter-of-1-in-500ms", 500, 0.25, 1),
                        KindFixtures.ratio("all-of-3-in-1s", 1000, 1.0, 3),
                        KindFixtures.ratio("5pct-of-6-in-20s", 20_000, 0.05, 6),
                        // Value: every aggregate, bounds on the values the traffic has.
                        KindFixtures.value(
                                "avg-gt-1",
                                "upstreamtime",
                                Aggregate.AVG,
                                Comparison.GT,
                                1.0,
                                3,
                                2000),
                        KindFixtures.value(
                                "max-gte-3",
                                "upstreamtime",
                                Aggregate.MAX,
                                Comparison.GTE,
                                3.0,
                                2,
                                1000),
                        KindFixtures.value(
                                "min-lt-0.1",
                                "upstreamtime",
                                Aggregate.MIN,
                                Comparison.LT,
                                0.1,
                                4,
                                2000),
                        KindFixtures.value(
                                "p50-gt-0.5",
                                "upstreamtime",
                                Aggregate.P50,
                                Comparison.GT,
                                0.5,
                                3,
                                1000),
                        KindFixtures.value(
                                "p90-gte-2",
                                "upstreamtime",
                                Aggregate.P90,
                                Comparison.GTE,
                                2.0,
                                5,
                                2000),
                        KindFixtures.value(
                                "p95-gt-1",
                                "upstreamtime",
                                Aggregate.P95,
                                Comparison.GT,
                                1.0,
                                2,
                                1000),
                        KindFixtures.value(
                                "p99-lte-0.2",
                                "upstreamtime",
                                Aggregate.P99,
                                Comparison.LTE,
                                0.2,
                                2,
                                4000),
                        KindFixtures.value(
                                "size-avg", "size", Aggregate.AVG, Comparison.GTE, 153, 4, 1000),
                        // Silence: gaps exactly silent_for, windows shorter and longer than it.
                        KindFixtures.silence("quiet-1s-after-1", 1000, 1000, 1),
                        KindFixtures.silence("quiet-2s-after-3-in-2s", 2000, 2000, 3),
                        KindFixtures.silence("quiet-4s-after-2-in-1s", 1000, 4000, 2),
                        // First seen: learning, expiry on the steps, eviction at max_values.
                        KindFixtures.firstSeen("new-path-in-2s", 2000, 0, 10_000),
                        KindFixtures.firstSeen("new-path-3-values", 4000, 1000, 3),
                        KindFixtures.firstSeen("new-path-1-value", 60_000, 5000, 1))
                .map(Arguments::of);
    }

    static Detector<?> detector(Rule rule) {
        if (rule.kind() instanceof RuleKind.Ratio) {
            return new RatioDetector(rule);
        } else if (rule.kind() instanceof RuleKind.Value) {
            return new ValueDetector(rule);
        } else if (rule.kind() instanceof RuleKind.Silence) {
            return new SilenceDetector(rule);
        } else if (rule.kind() instanceof RuleKind.FirstSeen) {
            return new FirstSeenDetector(rule);
        }
        throw new IllegalArgumentException(rule.id());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void detectorGivesTheReferenceAlertsOnBoundedInput(Rule rule) {
        long total = 0;
        for (long seed : SEEDS) {
            List<AccessEvent> events = traffic(seed, EVENTS);
            DetectorDriver.Result driven =
                    DetectorDriver.run(
                            rule, detector(rule), events, minTime(events), maxTime(events));
            ReferenceEvaluator.Result reference =
                    ReferenceEvaluator.evaluate(rule, events, minTime(events), maxTime(events));

            assertThat(driven.alerts())
                    .as("%s, seed %d", rule.id(), seed)
                    .containsExactlyElementsOf(reference.alerts());
            assertThat(reference.alerts()).isEqualTo(ReferenceEvaluator.alerts(rule, events));
            assertThat(driven.evictions()).isEqualTo(reference.evictions());
            total += reference.alerts().size();
        }
        // The comparison means something only if the rule fired often.
        assertThat(total).as("alerts of %s", rule.id()).isGreaterThan(20);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void everyKeyStateIsDroppedOnceEventTimeMovesOn(Rule rule) {
        List<AccessEvent> events = traffic(7, EVENTS);
        DetectorDriver.Result driven =
                DetectorDriver.run(rule, detector(rule), events, minTime(events), Long.MAX_VALUE);

        assertThat(driven.statesLeft()).isZero();
        assertThat(driven.alerts())
                .containsExactlyElementsOf(
                        ReferenceEvaluator.evaluate(rule, events, minTime(events), Long.MAX_VALUE)
                                .alerts());
    }
}
