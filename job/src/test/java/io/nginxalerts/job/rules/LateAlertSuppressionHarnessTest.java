package io.nginxalerts.job.rules;

import static io.nginxalerts.job.testing.NginxLines.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.GroupHarness;
import io.nginxalerts.job.testing.QuietKeys;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.TestAlerts;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Episodes in {@link RuleGroupOperator} of a silence rule, whose alerts are given silent_for after
 * their lastSeen: an episode is resolved when the key is heard again, and forgotten (no record) if
 * it is not heard within resolve_after of the silence firing. Time moves only by watermarks.
 */
class LateAlertSuppressionHarnessTest {
    /** A client silent for 10 minutes after a request; resolve_after 1h (its within). */
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
    void aSilenceEpisodeIsResolvedWhenTheKeyIsHeardAgainAndTheNextSilenceIsANewEpisode()
            throws Exception {
        // Silent after 0: fires at 10 min (lastSeen 0). Heard at 20: resolved there. Silent
        // after 20: fires at 30 min, a new episode with a new id.
        send(minutes(0));
        send(minutes(20));
        harness.watermark(minutes(2 * 60));

        List<Alert> out = harness.alerts();
        assertThat(out)
                .extracting(Alert::status, Alert::lastSeen, Alert::endsAt)
                .containsExactly(
                        tuple(Alert.Status.FIRING, minutes(0), null),
                        tuple(Alert.Status.RESOLVED, minutes(0), minutes(20)),
                        tuple(Alert.Status.FIRING, minutes(20), null));
        assertThat(out.get(1).id()).isEqualTo(out.get(0).resolvedAt(minutes(20), 0).id());
        assertThat(out).extracting(Alert::id).doesNotHaveDuplicates();
        assertThat(out).extracting(Alert::fingerprint).containsOnly(out.get(0).fingerprint());
        // The last silence was never heard from: forgotten at its deadline plus resolve_after.
        QuietKeys.assertNothingLeft(harness);
    }

    @Test
    void aSilenceNotHeardFromWithinResolveAfterIsForgottenWithoutAResolvedRecord()
            throws Exception {
        // Fires at 10 min; forgotten at 10 + 60 = 70 min; heard only at 80: no resolved record.
        send(minutes(0));
        send(minutes(80));
        harness.watermark(minutes(3 * 60));

        assertThat(harness.alerts())
                .extracting(Alert::status, Alert::lastSeen)
                .containsExactly(
                        tuple(Alert.Status.FIRING, minutes(0)),
                        tuple(Alert.Status.FIRING, minutes(80)));
        QuietKeys.assertNothingLeft(harness);
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
        // Each key: silent_for until its alert, then resolve_after waiting to hear from it; or
        // the window of the events it counts, if longer.
        long longest =
                Math.max(
                        SILENT.within().toMillis(),
                        SILENT.alertDelay().toMillis() + SILENT.resolveAfter().toMillis());
        QuietKeys.assertStateDrains(harness, clients, last, longest);
        assertThat(harness.alerts()).hasSize(clients).noneMatch(Alert::resolved);
    }

    void send(long t) throws Exception {
        send(t, CLIENT);
    }

    void send(long t, String clientip) throws Exception {
        harness.send(TestAlerts.request(t, clientip, "GET", "/", 200));
    }
}
