package io.nginxalerts.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.NginxLines;
import io.nginxalerts.testing.TestAlerts;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sequence whose last step is absent, compiled by {@link RulePatterns} and run on Flink's own CEP
 * operator in a harness (as {@code CEP.pattern(...).inEventTime()} builds it), with time moved only
 * by watermarks: it fires once the watermark passes {@code within} after the first step's first
 * event and no event of the absent step came, and never if one came before.
 *
 * <p>The rule: three failed logins of one client, then no successful login, within one minute.
 */
class AbsentSequencePatternHarnessTest {
    static final Rule RULE = AbsentSequenceRules.bruteForceWithoutSuccess("no-success", 3, "60s");

    static final String CLIENT = "203.0.113.7";
    static final String OTHER_CLIENT = "198.51.100.20";

    static final long BEGINNING = NginxLines.BEGINNING.toEpochMilli();
    static final long ONE_SECOND_LATER = BEGINNING + 1_000;
    static final long TWO_SECONDS_LATER = BEGINNING + 2_000;
    static final long THIRTY_SECONDS_LATER = BEGINNING + 30_000;
    static final long ONE_MINUTE_LATER = BEGINNING + Duration.ofMinutes(1).toMillis();
    static final long JUST_BEFORE_ONE_MINUTE_LATER = ONE_MINUTE_LATER - 1;
    static final long ONE_HOUR_LATER = BEGINNING + Duration.ofHours(1).toMillis();

    KeyedOneInputStreamOperatorTestHarness<String, AccessEvent, Alert> harness;

    @BeforeEach
    void openHarness() throws Exception {
        Pattern<AccessEvent, AccessEvent> pattern = RulePatterns.compile(RULE);
        CepOperator<AccessEvent, String, Alert> cep =
                new CepOperator<>(
                        TypeInformation.of(AccessEvent.class)
                                .createSerializer(new ExecutionConfig().getSerializerConfig()),
                        false,
                        NFACompiler.compileFactory(pattern, false),
                        null,
                        pattern.getAfterMatchSkipStrategy(),
                        new MatchToAlert(RULE),
                        null);
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        cep, new RuleKeySelector(RULE), TypeInformation.of(String.class));
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void firesWhenWithinHasPassedSinceTheFirstFailureWithoutSuccess() throws Exception {
        sendFailures(CLIENT, BEGINNING, ONE_SECOND_LATER, TWO_SECONDS_LATER);

        harness.processWatermark(THIRTY_SECONDS_LATER);
        assertThat(harness.extractOutputValues()).as("the outcome is still open").isEmpty();

        harness.processWatermark(JUST_BEFORE_ONE_MINUTE_LATER);
        assertThat(harness.extractOutputValues()).as("one millisecond is left").isEmpty();

        harness.processWatermark(ONE_MINUTE_LATER);
        List<Alert> alerts = harness.extractOutputValues();
        assertThat(alerts).hasSize(1);
        Alert alert = alerts.get(0);
        assertThat(alert.rule()).isEqualTo(RULE.id());
        assertThat(alert.key()).containsEntry("clientip", CLIENT);
        assertThat(alert.count()).as("the present step's events only").isEqualTo(3);
        assertThat(alert.firstSeen()).isEqualTo(BEGINNING);
        assertThat(alert.lastSeen()).isEqualTo(TWO_SECONDS_LATER);
        assertThat(alert.evidence())
                .extracting(AccessEvent::timestamp)
                .containsExactly(BEGINNING, ONE_SECOND_LATER, TWO_SECONDS_LATER);
    }

    @Test
    void doesNotFireWhenTheAbsentEventCameWithinTheWindow() throws Exception {
        sendFailures(CLIENT, BEGINNING, ONE_SECOND_LATER, TWO_SECONDS_LATER);
        send(success(JUST_BEFORE_ONE_MINUTE_LATER, CLIENT));

        harness.processWatermark(ONE_HOUR_LATER);

        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void anAbsentEventExactlyWithinAfterTheFirstFailureComesTooLate() throws Exception {
        sendFailures(CLIENT, BEGINNING, ONE_SECOND_LATER, TWO_SECONDS_LATER);
        send(success(ONE_MINUTE_LATER, CLIENT));

        harness.processWatermark(ONE_HOUR_LATER);

        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(a -> assertThat(a.firstSeen()).isEqualTo(BEGINNING));
    }

    @Test
    void anAbsentEventOfAnotherKeyDoesNotCount() throws Exception {
        sendFailures(CLIENT, BEGINNING, ONE_SECOND_LATER, TWO_SECONDS_LATER);
        send(success(THIRTY_SECONDS_LATER, OTHER_CLIENT));

        harness.processWatermark(ONE_HOUR_LATER);

        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(a -> assertThat(a.key()).containsEntry("clientip", CLIENT));
    }

    @Test
    void tooFewFailuresOrFailuresTooFarApartDoNotFire() throws Exception {
        sendFailures(CLIENT, BEGINNING, ONE_SECOND_LATER);
        // The third failure is `within` after the first: that partial match has timed out.
        sendFailures(OTHER_CLIENT, BEGINNING, THIRTY_SECONDS_LATER, ONE_MINUTE_LATER);

        harness.processWatermark(ONE_MINUTE_LATER + 29_999);
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void aMatchSkipsPastItsLastEventSoOneBurstGivesOneAlert() throws Exception {
        // Five failures: partial matches start at each; the one from the first wins and the ones
        // that started inside it are discarded, the ones after its last event are not.
        sendFailures(
                CLIENT,
                BEGINNING,
                BEGINNING + 100,
                BEGINNING + 200,
                BEGINNING + 300,
                BEGINNING + 400,
                BEGINNING + 500);

        harness.processWatermark(ONE_HOUR_LATER);

        assertThat(harness.extractOutputValues())
                .extracting(Alert::firstSeen)
                .containsExactly(BEGINNING, BEGINNING + 300);
    }

    @Test
    void stateIsEmptyOnceTheWindowHasPassed() throws Exception {
        sendFailures(CLIENT, BEGINNING, ONE_SECOND_LATER, TWO_SECONDS_LATER);
        send(success(THIRTY_SECONDS_LATER, OTHER_CLIENT));

        harness.processWatermark(ONE_HOUR_LATER);

        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private void sendFailures(String client, long... times) throws Exception {
        for (long t : times) {
            send(TestAlerts.request(t, client, "POST", "/login", 401));
        }
    }

    private static AccessEvent success(long t, String client) {
        return TestAlerts.request(t, client, "POST", "/login", 302);
    }

    private void send(AccessEvent event) throws Exception {
        harness.processElement(event, event.timestamp());
    }
}
