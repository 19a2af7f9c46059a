package io.nginxalerts.job.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.GroupHarness;
import io.nginxalerts.job.testing.NginxLines;
import io.nginxalerts.job.testing.QuietKeys;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.TestAlerts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A distinct rule in {@link RuleGroupOperator}, as one operator in a test harness, as {@link
 * ThresholdRulesHarnessTest} tests threshold rules: time moves only by {@code processWatermark},
 * and once the keys have gone quiet and the watermark has passed their windows, no keyed state and
 * no timer is left.
 *
 * <p>The rule: 4xx responses for three different paths from one client within one minute.
 */
class DistinctRulesHarnessTest {
    static final Rule RULE =
            TestRules.rule(
                    "three-missing-paths",
                    """
                    description: three different missing paths within a minute
                    severity: warning
                    group_by: [clientip]
                    match: { status: 4xx }
                    distinct: path
                    threshold: 3
                    within: 60s
                    resolve_after: 1ms
                    """);

    /** Counts countries, a field most test events lack. */
    static final Rule COUNTRIES =
            TestRules.rule(
                    "two-countries",
                    """
                    severity: info
                    group_by: [clientip]
                    match: { status: 4xx }
                    distinct: geoip.country_code2
                    threshold: 2
                    within: 60s
                    """);

    static final String CLIENT = "203.0.113.7";
    static final String OTHER_CLIENT = "198.51.100.20";

    static final long BEGINNING = NginxLines.BEGINNING.toEpochMilli();
    static final long ONE_SECOND_LATER = BEGINNING + Duration.ofSeconds(1).toMillis();
    static final long TEN_SECONDS_LATER = BEGINNING + Duration.ofSeconds(10).toMillis();
    static final long TWENTY_SECONDS_LATER = BEGINNING + Duration.ofSeconds(20).toMillis();
    static final long THIRTY_SECONDS_LATER = BEGINNING + Duration.ofSeconds(30).toMillis();
    static final long FORTY_SECONDS_LATER = BEGINNING + Duration.ofSeconds(40).toMillis();
    static final long FIFTY_SECONDS_LATER = BEGINNING + Duration.ofSeconds(50).toMillis();
    static final long ONE_MINUTE_LATER = BEGINNING + Duration.ofMinutes(1).toMillis();
    static final long SIXTY_FIVE_SECONDS_LATER = BEGINNING + Duration.ofSeconds(65).toMillis();
    static final long SEVENTY_SECONDS_LATER = BEGINNING + Duration.ofSeconds(70).toMillis();
    static final long ONE_HOUR_LATER = BEGINNING + Duration.ofHours(1).toMillis();

    static final long WITHIN = RULE.within().toMillis();

