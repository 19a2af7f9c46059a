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
 * A threshold rule in {@link RuleGroupOperator}, as one operator in a test harness, the way
 * flink-training's {@code LongRidesUnitTest} tests its process function: time moves only by {@code
 * processWatermark}, and once the keys have gone quiet and the watermark has passed their windows,
 * no keyed state and no timer is left.
 *
 * <p>The rule: three 4xx responses from one client within one minute, suppressed for ten minutes
 * (suppression is the operator's too).
 */
class ThresholdRulesHarnessTest {
    static final Rule RULE =
            TestRules.rule(
                    "three-client-errors",
                    """
                    description: three client errors within a minute
                    severity: warning
                    group_by: [clientip]
                    match: { status: 4xx }
                    threshold: 3
                    within: 60s
                    suppress: 10m
                    """);

    static final String CLIENT = "203.0.113.7";
    static final String OTHER_CLIENT = "198.51.100.20";

    /** Named time fixtures, as in flink-training. */
    static final long BEGINNING = NginxLines.BEGINNING.toEpochMilli();

    static final long ONE_SECOND_LATER = BEGINNING + Duration.ofSeconds(1).toMillis();
    static final long TWO_SECONDS_LATER = BEGINNING + Duration.ofSeconds(2).toMillis();
    static final long TWENTY_SECONDS_LATER = BEGINNING + Duration.ofSeconds(20).toMillis();
    static final long THIRTY_SECONDS_LATER = BEGINNING + Duration.ofSeconds(30).toMillis();
    static final long FORTY_SECONDS_LATER = BEGINNING + Duration.ofSeconds(40).toMillis();
    static final long ONE_MINUTE_LATER = BEGINNING + Duration.ofMinutes(1).toMillis();
    static final long JUST_BEFORE_ONE_MINUTE_LATER = ONE_MINUTE_LATER - 1;
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
    void firesOnceTheWatermarkPassesTheThirdEventWithinTheWindow() throws Exception {
        send(clientError(BEGINNING, CLIENT));
        send(clientError(TWENTY_SECONDS_LATER, CLIENT));
        send(clientError(JUST_BEFORE_ONE_MINUTE_LATER, CLIENT));

        harness.watermark(TWENTY_SECONDS_LATER);
        assertThat(harness.alerts())
                .as("the third event waits until the watermark passes it")
                .isEmpty();

        harness.watermark(JUST_BEFORE_ONE_MINUTE_LATER);
        List<StreamRecord<? extends Alert>> alerts = harness.alertRecords();
        assertThat(alerts).hasSize(1);
        StreamRecord<? extends Alert> record = alerts.get(0);
        assertThat(record.getTimestamp())
                .as("stamped with the completing event's time, as CEP does")
                .isEqualTo(JUST_BEFORE_ONE_MINUTE_LATER);
        Alert alert = record.getValue();
        assertThat(alert.rule()).isEqualTo(RULE.id());
        assertThat(alert.key()).containsExactly(Map.entry("clientip", CLIENT));
        assertThat(alert.count()).isEqualTo(3);
        assertThat(alert.firstSeen()).isEqualTo(BEGINNING);
        assertThat(alert.lastSeen()).isEqualTo(JUST_BEFORE_ONE_MINUTE_LATER);
    }

    @Test
    void twoEventsAreNotEnough() throws Exception {
        send(clientError(BEGINNING, CLIENT));
        send(clientError(ONE_SECOND_LATER, CLIENT));
        send(clientError(TWO_SECONDS_LATER, OTHER_CLIENT));

        harness.watermark(ONE_HOUR_LATER);

        assertThat(harness.alerts()).as("each client is counted alone").isEmpty();
    }

    @Test
    void doesNotFireWhenTheEventsSpanTheWholeWindow() throws Exception {
        send(clientError(BEGINNING, CLIENT));
        send(clientError(THIRTY_SECONDS_LATER, CLIENT));
        // Exactly `within` after the first: that one has expired, as in CEP's within().
        send(clientError(ONE_MINUTE_LATER, CLIENT));

        harness.watermark(ONE_MINUTE_LATER);
        assertThat(harness.alerts()).isEmpty();

        // The window slides: the second, third and fourth events are within one minute.
        send(clientError(SEVENTY_SECONDS_LATER, CLIENT));
        harness.watermark(SEVENTY_SECONDS_LATER);
        assertOneAlert(
                alert -> {
                    assertThat(alert.firstSeen()).isEqualTo(THIRTY_SECONDS_LATER);
                    assertThat(alert.lastSeen()).isEqualTo(SEVENTY_SECONDS_LATER);
                });
    }

    @Test
    void countsOutOfOrderEventsInEventTimeOrder() throws Exception {
        send(TestAlerts.clientError(FORTY_SECONDS_LATER, CLIENT, "/third"));
        send(TestAlerts.clientError(BEGINNING, CLIENT, "/first"));
        send(TestAlerts.clientError(TWENTY_SECONDS_LATER, CLIENT, "/second"));

        harness.watermark(FORTY_SECONDS_LATER);

        assertOneAlertWithEvidence("/first", "/second", "/third");
    }

    @Test
    void threeEventsAtTheSameMillisecondAreOneMatchInArrivalOrder() throws Exception {
        for (int i = 0; i < 3; i++) {
            send(TestAlerts.clientError(BEGINNING, CLIENT, "/same/" + i));
        }

        harness.watermark(BEGINNING);

        assertOneAlertWithEvidence("/same/0", "/same/1", "/same/2");
    }

    @Test
    void eventsAtOrBehindTheWatermarkGoToTheLateOutputAndDoNotCount() throws Exception {
        harness.watermark(THIRTY_SECONDS_LATER);

        AccessEvent behind = clientError(BEGINNING, CLIENT);
        AccessEvent atTheWatermark = clientError(THIRTY_SECONDS_LATER, CLIENT);
        send(behind);
        send(atTheWatermark);
        send(clientError(FORTY_SECONDS_LATER, CLIENT));
        send(clientError(FORTY_SECONDS_LATER + 1, CLIENT));
        harness.watermark(FORTY_SECONDS_LATER + 1);

        assertThat(lateEvents()).containsExactly(behind, atTheWatermark);
        assertThat(harness.alerts()).as("only two events on time").isEmpty();

        send(clientError(FORTY_SECONDS_LATER + 2, CLIENT));
        harness.watermark(FORTY_SECONDS_LATER + 2);
        assertOneAlert(alert -> assertThat(alert.firstSeen()).isEqualTo(FORTY_SECONDS_LATER));
    }

    @Test
    void aMatchWithinTheSuppressSpanOfTheLastAlertIsDropped() throws Exception {
        // Seven events within seconds, far inside the rule's ten minutes of suppression.
        for (int s = 0; s < 7; s++) {
            send(clientError(BEGINNING + s * 1000L, CLIENT));
        }

        harness.watermark(ONE_HOUR_LATER);

        // A match empties the window (skip past the last event): 2 matches, the 7th left over;
        // the second match extends the first one's episode: one firing, one resolved record.
        assertThat(harness.firing())
                .extracting(Alert::firstSeen, Alert::lastSeen)
                .containsExactly(tuple(BEGINNING, BEGINNING + 2000L));
        assertThat(harness.resolved()).hasSize(1);
    }

    @Test
    void aMatchAfterTheSuppressSpanIsAnAlertAgain() throws Exception {
        for (int s = 0; s < 3; s++) {
            send(clientError(BEGINNING + s * 1000L, CLIENT));
        }
        long afterSpan = BEGINNING + 2000L + RULE.suppress().toMillis();
        for (int s = 0; s < 3; s++) {
            send(clientError(afterSpan + s * 1000L, CLIENT));
        }

        harness.watermark(ONE_HOUR_LATER);

        assertThat(harness.firing())
                .extracting(Alert::firstSeen)
                .containsExactly(BEGINNING, afterSpan);
        // The first episode ends exactly where the second match is: resolved, then firing.
        assertThat(harness.alerts())
                .extracting(Alert::status, Alert::endsAt)
                .containsExactly(
                        tuple(Alert.Status.FIRING, null),
                        tuple(Alert.Status.RESOLVED, afterSpan),
                        tuple(Alert.Status.FIRING, null),
                        tuple(
                                Alert.Status.RESOLVED,
                                afterSpan + 2000L + RULE.resolveAfter().toMillis()));
        QuietKeys.assertNothingLeft(harness);
    }

    @Test
    void stateAndTimersReturnToZeroOnceTheKeysGoQuiet() throws Exception {
        int clients = 100;
        long last = BEGINNING;
        for (int c = 0; c < clients; c++) {
            // 1 to 5 events per client: partial windows, matches, matches with a remainder.
            int events = 1 + c % 5;
            for (int e = 0; e < events; e++) {
                long t = BEGINNING + c * 100L + e * 10_000L;
                send(clientError(t, "10.0.0." + c));
                last = Math.max(last, t);
            }
        }
        // Suppression spans outlast the windows: the state is gone once both have passed.
        QuietKeys.assertStateDrains(
                harness, clients, last, Math.max(WITHIN, RULE.resolveAfter().toMillis()));
        // Clients with 3 or 4 events match once, those with 5 once; 1 and 2 never. Each
        // episode is resolved once the keys are quiet.
        assertThat(harness.firing()).hasSize(3 * clients / 5);
        assertThat(harness.resolved()).hasSize(3 * clients / 5);
    }

    @Test
    void aRestoredOperatorKeepsThePartialCount() throws Exception {
        send(clientError(BEGINNING, CLIENT));
        harness.watermark(BEGINNING);
        // One event in the window, one still waiting for the watermark.
        send(clientError(TWENTY_SECONDS_LATER, CLIENT));
        harness = harness.restart(1L, RULE);
        assertThat(harness.keyedStateEntries()).isPositive();

        send(clientError(FORTY_SECONDS_LATER, CLIENT));
        harness.watermark(FORTY_SECONDS_LATER);
        assertOneAlert(
                alert -> {
                    assertThat(alert.count()).isEqualTo(3);
                    assertThat(alert.firstSeen()).isEqualTo(BEGINNING);
                    assertThat(alert.lastSeen()).isEqualTo(FORTY_SECONDS_LATER);
                });

        harness.watermark(ONE_HOUR_LATER);
        QuietKeys.assertNothingLeft(harness);
    }

    void send(AccessEvent event) throws Exception {
        harness.send(event);
    }

    /** Asserts that the operator has emitted one alert, which satisfies {@code check}. */
    void assertOneAlert(ThrowingConsumer<Alert> check) {
        assertThat(harness.alerts()).singleElement().satisfies(check);
    }

    /** Asserts that the operator has emitted one alert, for these urls in this order. */
    void assertOneAlertWithEvidence(String... urls) {
        assertOneAlert(
                alert ->
                        assertThat(alert.evidence())
                                .extracting(AccessEvent::url)
                                .containsExactly(urls));
    }

    List<AccessEvent> lateEvents() {
        return harness.lateEvents();
    }

    static AccessEvent clientError(long t, String clientip) {
        return TestAlerts.clientError(t, clientip, "/missing");
    }
}
