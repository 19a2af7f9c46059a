package io.nginxalerts.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.core.rules.Severity;
import io.nginxalerts.core.rules.Step;
import io.nginxalerts.job.testing.NginxLines;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.TestAlerts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EndOfInputGate} in a harness: absence alerts wait for a real watermark at their deadline;
 * at the end of the input they pass only if the largest event timestamp reached it, and are
 * otherwise dropped and counted; every other alert passes at once.
 */
class EndOfInputGateHarnessTest {
    static final Rule ABSENT = AbsentSequenceRules.bruteForceWithoutSuccess("no-success", 3, "60s");
    static final Rule SILENCE =
            new Rule(
                    "upstream-silent",
                    "",
                    Severity.WARNING,
                    List.of("upstreamhost"),
                    List.of(new Step(e -> true, 1)),
                    Duration.ofHours(1),
                    Duration.ZERO,
                    "test",
                    new RuleKind.Silence(Duration.ofMinutes(10), 1),
                    "");
    static final Rule THRESHOLD = TestRules.clientErrorsBurst();

    static final long BEGINNING = NginxLines.BEGINNING.toEpochMilli();
    static final long TWO_SECONDS_LATER = BEGINNING + 2_000;
    static final long ONE_MINUTE_LATER = BEGINNING + 60_000;
    static final long TEN_MINUTES_LATER = BEGINNING + Duration.ofMinutes(10).toMillis();

    TwoInputStreamOperatorTestHarness<Alert, Long, Alert> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = harness();
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void otherAlertsPassAtOnce() throws Exception {
        Alert burst = alert(THRESHOLD, BEGINNING, TWO_SECONDS_LATER, null);

        harness.processElement1(burst, TWO_SECONDS_LATER);

        assertThat(harness.extractOutputValues()).containsExactly(burst);
    }

    @Test
    void anAbsentSequenceAlertWaitsForAWatermarkAtFirstSeenPlusWithin() throws Exception {
        Alert absent = giveAbsent();

        harness.processBothWatermarks(new Watermark(ONE_MINUTE_LATER - 1));
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processBothWatermarks(new Watermark(ONE_MINUTE_LATER));
        assertThat(harness.extractOutputValues()).containsExactly(absent);
    }

    @Test
    void aSilenceAlertWaitsForAWatermarkAtSilentSincePlusSilentFor() throws Exception {
        Alert silent = alert(SILENCE, BEGINNING - 5_000, BEGINNING, BEGINNING);
        harness.processElement1(silent, TEN_MINUTES_LATER);

        harness.processBothWatermarks(new Watermark(TEN_MINUTES_LATER - 1));
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processBothWatermarks(new Watermark(TEN_MINUTES_LATER));
        assertThat(harness.extractOutputValues()).containsExactly(silent);
    }

    @Test
    void anAlertWhoseDeadlineTheWatermarkAlreadyPassedPassesAtOnce() throws Exception {
        harness.processBothWatermarks(new Watermark(TEN_MINUTES_LATER));

        Alert absent = alert(ABSENT, BEGINNING, TWO_SECONDS_LATER, null);
        harness.processElement1(absent, TEN_MINUTES_LATER);

        assertThat(harness.extractOutputValues()).containsExactly(absent);
    }

    @Test
    void atTheEndOfInputAnAlertPassesIfSomeEventReachedItsDeadline() throws Exception {
        Alert absent = giveAbsent();
        harness.processBothWatermarks(new Watermark(BEGINNING));

        // Watermarks lag the events (out-of-orderness): the largest event is at the deadline.
        harness.processElement2(ONE_MINUTE_LATER, ONE_MINUTE_LATER);
        harness.processElement2(BEGINNING, BEGINNING);
        endOfInput();

        assertThat(harness.extractOutputValues()).containsExactly(absent);
        assertThat(gate().undecidedAtEnd()).isZero();
        assertThat(harness.getOutput())
                .as("the end-of-input watermark is forwarded after the decision")
                .last()
                .isEqualTo(Watermark.MAX_WATERMARK);
    }