    GroupHarness harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = GroupHarness.open(RULE);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void firesAtTheThirdDifferentPathOnceTheWatermarkPassesIt() throws Exception {
        send(missing(BEGINNING, "/a"));
        send(missing(ONE_SECOND_LATER, "/a"));
        send(missing(TEN_SECONDS_LATER, "/b"));
        send(missing(TWENTY_SECONDS_LATER, "/b"));
        send(missing(THIRTY_SECONDS_LATER, "/c"));

        harness.watermark(TWENTY_SECONDS_LATER);
        assertThat(harness.alerts()).as("two paths so far, however often").isEmpty();

        harness.watermark(THIRTY_SECONDS_LATER);
        List<StreamRecord<? extends Alert>> alerts = harness.alertRecords();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).getTimestamp())
                .as("stamped with the completing event's time")
                .isEqualTo(THIRTY_SECONDS_LATER);
        Alert alert = alerts.get(0).getValue();
        assertThat(alert.key()).containsExactly(Map.entry("clientip", CLIENT));
        assertThat(alert.distinctCount()).isEqualTo(3);
        assertThat(alert.count()).as("one event per value").isEqualTo(3);
        // The latest event of each value, oldest first.
        assertThat(alert.evidence())
                .extracting(AccessEvent::timestamp, AccessEvent::path)
                .containsExactly(
                        tuple(ONE_SECOND_LATER, "/a"),
                        tuple(TWENTY_SECONDS_LATER, "/b"),
                        tuple(THIRTY_SECONDS_LATER, "/c"));
        assertThat(alert.firstSeen()).isEqualTo(ONE_SECOND_LATER);
        assertThat(alert.lastSeen()).isEqualTo(THIRTY_SECONDS_LATER);
    }

    @Test
    void manyRepeatsOfOnePathAndOneFewerPathThanTheThresholdNeverFire() throws Exception {
        for (int i = 0; i < 500; i++) {
            send(missing(BEGINNING + i * 10L, "/favicon.ico"));
            send(missing(BEGINNING + i * 10L, i % 2 == 0 ? "/favicon.ico" : "/robots.txt"));
        }
        // A third path for another client counts for that client alone.
        send(TestAlerts.clientError(TEN_SECONDS_LATER, OTHER_CLIENT, "/other"));

        harness.watermark(ONE_HOUR_LATER);

        assertThat(harness.alerts()).isEmpty();
        QuietKeys.assertNothingLeft(harness);
    }

    @Test
    void aPathSeenExactlyWithinEarlierHasLeftTheWindow() throws Exception {
        send(missing(BEGINNING, "/a"));
        send(missing(THIRTY_SECONDS_LATER, "/b"));
        // Exactly `within` after /a: the window is (t - within, t], /a is out, as for threshold.
        send(missing(ONE_MINUTE_LATER, "/c"));

        harness.watermark(ONE_MINUTE_LATER);
        assertThat(harness.alerts()).isEmpty();

        send(missing(SEVENTY_SECONDS_LATER, "/a"));
        harness.watermark(SEVENTY_SECONDS_LATER);
        assertOneAlert(
                alert ->
                        assertThat(alert.evidence())
                                .extracting(AccessEvent::path)
                                .containsExactly("/b", "/c", "/a"));
    }

    @Test
    void aRepeatKeepsItsPathInTheWindow() throws Exception {
        send(missing(BEGINNING, "/a"));
        send(missing(TEN_SECONDS_LATER, "/b"));
        send(missing(FIFTY_SECONDS_LATER, "/a"));
        // /a's first event has expired by now, its repeat at 50 s has not.
        send(missing(SIXTY_FIVE_SECONDS_LATER, "/c"));

        harness.watermark(SIXTY_FIVE_SECONDS_LATER);

        assertOneAlert(
                alert -> {
                    assertThat(alert.evidence())
                            .extracting(AccessEvent::timestamp)
                            .containsExactly(
                                    TEN_SECONDS_LATER,
                                    FIFTY_SECONDS_LATER,
                                    SIXTY_FIVE_SECONDS_LATER);
                    assertThat(alert.firstSeen()).isEqualTo(TEN_SECONDS_LATER);
                });
    }

    @Test
    void threePathsAtTheSameMillisecondAreOneMatchInArrivalOrder() throws Exception {
        send(missing(BEGINNING, "/x"));
        send(missing(BEGINNING, "/x"));
        send(missing(BEGINNING, "/z"));
        send(missing(BEGINNING, "/y"));
        send(missing(BEGINNING, "/w"));

        harness.watermark(BEGINNING);

        // The match empties the window: /w starts a new one.
        assertOneAlert(
                alert ->
                        assertThat(alert.evidence())
                                .extracting(AccessEvent::path)
                                .containsExactly("/x", "/z", "/y"));
        assertThat(harness.keyedStateEntries()).as("/w waits for its window").isPositive();
    }

    @Test
    void everyMatchEmptiesTheWindowAndWithAShortResolveAfterEachIsAnEpisode() throws Exception {
        for (int s = 0; s < 7; s++) {
            send(missing(BEGINNING + s * 1000L, "/p" + s));
        }

        harness.watermark(ONE_HOUR_LATER);

        // resolve_after 1ms: each match is an episode of its own, with its firing record.
        assertThat(harness.firing())
                .extracting(Alert::firstSeen, Alert::lastSeen)
                .containsExactly(
                        tuple(BEGINNING, BEGINNING + 2000L),
                        tuple(BEGINNING + 3000L, BEGINNING + 5000L));
    }

    @Test
    void eventsAtOrBehindTheWatermarkGoToTheLateOutputAndDoNotCount() throws Exception {
        harness.watermark(THIRTY_SECONDS_LATER);

        AccessEvent behind = missing(BEGINNING, "/a");
        AccessEvent atTheWatermark = missing(THIRTY_SECONDS_LATER, "/b");
        send(behind);
        send(atTheWatermark);
        send(missing(FORTY_SECONDS_LATER, "/c"));
        send(missing(FORTY_SECONDS_LATER + 1, "/d"));
        harness.watermark(FORTY_SECONDS_LATER + 1);

        assertThat(lateEvents()).containsExactly(behind, atTheWatermark);
        assertThat(harness.alerts()).as("only two paths on time").isEmpty();

        send(missing(FORTY_SECONDS_LATER + 2, "/e"));
        harness.watermark(FORTY_SECONDS_LATER + 2);
        assertOneAlert(alert -> assertThat(alert.firstSeen()).isEqualTo(FORTY_SECONDS_LATER));
    }

    @Test
    void anEventWithoutTheFieldTakesPartInNoCountAndLeavesNoState() throws Exception {
        harness.close();
        harness = GroupHarness.open(COUNTRIES);

        for (int i = 0; i < 10; i++) {
            send(TestAlerts.clientError(BEGINNING + i, CLIENT, "/no-geoip-" + i));
        }
        assertThat(harness.keyedStateEntries()).as("nothing to wait for").isZero();
        assertThat(harness.timers()).isZero();

        send(inCountry(TEN_SECONDS_LATER, "NL"));
        send(inCountry(TWENTY_SECONDS_LATER, "NL"));
        send(TestAlerts.clientError(THIRTY_SECONDS_LATER, CLIENT, "/no-geoip"));
        send(inCountry(FORTY_SECONDS_LATER, "DE"));
        harness.watermark(ONE_HOUR_LATER);

        assertOneAlert(
                alert -> {
                    assertThat(alert.distinctCount()).isEqualTo(2);
                    assertThat(alert.evidence())
                            .extracting(AccessEvent::timestamp)
                            .containsExactly(TWENTY_SECONDS_LATER, FORTY_SECONDS_LATER);
                });
        QuietKeys.assertNothingLeft(harness);
    }

    @Test
    void stateAndTimersReturnToZeroOnceTheKeysGoQuiet() throws Exception {
        int clients = 100;
        long last = BEGINNING;
        for (int c = 0; c < clients; c++) {
            // 1 to 5 paths per client, each requested twice: partial windows, matches, remainders.
            int paths = 1 + c % 5;
            for (int e = 0; e < paths; e++) {
                for (int repeat = 0; repeat < 2; repeat++) {
                    long t = BEGINNING + c * 100L + e * 10_000L + repeat;
                    send(TestAlerts.clientError(t, "10.0.0." + c, "/p" + e));
                    last = Math.max(last, t);
                }
            }
        }
        QuietKeys.assertStateDrains(harness, clients, last, WITHIN);
        // 3 or 4 paths match once, at the first request of the third path. Its repeat then starts
        // the emptied window again, so 5 paths match twice ({p2, p3, p4}); 1 and 2 never.
        assertThat(harness.firing()).hasSize(4 * clients / 5);
    }

    @Test
    void aRestoredOperatorKeepsThePathsOfItsWindow() throws Exception {
        send(missing(BEGINNING, "/a"));
        harness.watermark(BEGINNING);
        // One path in the window, one event still waiting for the watermark.
        send(missing(TWENTY_SECONDS_LATER, "/b"));
        harness = harness.restart(1L, RULE);
        assertThat(harness.keyedStateEntries()).isPositive();

        send(missing(THIRTY_SECONDS_LATER, "/a"));
        harness.watermark(THIRTY_SECONDS_LATER);
        assertThat(harness.alerts()).as("/a again: still two paths").isEmpty();

        send(missing(FORTY_SECONDS_LATER, "/c"));
        harness.watermark(FORTY_SECONDS_LATER);
        assertOneAlert(
                alert -> {
                    assertThat(alert.distinctCount()).isEqualTo(3);
                    assertThat(alert.evidence())
                            .extracting(AccessEvent::timestamp, AccessEvent::path)
                            .containsExactly(
                                    tuple(TWENTY_SECONDS_LATER, "/b"),
                                    tuple(THIRTY_SECONDS_LATER, "/a"),
                                    tuple(FORTY_SECONDS_LATER, "/c"));
                });

        harness.watermark(ONE_HOUR_LATER);
        QuietKeys.assertNothingLeft(harness);
    }

    void send(AccessEvent event) throws Exception {
        harness.send(event);
    }

    /** One firing record (its episode's resolved record, if any, is not checked here). */
    void assertOneAlert(ThrowingConsumer<Alert> check) {
        assertThat(harness.firing()).singleElement().satisfies(check);
    }

    List<AccessEvent> lateEvents() {
        return harness.lateEvents();
    }

    static AccessEvent missing(long t, String path) {
        return TestAlerts.clientError(t, CLIENT, path);
    }

    static AccessEvent inCountry(long t, String country) {
        return TestAlerts.request(
                t,
                CLIENT,
                "GET",
                "/x",
                404,
                "-",
                "curl/8.0",
                Map.of("geoip.country_code2", country));
    }
}
