package io.nginxalerts.testing.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.testing.reference.RuleSetReference;
import io.nginxalerts.traffic.TrafficProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped reliability rules ({@code rules/reliability/}) on realistic incidents: 40 minutes of
 * a busy site's benign traffic (the traffic generator's benign population at 25 requests a second,
 * about 1% 5xx from the application), once as it is and once with an incident written into it from
 * minute 20: an upstream answering 30% of its requests with 502, a slow upstream, an upstream that
 * stops getting requests, a site that goes quiet, a site that sheds 10% of its requests with
 * nginx's own 503. Each incident must raise its rule's alert, keyed by the failing upstream or site
 * and timed within the incident, and no reliability alert about anything else (the burst rules may
 * fire on the same incident); the traffic without an incident must raise none. Scored by the
 * literal references (no Flink).
 */
class ReliabilityIncidentsTest {
    static final Duration LENGTH = Duration.ofMinutes(40);
    static final long INCIDENT_START = Duration.ofMinutes(20).toMillis();
    static final long INCIDENT_END = Duration.ofMinutes(30).toMillis();

    static final String SHOP = "shop.example.com";
    static final String BLOG = "blog.example.com";

    static List<Rule> reliability;
    static List<AccessEvent> busy;
    static long start;
    static String failing;

    @BeforeAll
    static void generateBusyTraffic() throws Exception {
        reliability =
                RuleLoader.loadDirectory(CorpusConformanceTest.RULES).stream()
                        .filter(rule -> rule.source().contains("reliability"))
                        .toList();
        TrafficProfile profile =
                TrafficProfile.benign(20261207L).toBuilder().eventsPerSecond(25).build();
        LogParser parser = new LogParser(ParserSettings.defaults());
        busy = new ArrayList<>();
        for (byte[] line : BenignTrafficTest.lines(profile, LENGTH)) {
            ParseResult parsed = parser.parse(line);
            assertThat(parsed.isEvent()).as(parsed.detail()).isTrue();
            busy.add(parsed.event());
        }
        start = profile.start().toEpochMilli();
        // The busiest upstream fails in the incidents below.
        Map<String, Long> perUpstream =
                busy.stream()
                        .filter(e -> e.upstreamhost() != null)
                        .collect(
                                Collectors.groupingBy(
                                        AccessEvent::upstreamhost,
                                        TreeMap::new,
                                        Collectors.counting()));
        failing =
                perUpstream.entrySet().stream()
                        .max(Map.Entry.comparingByValue())
                        .orElseThrow()
                        .getKey();
        System.out.printf(
                "busy traffic: %d events, per upstream %s, per site %s%n",
                busy.size(),
                perUpstream,
                busy.stream()
                        .collect(
                                Collectors.groupingBy(
                                        AccessEvent::http_host,
                                        TreeMap::new,
                                        Collectors.counting())));
    }

    @Test
    void busyTrafficWithoutIncidentRaisesNoReliabilityAlert() {
        assertThat(summaries(alerts(busy))).isEmpty();
    }

    @Test
    void anUpstreamAnsweringThirtyPercent502ForTenMinutesRaisesUpstream5xxRatio() {
        SplittableRandom rng = new SplittableRandom(1);
        List<AccessEvent> events =
                during(
                        e -> failing.equals(e.upstreamhost()) && rng.nextInt(100) < 30,
                        // Connection refused: nginx answers at once with its own 502 page.
                        e -> with(e, 502, 157, "0.000", e.upstreamhost()));

        Map<String, List<Alert>> alerts = alerts(events);

        assertThat(alerts).containsKey("upstream-5xx-ratio");
        assertOnlyAbout(alerts, failing, SHOP);
        assertThat(alerts.get("upstream-5xx-ratio"))
                .allSatisfy(
                        a -> {
                            assertThat(a.key()).containsEntry("upstreamhost", failing);
                            assertThat(a.ratio().value()).isGreaterThanOrEqualTo(0.10);
                            assertWithinIncident(a);
                        });
    }

    @Test
    void aSlowUpstreamRaisesUpstreamLatencyP95() {
        SplittableRandom rng = new SplittableRandom(2);
        List<AccessEvent> events =
                during(
                        e -> failing.equals(e.upstreamhost()),
                        // A database that locks up: every answer waits 2.5 to 8 s.
                        e -> {
                            String seconds = String.format("%.3f", 2.5 + 5.5 * rng.nextDouble());
                            return with(e, e.status(), e.size(), seconds, e.upstreamhost());
                        });

        Map<String, List<Alert>> alerts = alerts(events);

        assertThat(alerts).containsOnlyKeys("upstream-latency-p95");
        assertThat(alerts.get("upstream-latency-p95"))
                .allSatisfy(
                        a -> {
                            assertThat(a.key()).containsEntry("upstreamhost", failing);
                            assertThat(a.aggregate().get("p95")).isGreaterThan(2.0);
                            assertWithinIncident(a);
                        });
    }

