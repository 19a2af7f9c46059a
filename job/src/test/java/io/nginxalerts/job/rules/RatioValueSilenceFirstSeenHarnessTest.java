package io.nginxalerts.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.job.testing.GroupHarness;
import io.nginxalerts.job.testing.NginxLines;
import io.nginxalerts.job.testing.QuietKeys;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.TestAlerts;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.junit.jupiter.api.Test;

/**
 * Ratio, value, silence and first-seen rules in {@link RuleGroupOperator}, one operator in a test
 * harness, time moved only by watermarks: once keys go quiet, every keyed state and timer is gone
 * after the span the kind keeps (its {@code within}, its {@code silent_for}, its {@code suppress});
 * and a first-seen rule's {@code max_values} evictions are counted in its {@code evicted} metric.
 */
class RatioValueSilenceFirstSeenHarnessTest {
    static final long BEGINNING = NginxLines.BEGINNING.toEpochMilli();
    static final long ONE_HOUR_LATER = BEGINNING + Duration.ofHours(1).toMillis();
    static final int CLIENTS = 20;

    /** Errors are a tenth of these clients' requests: the ratio never reaches its bound. */
    static final Rule RATIO =
            TestRules.rule(
                    "error-share",
                    """
                    severity: info
                    group_by: [clientip]
                    ratio:
                      of: { status: 4xx }
                      at_least: 50%
                      min_events: 5
                    within: 60s
                    suppress: 0s
                    """);

    /** Every response takes 1 ms: the average never exceeds the bound. */
    static final Rule VALUE =
            TestRules.rule(
                    "slow-responses",
                    """
                    severity: info
                    group_by: [clientip]
                    value:
                      field: responsetime
                      avg: { gt: 1s }
                      min_events: 5
                    within: 60s
                    suppress: 0s
                    """);

    static final Rule SILENCE =
            TestRules.rule(
                    "client-went-quiet",
                    """
                    severity: info
                    group_by: [clientip]
                    silent_for: 2m
                    min_events: 3
                    within: 60s
                    suppress: 0s
                    """);

    static final Rule FIRST_SEEN =
            TestRules.rule(
                    "new-path",
                    """
                    severity: info
                    group_by: [clientip]
                    first_seen: path
                    within: 60s
                    max_values: 2
                    resolve_after: 500ms
                    """);

    /** Suppression longer than the window: its state outlives the values. */
    static final Rule FIRST_SEEN_SUPPRESSED =
            TestRules.rule(
                    "new-path-suppressed",
                    """
                    severity: info
                    group_by: [clientip]
                    first_seen: path
                    within: 60s
                    suppress: 5m
                    """);

    @Test
    void ratioStateAndTimersAreGoneWithinAfterTheLastEvent() throws Exception {
        try (GroupHarness harness = GroupHarness.open(RATIO)) {
            long last = sendTraffic(harness);
            QuietKeys.assertStateDrains(harness, CLIENTS, last, RATIO.within().toMillis());
            assertThat(harness.alerts()).as("a tenth are errors: below the bound").isEmpty();
        }
    }

    @Test
    void valueStateAndTimersAreGoneWithinAfterTheLastEvent() throws Exception {
        try (GroupHarness harness = GroupHarness.open(VALUE)) {
            long last = sendTraffic(harness);
            QuietKeys.assertStateDrains(harness, CLIENTS, last, VALUE.within().toMillis());
            assertThat(harness.alerts()).as("1 ms on average: below the bound").isEmpty();
        }
    }

    @Test
    void silenceFiresForEveryQuietKeyAndThenHoldsNothing() throws Exception {
        try (GroupHarness harness = GroupHarness.open(SILENCE)) {
            long last = sendTraffic(harness);
            long silentFor = ((RuleKind.Silence) SILENCE.kind()).silentFor().toMillis();
            // silent_for is longer than within: the deadline, then the episode waiting
            // resolve_after to hear from the key (it does not: forgotten, no record).
            QuietKeys.assertStateDrains(
                    harness, CLIENTS, last, silentFor + SILENCE.resolveAfter().toMillis());
            assertThat(harness.alerts())
                    .as("one silence per client, since its last event")
                    .hasSize(CLIENTS)
                    .noneMatch(Alert::resolved)
                    .allSatisfy(a -> assertThat(a.silentSince()).isNotNull());
        }
    }

