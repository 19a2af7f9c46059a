package io.nginxalerts.job;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.NginxLines;
import io.nginxalerts.job.testing.PipelineRun;
import io.nginxalerts.job.testing.TestRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rules end to end on a MiniCluster: one run over a log in which every client address is one
 * scenario, then one assertion per behaviour. Time is driven only by the events' timestamps and the
 * end of input.
 */
class RulesPipelineITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    static final String TWENTY_ERRORS = "10.0.0.20";
    static final String NINETEEN_ERRORS = "10.0.0.19";
    static final String ERRORS_TOO_SPREAD = "10.0.0.21";
    static final String OUT_OF_ORDER = "10.0.0.30";
    static final String SIXTY_ERRORS = "10.0.0.40";
    static final String TWO_BURSTS = "10.0.0.41";
    static final String BRUTE_FORCE_SUCCEEDS = "10.0.0.50";
    static final String BRUTE_FORCE_FAILS = "10.0.0.51";
    static final String TOO_FEW_FAILURES = "10.0.0.52";
    static final String BENIGN = "10.0.0.60";
    static final String LATE = "10.0.0.70";

    static List<String> input;
    static PipelineRun.Result result;

    @BeforeAll
    static void runPipelineOnce() throws Exception {
        List<Timed> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(at(i, request(i, TWENTY_ERRORS).status(404).url("/wp-admin/" + i)));
        }
        for (int i = 0; i < 19; i++) {
            events.add(at(i, request(i, NINETEEN_ERRORS).status(404)));
        }
        for (int i = 0; i < 20; i++) {
            events.add(at(i * 4, request(i * 4, ERRORS_TOO_SPREAD).status(403)));
        }
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            // Up to 3 s out of order: within the 5 s bound, so every event still counts.
            int t = 100 + i + random.nextInt(4);
            events.add(at(100 + i, request(t, OUT_OF_ORDER).status(401)));
        }
        for (int i = 0; i < 60; i++) {
            events.add(at(200 + i, request(200 + i, SIXTY_ERRORS).status(404)));
        }
        for (int i = 0; i < 20; i++) {
            events.add(at(300 + i, request(300 + i, TWO_BURSTS).status(404)));
            events.add(at(1000 + i, request(1000 + i, TWO_BURSTS).status(404)));
        }
        for (int i = 0; i < 5; i++) {
            events.add(at(400 + i, login(400 + i, BRUTE_FORCE_SUCCEEDS, 401)));
            events.add(at(500 + i, login(500 + i, BRUTE_FORCE_FAILS, 401)));
        }
        events.add(at(406, login(406, BRUTE_FORCE_SUCCEEDS, 302)));
        for (int i = 0; i < 4; i++) {
            events.add(at(600 + i, login(600 + i, TOO_FEW_FAILURES, 403)));
        }
        events.add(at(605, login(605, TOO_FEW_FAILURES, 200)));
        for (int i = 0; i < 200; i++) {
            events.add(at(i * 5, request(i * 5, BENIGN).url("/products/" + i)));
        }
        // Written last, with a time long passed: it arrives behind the watermark.
        events.add(at(Integer.MAX_VALUE, request(10, LATE).status(404)));
        events.sort(Comparator.comparingLong(Timed::position));

        input = new ArrayList<>();
        for (Timed e : events) {
            input.add(e.line().line());
        }
        input.add(5, "this is not an access log line");
        input.add(7, "{\"@timestamp\": \"2026-11-26T10:00:01+00:00\", \"clientip\": ");
        result =
                PipelineRun.run(
                        List.of(TestRules.clientErrorsBurst(), TestRules.loginBruteForceSuccess()),
                        input,
                        2);
    }

    @Test
    void alertsOnTwentyClientErrorsWithinAMinute() {
        List<Alert> alerts = alertsFor(TWENTY_ERRORS);
        assertThat(alerts).hasSize(1);
        Alert alert = alerts.get(0);
        assertThat(alert.rule()).isEqualTo("client-errors-burst");
        assertThat(alert.severity()).isEqualTo("warning");
        assertThat(alert.key()).containsEntry("clientip", TWENTY_ERRORS);
        assertThat(alert.count()).isEqualTo(20);
        assertThat(alert.firstSeen()).isEqualTo(NginxLines.BEGINNING.toEpochMilli());
        assertThat(alert.lastSeen()).isEqualTo(NginxLines.BEGINNING.plusSeconds(19).toEpochMilli());
        assertThat(alert.evidence()).hasSize(Alert.MAX_EVIDENCE);
        assertThat(alert.evidence().get(0).url()).isEqualTo("/wp-admin/0");
        assertThat(alert.summary()).contains("client-errors-burst", TWENTY_ERRORS, "20");
        // The input goes on past the episode's end (last match + resolve_after, 10 minutes).
        assertThat(resolvedFor(TWENTY_ERRORS))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.fingerprint()).isEqualTo(alert.fingerprint());
                            assertThat(r.id()).isNotEqualTo(alert.id());
                            assertThat(r.endsAt()).isEqualTo(seconds(19 + 600));
                        });
    }

    @Test
    void staysQuietOnNineteenClientErrors() {
        assertThat(alertsFor(NINETEEN_ERRORS)).isEmpty();
    }

    @Test
    void staysQuietWhenTwentyErrorsSpreadOverMoreThanTheWindow() {
        assertThat(alertsFor(ERRORS_TOO_SPREAD)).isEmpty();
    }

    @Test
    void countsOutOfOrderEventsWithinTheBound() {
        assertThat(alertsFor(OUT_OF_ORDER)).hasSize(1);
        assertThat(result.late()).noneMatch(e -> e.clientip().equals(OUT_OF_ORDER));
    }

    @Test
    void repeatMatchesOfOneClientAreOneEpisodeResolvedAfterTheLastMatch() {
        // Three matches (at 219, 239 and 259 s): one firing record, one resolved record.
        assertThat(alertsFor(SIXTY_ERRORS)).hasSize(1);
        assertThat(resolvedFor(SIXTY_ERRORS))
                .singleElement()
                .satisfies(r -> assertThat(r.endsAt()).isEqualTo(seconds(259 + 600)));
    }

    @Test
    void aBurstAfterTheEpisodeEndedOpensANewEpisodeWithANewId() {
        List<Alert> alerts = alertsFor(TWO_BURSTS);
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0).id()).isNotEqualTo(alerts.get(1).id());
        assertThat(alerts.get(0).fingerprint()).isEqualTo(alerts.get(1).fingerprint());
        // The first episode ended at 319 s + 10 min; the second's end (1019 s + 10 min) is past
        // the input's last event, and the end of input is no evidence: it stays unresolved.
        assertThat(resolvedFor(TWO_BURSTS))
                .singleElement()
                .satisfies(r -> assertThat(r.endsAt()).isEqualTo(seconds(319 + 600)));
    }

    @Test
    void alertsOnFailedLoginsFollowedBySuccess() {
        List<Alert> alerts = alertsFor(BRUTE_FORCE_SUCCEEDS);
        assertThat(alerts).hasSize(1);
        Alert alert = alerts.get(0);
        assertThat(alert.rule()).isEqualTo("login-brute-force-success");
        assertThat(alert.severity()).isEqualTo("critical");
        assertThat(alert.count()).isEqualTo(6);
        assertThat(alert.evidence().get(0).status()).isEqualTo(401);
    }

    @Test
    void staysQuietWhenTheSequenceNeverReachesItsLastStep() {
        assertThat(alertsFor(BRUTE_FORCE_FAILS)).isEmpty();
    }

    @Test
    void staysQuietWhenTooFewFailuresPrecedeTheSuccess() {
        assertThat(alertsFor(TOO_FEW_FAILURES)).isEmpty();
    }

    @Test
    void staysQuietForBenignTraffic() {
        assertThat(alertsFor(BENIGN)).isEmpty();
    }

    @Test
    void sendsLateEventsToTheLateOutputAndTheDeadLetters() {
        assertThat(result.late()).extracting(e -> e.clientip()).containsExactly(LATE);
        assertThat(result.deadLetters())
                .filteredOn(d -> d.reason().equals("late"))
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.raw()).contains(LATE);
                            assertThat(d.offset()).isEqualTo(input.size());
                        });
        assertThat(alertsFor(LATE)).isEmpty();
    }

    @Test
    void sendsUnparseableLinesToTheDeadLettersWithTheirReason() {
        assertThat(result.deadLetters())
                .extracting(DeadLetter::reason, DeadLetter::offset)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("unrecognized_format", 6L),
                        org.assertj.core.groups.Tuple.tuple("invalid_json", 8L));
        assertThat(result.deadLetters()).hasSize(3);
    }

    @Test
    void producesTheSameAlertIdsWhenTheSameInputIsReplayed() throws Exception {
        PipelineRun.Result again =
                PipelineRun.run(
                        List.of(TestRules.clientErrorsBurst(), TestRules.loginBruteForceSuccess()),
                        input,
                        1);
        assertThat(again.alerts())
                .extracting(Alert::id)
                .containsExactlyInAnyOrderElementsOf(
                        result.alerts().stream().map(Alert::id).toList());
    }

    /** The client's firing records, oldest first. */
    private static List<Alert> alertsFor(String clientip) {
        return recordsFor(clientip).stream().filter(a -> !a.resolved()).toList();
    }

    /** The client's resolved records, oldest first. */
    private static List<Alert> resolvedFor(String clientip) {
        return recordsFor(clientip).stream().filter(Alert::resolved).toList();
    }

    private static List<Alert> recordsFor(String clientip) {
        return result.alerts().stream()
                .filter(a -> clientip.equals(a.key().get("clientip")))
                .sorted(Comparator.comparingLong(Alert::firstSeen))
                .toList();
    }

    private static long seconds(long s) {
        return NginxLines.BEGINNING.plusSeconds(s).toEpochMilli();
    }

    private static NginxLines login(long t, String clientip, int status) {
        return request(t, clientip).method("POST").url("/login").status(status);
    }

    private record Timed(long position, NginxLines line) {}

    private static Timed at(long position, NginxLines line) {
        return new Timed(position, line);
    }
}