    @Test
    void anUpstreamThatStopsGettingRequestsRaisesUpstreamSilentTenMinutesLater() {
        // From minute 20 nginx sends the failing upstream nothing (marked down, or dropped from
        // the configuration); the others carry its share.
        List<AccessEvent> events =
                busy.stream()
                        .filter(
                                e ->
                                        !(failing.equals(e.upstreamhost())
                                                && e.timestamp() >= start + INCIDENT_START))
                        .toList();
        long lastAnswer =
                events.stream()
                        .filter(e -> failing.equals(e.upstreamhost()))
                        .mapToLong(AccessEvent::timestamp)
                        .max()
                        .orElseThrow();

        Map<String, List<Alert>> alerts = alerts(events);

        assertThat(alerts).containsOnlyKeys("upstream-silent");
        assertThat(alerts.get("upstream-silent"))
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.key()).containsEntry("upstreamhost", failing);
                            assertThat(a.silentSince()).isEqualTo(lastAnswer);
                            assertThat(a.count()).isGreaterThanOrEqualTo(600);
                        });
    }

    @Test
    void aSiteThatGoesQuietRaisesSiteSilent() {
        List<AccessEvent> events =
                busy.stream()
                        .filter(
                                e ->
                                        !(BLOG.equals(e.http_host())
                                                && e.timestamp() >= start + INCIDENT_START))
                        .toList();

        Map<String, List<Alert>> alerts = alerts(events);

        assertThat(alerts).containsOnlyKeys("site-silent");
        assertThat(alerts.get("site-silent"))
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.key()).containsEntry("http_host", BLOG);
                            assertThat(a.silentSince())
                                    .isBetween(
                                            start + INCIDENT_START - 60_000,
                                            start + INCIDENT_START);
                        });
    }

    @Test
    void aSiteSheddingTenPercentOfItsRequestsWithNginx503RaisesSite5xxRatio() {
        SplittableRandom rng = new SplittableRandom(3);
        // limit_req / limit_conn rejecting: nginx's own 503, no upstream involved.
        List<AccessEvent> events =
                during(
                        e -> SHOP.equals(e.http_host()) && rng.nextInt(100) < 10,
                        e -> with(e, 503, 197, null, null));

        Map<String, List<Alert>> alerts = alerts(events);

        assertThat(alerts).containsKey("site-5xx-ratio");
        assertOnlyAbout(alerts, SHOP, SHOP);
        assertThat(alerts.get("site-5xx-ratio"))
                .allSatisfy(
                        a -> {
                            assertThat(a.key()).containsEntry("http_host", SHOP);
                            assertThat(a.ratio().value()).isGreaterThanOrEqualTo(0.05);
                            assertWithinIncident(a);
                        });
    }

    /**
     * The busy traffic with {@code change} applied to the events {@code which} picks in minutes
     * 20-30.
     */
    static List<AccessEvent> during(
            java.util.function.Predicate<AccessEvent> which, UnaryOperator<AccessEvent> change) {
        List<AccessEvent> out = new ArrayList<>(busy.size());
        for (AccessEvent e : busy) {
            long t = e.timestamp() - start;
            out.add(t >= INCIDENT_START && t < INCIDENT_END && which.test(e) ? change.apply(e) : e);
        }
        return out;
    }

    static AccessEvent with(
            AccessEvent e, int status, long size, String upstreamtime, String upstreamhost) {
        return new AccessEvent(
                e.timestamp(),
                e.clientip(),
                e.host(),
                e.method(),
                e.url(),
                e.path(),
                e.query(),
                e.protocol(),
                status,
                size,
                e.responsetime(),
                upstreamtime,
                upstreamhost,
                e.http_host(),
                e.xff(),
                e.refer(),
                e.agent(),
                e.request_id(),
                e.extra());
    }

    /** Every alert is keyed by this upstream or this site, and falls within the incident. */
    static void assertOnlyAbout(Map<String, List<Alert>> alerts, String upstream, String site) {
        assertThat(alerts.values().stream().flatMap(List::stream))
                .allSatisfy(
                        a -> {
                            assertThat(a.key())
                                    .satisfiesAnyOf(
                                            k ->
                                                    assertThat(k)
                                                            .containsEntry(
                                                                    "upstreamhost", upstream),
                                            k -> assertThat(k).containsEntry("http_host", site));
                            assertWithinIncident(a);
                        });
    }

    static void assertWithinIncident(Alert a) {
        assertThat(a.lastSeen()).isBetween(start + INCIDENT_START, start + INCIDENT_END);
    }

    /** Per reliability rule that alerted, its alerts. */
    static Map<String, List<Alert>> alerts(List<AccessEvent> events) {
        Map<String, List<Alert>> out = new TreeMap<>();
        RuleSetReference.alerts(reliability, events)
                .forEach(
                        (rule, list) -> {
                            if (!list.isEmpty()) {
                                out.put(rule.id(), list);
                            }
                        });
        out.values().forEach(list -> list.forEach(a -> System.out.println("  " + a.summary())));
        return out;
    }

    static List<String> summaries(Map<String, List<Alert>> alerts) {
        return alerts.values().stream().flatMap(List::stream).map(Alert::summary).toList();
    }
}
