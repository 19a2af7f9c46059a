package io.nginxalerts.job.rules;

import static io.nginxalerts.job.testing.NginxLines.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.QuietKeys;
import io.nginxalerts.job.testing.TestRules;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AlertLifecycle} behind a sequence rule whose last step is absent, fed the matches as the
 * CEP operator gives them: a timed-out match arrives when the watermark passes firstSeen + within,
 * up to {@code within} after its lastSeen. Time moves only by {@code processWatermark}.
 */
class AlertLifecycleHarnessTest {
    /** Fires 10 minutes after three failed logins with no successful one; resolved after 30. */
    static final Rule UNRESOLVED =
            TestRules.rule(
                    "login-unresolved",
                    """
                    description: failed logins and no successful one
                    severity: warning
                    group_by: [clientip]
                    sequence:
                      - match: { method: POST, url: { prefix: /login }, status: [401, 403] }
                        at_least: 3
                      - absent: { method: POST, url: { prefix: /login }, status: [200, 302] }
                    within: 10m
                    suppress: 30m
                    """);

    static final String CLIENT = "203.0.113.7";

    static final long WITHIN = UNRESOLVED.within().toMillis();
    static final long RESOLVE_AFTER = UNRESOLVED.resolveAfter().toMillis();

    KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AlertLifecycle(UNRESOLVED)),
                        new AlertKeySelector(UNRESOLVED),
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void theRuleIsOneWhoseMatchesComeLateAndSuppressIsItsResolveAfter() {
        assertThat(UNRESOLVED.firesOnAbsence()).isTrue();
        assertThat(UNRESOLVED.alertDelay()).isEqualTo(Duration.ofMinutes(10));
        assertThat(UNRESOLVED.resolveAfter()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void aMatchGivenAfterTheEpisodesEndTimeStillExtendsItIfItsLastSeenIsInside() throws Exception {
        // Failed logins at 0..2 min: given at 10 min; the episode ends at 2 + 30 = 32 min unless
        // a match with lastSeen before 32 comes, which can take until 42 min.
        Alert first = unresolved(CLIENT, minutes(0), minutes(2));
        give(first);
        // Failed logins again at 25..27 min (last seen inside): given at 35 min, after 32.
        harness.processWatermark(minutes(34));
        give(unresolved(CLIENT, minutes(25), minutes(27)));
        harness.processWatermark(minutes(27 + 30 + 10) - 1);

        assertThat(harness.extractOutputValues())
                .as("one firing record for both matches, the episode still open")
                .containsExactly(first);

        harness.processWatermark(minutes(27 + 30 + 10));
        List<Alert> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).resolved()).isTrue();
        assertThat(out.get(1).endsAt()).isEqualTo(minutes(27 + 30));
        assertThat(out.get(1).id()).isEqualTo(first.resolvedAt(minutes(57), 0).id());
        assertThat(out.get(1).fingerprint()).isEqualTo(first.fingerprint());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aMatchWhoseLastSeenIsAfterTheEpisodesEndResolvesItThenFiresAgain() throws Exception {
        Alert first = unresolved(CLIENT, minutes(0), minutes(2));
        Alert second = unresolved(CLIENT, minutes(31), minutes(32));
        give(first);
        harness.processWatermark(minutes(34));
        give(second);
        harness.processWatermark(minutes(32 + 30 + 10));

        List<Alert> out = harness.extractOutputValues();
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isEqualTo(first);
        assertThat(out.get(1).resolved()).isTrue();
        assertThat(out.get(1).endsAt()).isEqualTo(minutes(32));
        assertThat(out.get(2)).isEqualTo(second);
        assertThat(out.get(3).resolved()).isTrue();
        assertThat(out.get(3).endsAt()).isEqualTo(minutes(62));
        assertThat(out).extracting(Alert::id).doesNotHaveDuplicates();
    }

    @Test
    void stateAndTimersReturnToZeroOnceTheKeysGoQuiet() throws Exception {
        int clients = 50;
        long last = 0;
        for (int c = 0; c < clients; c++) {
            long lastSeen = minutes(c % 5);
            give(unresolved("10.0.0." + c, lastSeen - 60_000, lastSeen));
            last = Math.max(last, lastSeen);
        }
        // resolve_after, and the delay with which a match with lastSeen inside it can still come.
        QuietKeys.assertStateDrains(harness, clients, last, RESOLVE_AFTER + WITHIN);
        List<Alert> out = harness.extractOutputValues();
        assertThat(out).hasSize(2 * clients);
        assertThat(out).filteredOn(Alert::resolved).hasSize(clients);
    }

    /** The alert as CEP gives it: when the watermark passes firstSeen + within. */
    void give(Alert alert) throws Exception {
        harness.processElement(alert, alert.firstSeen() + WITHIN);
    }

    static Alert unresolved(String clientip, long firstSeen, long lastSeen) {
        return new Alert(
                UNRESOLVED.id() + "-" + clientip + "-" + lastSeen,
                UNRESOLVED.id(),
                "warning",
                Map.of("clientip", clientip),
                3,
                firstSeen,
                lastSeen,
                firstSeen + WITHIN,
                "summary",
                "description",
                List.of(),
                Alert.SCHEMA_VERSION);
    }
}