    @Test
    void firstSeenValuesAreGoneWithinAfterTheirLastSighting() throws Exception {
        try (GroupHarness harness = GroupHarness.open(FIRST_SEEN)) {
            long last = sendTraffic(harness);
            QuietKeys.assertStateDrains(harness, CLIENTS, last, FIRST_SEEN.within().toMillis());
            assertThat(harness.alerts()).isNotEmpty();
        }
    }

    @Test
    void firstSeenEpisodeStateIsGoneResolveAfterTheLastMatch() throws Exception {
        try (GroupHarness harness = GroupHarness.open(FIRST_SEEN_SUPPRESSED)) {
            long last = sendTraffic(harness);
            long resolveAfter = FIRST_SEEN_SUPPRESSED.resolveAfter().toMillis();
            harness.watermark(last + FIRST_SEEN_SUPPRESSED.within().toMillis());
            assertThat(harness.keyedStateEntries())
                    .as("the values have expired, the episodes have not")
                    .isPositive();
            assertThat(harness.timers()).isPositive();
            // A client's last new value is at `last` at most.
            harness.watermark(last + resolveAfter);
            QuietKeys.assertNothingLeft(harness);
            assertThat(harness.firing())
                    .as("one episode per client, later new values extend it")
                    .hasSize(CLIENTS);
            assertThat(harness.resolved()).hasSize(CLIENTS);
        }
    }

    @Test
    void firstSeenCountsEachEvictionOfTheOldestValueInItsMetric() throws Exception {
        try (GroupHarness harness = GroupHarness.open(FIRST_SEEN)) {
            String client = "203.0.113.7";
            // Five paths, max_values 2: from the third on, each evicts the oldest held.
            for (int i = 0; i < 5; i++) {
                harness.send(
                        TestAlerts.request(BEGINNING + i * 1000L, client, "GET", "/p" + i, 200));
            }
            // /p0 was evicted: new again (and evicts /p3).
            harness.send(TestAlerts.request(BEGINNING + 5000L, client, "GET", "/p0", 200));
            // /p4 is held: no alert, no eviction.
            harness.send(TestAlerts.request(BEGINNING + 6000L, client, "GET", "/p4", 200));
            harness.watermark(BEGINNING + 6000L);

            assertThat(harness.firing())
                    .extracting(Alert::value)
                    .containsExactly("/p0", "/p1", "/p2", "/p3", "/p4", "/p0");
            assertThat(counts(harness))
                    .containsEntry("rule.new-path.evicted", 4L)
                    .containsEntry("rule.new-path.alerts", 6L);

            harness.watermark(ONE_HOUR_LATER);
            QuietKeys.assertNothingLeft(harness);
        }
    }

    /** The operator's counts, read from the accumulators that back its metrics. */
    static Map<String, Long> counts(GroupHarness harness) {
        Map<String, Long> counts = new TreeMap<>();
        for (Map.Entry<String, Accumulator<?, ?>> e :
                harness.harness()
                        .getEnvironment()
                        .getAccumulatorRegistry()
                        .getUserMap()
                        .entrySet()) {
            counts.put(e.getKey(), ((Number) e.getValue().getLocalValue()).longValue());
        }
        return counts;
    }

    /**
     * Ten requests from each of {@link #CLIENTS} clients, one a second, every tenth a 404, each
     * client on its own path set; returns the last event's time.
     */
    static long sendTraffic(GroupHarness harness) throws Exception {
        long last = BEGINNING;
        for (int i = 0; i < 10; i++) {
            for (int c = 0; c < CLIENTS; c++) {
                long t = BEGINNING + i * 1000L + c;
                AccessEvent e =
                        TestAlerts.request(
                                t,
                                "10.0.3." + c,
                                "GET",
                                "/c" + c + "/p" + (i % 4),
                                i == 9 ? 404 : 200);
                assertThat(harness.send(e)).isTrue();
                last = Math.max(last, t);
            }
        }
        return last;
    }
}
