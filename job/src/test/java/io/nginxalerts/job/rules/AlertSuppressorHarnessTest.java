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
 * {@link AlertSuppressor} behind a sequence rule whose last step is absent, fed the alerts as the
 * CEP operator gives them: a timed-out match arrives when the watermark passes firstSeen + within,
 * up to {@code within} after its lastSeen. Time moves only by {@code processWatermark}.
 */
class AlertSuppressorHarnessTest {
    /** Fires 10 minutes after three failed logins with no successful one; suppressed for 30. */
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
    static final long SUPPRESS = UNRESOLVED.suppress().toMillis();

    KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AlertSuppressor(UNRESOLVED)),
                        new AlertKeySelector(UNRESOLVED),
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void theRuleIsOneWhoseAlertsComeLate() {
        assertThat(UNRESOLVED.firesOnAbsence()).isTrue();
        assertThat(UNRESOLVED.alertDelay()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void anAlertGivenAfterTheSpanEndedIsDroppedIfItsLastSeenIsInsideTheSpan() throws Exception {
        // Failed logins at 0..2 min: given at 10 min; suppressed until 2 + 30 = 32 min.
        give(unresolved(CLIENT, minutes(0), minutes(2)));
        // Failed logins again at 25..27 min (last seen inside the span): given at 35 min, after
        // the span's end has passed.
        harness.processWatermark(minutes(34));
        give(unresolved(CLIENT, minutes(25), minutes(27)));
        harness.processWatermark(minutes(35));

        assertThat(harness.extractOutputValues())
                .as("one alert per suppress span of lastSeen, however late the alert is given")
                .extracting(Alert::lastSeen)
                .containsExactly(minutes(2));
    }

    @Test
    void anAlertWhoseLastSeenIsAfterTheSpanGetsThrough() throws Exception {
        give(unresolved(CLIENT, minutes(0), minutes(2)));
        harness.processWatermark(minutes(34));
        give(unresolved(CLIENT, minutes(31), minutes(32)));
        harness.processWatermark(minutes(42));

        assertThat(harness.extractOutputValues())
                .extracting(Alert::lastSeen)
                .containsExactly(minutes(2), minutes(32));
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
        // The span, and the delay with which an alert with lastSeen inside it can still come.
        QuietKeys.assertStateDrains(harness, clients, last, SUPPRESS + WITHIN);
        assertThat(harness.extractOutputValues()).hasSize(clients);
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
