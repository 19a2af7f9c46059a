package io.nginxalerts.job.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.rules.AlertKeySelector;
import io.nginxalerts.job.rules.AlertLifecycle;
import io.nginxalerts.job.rules.MatchToAlert;
import io.nginxalerts.job.rules.RuleKeySelector;
import io.nginxalerts.job.rules.RulePatterns;
import io.nginxalerts.job.testing.GroupHarness;
import io.nginxalerts.job.testing.NginxLines;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.TestAlerts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keyed state does not grow with the number of distinct clients ever seen: many client IPs pass
 * through a rule's matcher (CEP and its suppressor, or the grouped operator {@code
 * RuleGroupOperator} that threshold rules run on by default, suppression included), and once the
 * watermark has passed their windows and suppression spans every key's state and every timer is
 * gone again (the habit of flink-training's {@code LongRidesUnitTest}: time moves only by {@code
 * processWatermark}, then {@code numKeyedStateEntries()} and {@code numEventTimeTimers()} are
 * asserted).
 *
 * <p>CI runs {@value #DEFAULT_KEYS} keys. The full run with a million distinct client IPs:
 *
 * <pre>
 * mvn -pl job test -Dtest=StateBoundTest -Dnginx-alerts.state.keys=1000000
 * </pre>
 *
 * (or {@code NGINX_ALERTS_STATE_KEYS=1000000}). Keys arrive in rounds of at most {@value
 * #ROUND_KEYS}, each round one minute of event time after the previous one, as clients come and go;
 * the state held at any time is bounded by the clients active within one window, never by the
 * total.
 */
class StateBoundTest {
    static final int DEFAULT_KEYS = 10_000;
    static final int ROUND_KEYS = 50_000;

    /** Named time fixtures, as in flink-training. */
    static final long BEGINNING = NginxLines.BEGINNING.toEpochMilli();

    static final long ONE_MINUTE = Duration.ofMinutes(1).toMillis();

    static int keys() {
        String value = System.getProperty("nginx-alerts.state.keys");
        if (value == null || value.isBlank()) {
            value = System.getenv("NGINX_ALERTS_STATE_KEYS");
        }
        return value == null || value.isBlank() ? DEFAULT_KEYS : Integer.parseInt(value.trim());
    }

    /** The operators a rule's matches can run on. */
    enum Matcher {
        CEP,
        GROUPED;

        Driven open(Rule rule) throws Exception {
            if (this == CEP) {
                KeyedOneInputStreamOperatorTestHarness<String, AccessEvent, Alert> h =
                        cepHarness(rule);
                h.open();
                return new Driven() {
                    @Override
                    public int entries() {
                        return h.numKeyedStateEntries();
                    }

                    @Override
                    public int timers() {
                        return h.numEventTimeTimers();
                    }

                    @Override
                    public void send(AccessEvent e) throws Exception {
                        h.processElement(e, e.timestamp());
                    }

                    @Override
                    public void watermark(long t) throws Exception {
                        h.processWatermark(t);
                    }

                    @Override
                    public List<Alert> alerts() {
                        return h.extractOutputValues();
                    }

                    @Override
                    public void close() throws Exception {
                        h.close();
                    }
                };
            }
            GroupHarness h = GroupHarness.open(rule);
            return new Driven() {
                @Override
                public int entries() {
                    return h.keyedStateEntries();
                }

                @Override
                public int timers() {
                    return h.timers();
                }

                @Override
                public void send(AccessEvent e) throws Exception {
                    h.send(e);
                }

                @Override
                public void watermark(long t) throws Exception {
                    h.watermark(t);
                }

                @Override
                public List<Alert> alerts() {
                    return h.alerts();
                }

                @Override
                public void close() throws Exception {
                    h.close();
                }
            };
        }
    }

    /** A matcher in a test harness, opened. */
    interface Driven extends AutoCloseable {
        int entries();

        int timers();

        void send(AccessEvent e) throws Exception;

        void watermark(long t) throws Exception;

        List<Alert> alerts();
    }

    static Stream<Arguments> matchersAndTraffic() {
        Rule burst = TestRules.clientErrorsBurst(); // 20 × 4xx within 60 s
        Rule bruteForce = TestRules.loginBruteForceSuccess(); // 5 failed logins, a success: 10 min
        return Stream.of(
                Arguments.of(
                        "CEP state of a threshold rule: each client's 3 of 20 × 4xx time out",
                        Matcher.CEP,
                        burst,
                        3,
                        0,
                        404,
                        "GET",
                        "/missing"),
                Arguments.of(
                        "CEP state of a sequence rule: each client's 2 failed logins time out",
                        Matcher.CEP,
                        bruteForce,
                        2,
                        0,
                        401,
                        "POST",
                        "/login"),
                Arguments.of(
                        "grouped operator, threshold rule (the default): each client's 3 of 20"
                                + " expire",
                        Matcher.GROUPED,
                        burst,
                        3,
                        0,
                        404,
                        "GET",
                        "/missing"),
                Arguments.of(
                        "grouped operator after every key matched: 22 × 4xx per client, one"
                                + " match empties the window, the 2 left over expire, then the"
                                + " suppression span",
                        Matcher.GROUPED,
                        burst,
                        22,
                        1,
                        404,
                        "GET",
                        "/missing"));
    }

    /**
     * Sends {@code eventsPerKey} events a second apart for every key, round by round, and checks
     * that after each round's windows the operator holds what it held when opened (zero for the
     * sliding count; CEP keeps a few entries that do not depend on keys) and no timer.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("matchersAndTraffic")
    void keyedStateReturnsToBaselineForEveryKey(
            String description,
            Matcher matcher,
            Rule rule,
            int eventsPerKey,
            int alertsPerKey,
            int status,
            String method,
            String url)
            throws Exception {
        int keys = keys();
        long within = rule.within().toMillis();
        // An episode (inside the grouped operator, after CEP in its own) outlasts the window.
        long span = Math.max(within, rule.resolveAfter().toMillis());
        try (Driven harness = matcher.open(rule)) {
            int baseline = harness.entries();
            if (matcher == Matcher.GROUPED) {
                assertThat(baseline).as("the grouped operator starts without state").isZero();
            }
            long roundStart = BEGINNING;
            int maxEntries = 0;
            for (int first = 0; first < keys; first += ROUND_KEYS) {
                int last = Math.min(keys, first + ROUND_KEYS);
                for (int e = 0; e < eventsPerKey; e++) {
                    for (int k = first; k < last; k++) {
                        long t = roundStart + e * 1000L;
                        harness.send(TestAlerts.request(t, ip(k), method, url, status));
                    }
                }
                maxEntries = Math.max(maxEntries, harness.entries());
                // Past this round's windows: every partial match of the round has timed out.
                long watermark = roundStart + eventsPerKey * 1000L + span + 1;
                harness.watermark(watermark);
                assertThat(harness.entries())
                        .as("keyed state after the watermark passed keys %d..%d", first, last)
                        .isEqualTo(baseline);
                assertThat(harness.timers()).isZero();
                roundStart = watermark + ONE_MINUTE;
            }
            // Every episode is resolved once its keys are quiet: a resolved record per firing.
            assertThat(harness.alerts().stream().filter(a -> !a.resolved()))
                    .as("alerts: %d per client", alertsPerKey)
                    .hasSize(keys * alertsPerKey);
            assertThat(harness.alerts().stream().filter(Alert::resolved))
                    .as("resolved records: %d per client", alertsPerKey)
                    .hasSize(keys * alertsPerKey);
            // While a round is open there is state (the test is not vacuous), proportional to
            // that round's clients only.
            assertThat(maxEntries).isGreaterThanOrEqualTo(Math.min(keys, ROUND_KEYS) + baseline);
            assertThat(maxEntries).isLessThanOrEqualTo(Math.min(keys, ROUND_KEYS) * 8 + baseline);
        }
    }

    @Test
    void episodeStateIsClearedByItsTimerForEveryKey() throws Exception {
        Rule rule = TestRules.clientErrorsBurst(); // suppress 10m: resolve_after 10m
        int keys = keys();
        long suppress = rule.resolveAfter().toMillis();
        try (var harness = lifecycleHarness(rule)) {
            harness.open();
            long roundStart = BEGINNING;
            int emitted = 0;
            for (int first = 0; first < keys; first += ROUND_KEYS) {
                int last = Math.min(keys, first + ROUND_KEYS);
                for (int k = first; k < last; k++) {
                    // The second match of a key within resolve_after extends its episode.
                    harness.processElement(alert(rule, ip(k), roundStart), roundStart);
                    harness.processElement(
                            alert(rule, ip(k), roundStart + 1000), roundStart + 1000);
                }
                assertThat(harness.numKeyedStateEntries()).isEqualTo(last - first);
                assertThat(harness.numEventTimeTimers()).isEqualTo(last - first);
                long watermark = roundStart + 1000 + suppress;
                harness.processWatermark(watermark);
                assertThat(harness.numKeyedStateEntries()).isZero();
                assertThat(harness.numEventTimeTimers()).isZero();
                // A firing and a resolved record per key.
                emitted += 2 * (last - first);
                roundStart = watermark + ONE_MINUTE;
            }
            assertThat(harness.extractOutputValues()).hasSize(emitted);
        }
    }

    static KeyedOneInputStreamOperatorTestHarness<String, AccessEvent, Alert> cepHarness(Rule rule)
            throws Exception {
        Pattern<AccessEvent, AccessEvent> pattern = RulePatterns.compile(rule);
        CepOperator<AccessEvent, String, Alert> operator =
                new CepOperator<>(
                        TypeInformation.of(AccessEvent.class)
                                .createSerializer(new SerializerConfigImpl()),
                        false,
                        NFACompiler.compileFactory(pattern, false),
                        null,
                        pattern.getAfterMatchSkipStrategy(),
                        new MatchToAlert(rule),
                        null);
        return new KeyedOneInputStreamOperatorTestHarness<>(
                operator, new RuleKeySelector(rule), Types.STRING);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> lifecycleHarness(Rule rule)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AlertLifecycle(rule)),
                new AlertKeySelector(rule),
                Types.STRING);
    }

    /** A distinct IPv4 address per index (10.0.0.0/8 holds 16M). */
    static String ip(int i) {
        return "10." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
    }

    static Alert alert(Rule rule, String clientip, long t) {
        return new Alert(
                rule.id() + "-" + clientip + "-" + t,
                rule.id(),
                rule.severity().name().toLowerCase(java.util.Locale.ROOT),
                Map.of("clientip", clientip),
                20,
                t - 1000,
                t,
                t,
                "summary",
                "description",
                List.of(),
                Alert.SCHEMA_VERSION);
    }
}
