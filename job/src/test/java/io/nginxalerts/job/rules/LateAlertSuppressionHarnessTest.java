package io.nginxalerts.job.rules;

import static io.nginxalerts.job.testing.NginxLines.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.GroupHarness;
import io.nginxalerts.job.testing.QuietKeys;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.TestAlerts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Suppression in {@link RuleGroupOperator} for a rule whose alerts are given after their lastSeen:
 * a silence rule fires at lastSeen + silent_for, so the span of an alert must be kept that much
 * longer than {@code lastSeen + suppress}, or a second alert with lastSeen inside the span, given
 * after the span's end, gets through. Time moves only by watermarks.
 */
class LateAlertSuppressionHarnessTest {
    /** A client silent for 10 minutes after a request; suppressed for 30. */
    static final Rule SILENT =
            TestRules.rule(
                    "client-silent",
                    """
                    severity: info
                    group_by: [clientip]
                    silent_for: 10m
                    within: 1h
                    suppress: 30m
                    """);

    static final String CLIENT = "203.0.113.7";

    GroupHarness harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = GroupHarness.open(SILENT);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void aSilenceAlertGivenAfterTheSpanEndedIsDroppedIfItsLastSeenIsInsideTheSpan()
            throws Exception {
        // Silent after 0: an alert at 10 min, lastSeen 0, suppressed until 30 min.
        send(minutes(0));
        // Silent after 20 (inside the span): an alert at 30 min, when the span's end is reached.
        send(minutes(20));
        harness.watermark(minutes(2 * 60));

        assertThat(harness.alerts())
                .as("one alert per suppress span of lastSeen, however late the alert is given")
                .extracting(Alert::lastSeen)
                .containsExactly(minutes(0));
        QuietKeys.assertNothingLeft(harness);
    }

    @Test
    void aSilenceAlertWhoseLastSeenIsAfterTheSpanGetsThrough() throws Exception {
        send(minutes(0));
        send(minutes(30));
        harness.watermark(minutes(2 * 60));

        assertThat(harness.alerts())
                .extracting(Alert::lastSeen)
                .containsExactly(minutes(0), minutes(30));
    }

    @Test
    void stateAndTimersReturnToZeroOnceTheKeysGoQuiet() throws Exception {
        int clients = 50;
        long last = 0;
        for (int c = 0; c < clients; c++) {
            long t = minutes(c % 5);
            send(t, "10.0.0." + c);
            last = Math.max(last, t);
        }
        // Each key: silent_for until its alert, then the span and the delay of a late alert;
        // or the window of the events it counts, if longer.
        long longest =
                Math.max(
                        SILENT.within().toMillis(),
                        SILENT.alertDelay().toMillis()
                                + SILENT.suppress().toMillis()
                                + SILENT.alertDelay().toMillis());
        QuietKeys.assertStateDrains(harness, clients, last, longest);
        assertThat(harness.alerts()).hasSize(clients);
    }

    void send(long t) throws Exception {
        send(t, CLIENT);
    }

    void send(long t, String clientip) throws Exception {
        harness.send(TestAlerts.request(t, clientip, "GET", "/", 200));
    }
}