    @Test
    void atTheEndOfInputAnAlertNoEventReachedIsDroppedAndCounted() throws Exception {
        Alert decided = alert(ABSENT, BEGINNING - 60_000, BEGINNING - 50_000, null);
        Alert undecided = alert(ABSENT, BEGINNING, TWO_SECONDS_LATER, null);
        Alert otherUndecided = alert(SILENCE, BEGINNING, BEGINNING + 1_000, BEGINNING + 1_000);
        Alert burst = alert(THRESHOLD, BEGINNING, TWO_SECONDS_LATER, null);
        harness.processElement1(decided, BEGINNING);
        harness.processElement1(undecided, BEGINNING);
        harness.processElement1(otherUndecided, BEGINNING);
        harness.processElement1(burst, BEGINNING);

        harness.processElement2(ONE_MINUTE_LATER - 1, ONE_MINUTE_LATER - 1);
        endOfInput();

        assertThat(harness.extractOutputValues()).containsExactly(burst, decided);
        assertThat(gate().undecidedAtEnd()).isEqualTo(2L);
    }

    @Test
    void theEndOfInputWatermarkWaitsUntilBothInputsHaveEnded() throws Exception {
        Alert absent = giveAbsent();

        harness.processBothWatermarks(Watermark.MAX_WATERMARK);
        harness.endInput1();
        assertThat(harness.getOutput()).as("the largest event time has not come yet").isEmpty();

        harness.processElement2(TEN_MINUTES_LATER, TEN_MINUTES_LATER);
        harness.endInput2();
        assertThat(harness.extractOutputValues()).containsExactly(absent);
        assertThat(harness.getOutput()).last().isEqualTo(Watermark.MAX_WATERMARK);
    }

    @Test
    void heldAlertsAndTheLargestEventTimeSurviveARestore() throws Exception {
        Alert absent = giveAbsent();
        harness.processElement2(ONE_MINUTE_LATER, ONE_MINUTE_LATER);
        OperatorSubtaskState snapshot = harness.snapshot(1L, TWO_SECONDS_LATER);
        harness.close();

        harness = harness();
        harness.initializeState(snapshot);
        harness.open();
        endOfInput();

        assertThat(harness.extractOutputValues()).containsExactly(absent);
    }

    @Test
    void noRuleFiringOnAbsenceMeansNoGate() {
        assertThat(EndOfInputGate.deadline(THRESHOLD)).isNull();
        assertThat(EndOfInputGate.deadline(ABSENT))
                .isEqualTo(new EndOfInputGate.Deadline(false, 60_000));
        assertThat(EndOfInputGate.deadline(SILENCE))
                .isEqualTo(new EndOfInputGate.Deadline(true, 600_000));
    }

    /**
     * Gives the gate an alert of {@link #ABSENT} whose match ran from {@link #BEGINNING} to {@link
     * #TWO_SECONDS_LATER} (its deadline: {@link #ONE_MINUTE_LATER}), when CEP would; returns it.
     */
    private Alert giveAbsent() throws Exception {
        Alert absent = alert(ABSENT, BEGINNING, TWO_SECONDS_LATER, null);
        harness.processElement1(absent, TWO_SECONDS_LATER);
        return absent;
    }

    private void endOfInput() throws Exception {
        harness.processBothWatermarks(Watermark.MAX_WATERMARK);
        harness.endInput1();
        harness.endInput2();
    }

    private EndOfInputGate gate() {
        return (EndOfInputGate) harness.getOperator();
    }

    private static TwoInputStreamOperatorTestHarness<Alert, Long, Alert> harness()
            throws Exception {
        return new TwoInputStreamOperatorTestHarness<>(
                new EndOfInputGate(List.of(ABSENT, SILENCE, THRESHOLD)));
    }

    private static Alert alert(Rule rule, long firstSeen, long lastSeen, Long silentSince) {
        return new Alert(
                rule.id() + "-" + firstSeen,
                rule.id(),
                rule.severity().code(),
                Map.of("clientip", "203.0.113.7"),
                3,
                firstSeen,
                lastSeen,
                0L,
                "",
                "",
                List.of(TestAlerts.clientError(firstSeen, "203.0.113.7", "/login")),
                Alert.SCHEMA_VERSION,
                null,
                null,
                null,
                silentSince,
                null);
    }
}
