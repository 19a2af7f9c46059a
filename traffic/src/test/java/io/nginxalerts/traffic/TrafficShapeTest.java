package io.nginxalerts.traffic;

import static io.nginxalerts.traffic.Traffic.maxInWindow;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The traffic model: skew, disorder, and the shapes of the injected attacks. */
class TrafficShapeTest {

    private static final long MINUTE = 60_000;

    /** 30 minutes of the demo, with jitter so that the shapes must survive disorder. */
    private static TrafficGenerator generator;

    private static List<GeneratedLine> lines;

    @BeforeAll
    static void generate() {
        generator =
                new TrafficGenerator(
                        TrafficProfile.demo().toBuilder().maxJitter(Duration.ofSeconds(5)).build());
        lines = Traffic.runFor(generator, 30 * MINUTE);
    }

    private static Map<Attack, List<GeneratedLine>> byAttack(AttackKind kind) {
        Map<Attack, List<GeneratedLine>> map =
                lines.stream()
                        .filter(l -> l.attack() != null && l.attack().kind() == kind)
                        .collect(Collectors.groupingBy(GeneratedLine::attack));
        assertThat(map).as("attacks of kind %s", kind).isNotEmpty();
        return map;
    }

    @Test
    void topOnePercentOfClientsSendMostOfTheNormalRequests() {
        Map<String, Long> perClient =
                lines.stream()
                        .filter(l -> l.attack() == null)
                        .collect(
                                Collectors.groupingBy(
                                        GeneratedLine::clientip, Collectors.counting()));
        long total = perClient.values().stream().mapToLong(Long::longValue).sum();
        int topCount = generator.profile().distinctIps() / 100;
        long top =
                perClient.values().stream()
                        .sorted((a, b) -> Long.compare(b, a))
                        .limit(topCount)
                        .mapToLong(Long::longValue)
                        .sum();

        assertThat((double) top / total).isGreaterThan(0.4);
        assertThat(perClient.size()).isLessThanOrEqualTo(generator.profile().distinctIps());
    }

    @Test
    void timestampsLagEarlierLinesByAtMostMaxJitterAndEmissionTimeNeverDecreases() {
        long maxSeen = Long.MIN_VALUE;
        long lastEmit = Long.MIN_VALUE;
        long maxLag = 0;
        for (GeneratedLine line : lines) {
            assertThat(line.emitMillis()).isGreaterThanOrEqualTo(lastEmit);
            assertThat(line.timestampMillis()).isLessThanOrEqualTo(line.emitMillis());
            lastEmit = line.emitMillis();
            maxSeen = Math.max(maxSeen, line.timestampMillis());
            maxLag = Math.max(maxLag, maxSeen - line.timestampMillis());
        }
        assertThat(maxLag).isLessThanOrEqualTo(5_000).isGreaterThanOrEqualTo(4_000);
    }

    @Test
    void withoutJitterTimestampsNeverDecrease() {
        long last = Long.MIN_VALUE;
        for (GeneratedLine line : Traffic.run(TrafficProfile.demo(), 20_000)) {
            assertThat(line.timestampMillis()).isGreaterThanOrEqualTo(last);
            last = line.timestampMillis();
        }
    }

    @Test
    void eventTimeAdvancesAtTheProfilesRate() {
        List<GeneratedLine> bench = Traffic.run(TrafficProfile.bench(10_000), 100_000);
        long span = bench.get(bench.size() - 1).emitMillis() - bench.get(0).emitMillis();
        // 5,000 lines/s: 100,000 lines take about 20 s (upstream failures add a few lines).
        assertThat(span).isBetween(18_000L, 22_000L);
    }

    @Test
    void pathScannerGetsAtLeast20NotFoundWithinAMinuteIncludingSensitiveFiles() {
        byAttack(AttackKind.PATH_SCAN)
                .forEach(
                        (attack, scan) -> {
                            assertThat(maxInWindow(scan, l -> l.status() == 404, MINUTE))
                                    .as("%s", attack)
                                    .isGreaterThanOrEqualTo(20);
                            assertThat(scan)
                                    .filteredOn(
                                            l ->
                                                    Traffic.found(
                                                            Traffic.SENSITIVE_PATH,
                                                            Traffic.path(l)))
                                    .hasSizeGreaterThanOrEqualTo(3);
                            assertThat(scan).allMatch(l -> l.clientip().equals(attack.key()));
                        });
    }

    @Test
    void bruteForcerFailsLoginAtLeastTenTimesWithinAMinute() {
        for (AttackKind kind :
                List.of(AttackKind.LOGIN_BRUTE_FORCE, AttackKind.LOGIN_BRUTE_FORCE_SUCCESS)) {
            byAttack(kind)
                    .forEach(
                            (attack, tries) ->
                                    assertThat(
                                                    maxInWindow(
                                                            tries,
                                                            l ->
                                                                    l.method().equals("POST")
                                                                            && l.url()
                                                                                    .equals(
                                                                                            "/login")
                                                                            && l.status() == 401,
                                                            MINUTE))
                                            .as("%s", attack)
                                            .isGreaterThanOrEqualTo(10));
        }
    }

    @Test
    void successfulBruteForceEndsWithARedirectAfterTheFailuresAndOthersNeverSucceed() {
        byAttack(AttackKind.LOGIN_BRUTE_FORCE_SUCCESS)
                .forEach(
                        (attack, tries) -> {
                            List<GeneratedLine> posts =
                                    tries.stream().filter(l -> l.method().equals("POST")).toList();
                            GeneratedLine last = posts.get(posts.size() - 1);
                            assertThat(last.status()).isEqualTo(302);
                            assertThat(posts.subList(0, posts.size() - 1))
                                    .hasSizeGreaterThanOrEqualTo(10)
                                    .allMatch(l -> l.status() == 401);
                            assertThat(attack.endMillis() - attack.startMillis())
                                    .isLessThan(MINUTE);
                        });
        byAttack(AttackKind.LOGIN_BRUTE_FORCE)
                .values()
                .forEach(tries -> assertThat(tries).noneMatch(l -> l.status() == 302));
    }

    @Test
    void scannerToolsSendTheirOwnUserAgent() {
        Set<String> tools = new HashSet<>();
        byAttack(AttackKind.SCANNER_AGENT)
                .forEach(
                        (attack, requests) -> {
                            tools.add(attack.detail());
                            assertThat(requests)
                                    .allMatch(
                                            l ->
                                                    Traffic.found(
                                                            Traffic.SCANNER_AGENT, l.userAgent()))
                                    .allMatch(
                                            l ->
                                                    l.userAgent()
                                                            .toLowerCase()
                                                            .contains(attack.detail()));
                        });
        assertThat(tools)
                .isSubsetOf("sqlmap", "nikto", "nuclei", "masscan", "zgrab")
                .hasSizeGreaterThan(2);
    }

    @Test
    void traversalAttemptsClimbOutOfTheWebRoot() {
        byAttack(AttackKind.PATH_TRAVERSAL)
                .values()
                .forEach(
                        requests ->
                                assertThat(requests)
                                        .allMatch(l -> Traffic.found(Traffic.TRAVERSAL, l.url())));
    }

    @Test
    void failingUpstreamAnswersAtLeast20RequestsWith5xxWithinAMinute() {
        byAttack(AttackKind.UPSTREAM_ERRORS)
                .forEach(
                        (episode, failures) -> {
                            assertThat(failures)
                                    .allMatch(l -> l.upstreamHost().equals(episode.key()))
                                    .allMatch(l -> l.status() >= 502 && l.status() <= 504);
                            assertThat(maxInWindow(failures, l -> true, MINUTE))
                                    .as("%s", episode)
                                    .isGreaterThanOrEqualTo(20);
                            assertThat(failures)
                                    .filteredOn(
                                            l -> l.status() == Integer.parseInt(episode.detail()))
                                    .hasSizeGreaterThan(failures.size() / 2);
                        });
    }

    @Test
    void attackersUseTheirOwnPublicAddressesAndAreAllInTheAttackLog() {
        Set<String> normal =
                lines.stream()
                        .filter(l -> l.attack() == null || !l.attack().isClientAttack())
                        .map(GeneratedLine::clientip)
                        .collect(Collectors.toSet());
        List<Attack> clientAttacks =
                generator.attacks().stream().filter(Attack::isClientAttack).toList();
        Set<String> attackers = clientAttacks.stream().map(Attack::key).collect(Collectors.toSet());

        assertThat(attackers).hasSameSizeAs(clientAttacks).doesNotContainAnyElementsOf(normal);
        assertThat(lines.stream().map(GeneratedLine::attack).filter(a -> a != null).distinct())
                .containsExactlyInAnyOrderElementsOf(generator.attacks());
        assertThat(normal)
                .noneMatch(
                        ip ->
                                ip.startsWith("10.")
                                        || ip.startsWith("127.")
                                        || ip.startsWith("192.168.")
                                        || ip.matches("172\\.(1[6-9]|2\\d|3[01])\\..*")
                                        || ip.endsWith(".0")
                                        || ip.endsWith(".255"));
    }

    @Test
    void normalClientsNeverLookLikeAttackers() {
        List<GeneratedLine> normal =
                lines.stream().filter(l -> l.attack() == null).collect(Collectors.toList());
        assertThat(normal)
                .noneMatch(l -> Traffic.found(Traffic.SCANNER_AGENT, l.userAgent()))
                .noneMatch(l -> Traffic.found(Traffic.TRAVERSAL, l.url()))
                .noneMatch(l -> Traffic.found(Traffic.SENSITIVE_PATH, Traffic.path(l)));
    }

    @Test
    void normalClientsStayBelowTheErrorAndLoginThresholdsEvenWhenVeryBusy() {
        // The demo (busiest client ~8 requests/s) and a benchmark stream (busiest ~700/s).
        List<GeneratedLine> bench = Traffic.run(TrafficProfile.bench(100_000), 300_000);
        for (List<GeneratedLine> run : List.of(lines, bench)) {
            Map<String, List<GeneratedLine>> perClient =
                    run.stream()
                            .filter(l -> l.attack() == null)
                            .collect(Collectors.groupingBy(GeneratedLine::clientip));
            int worst4xx = 0;
            int worstLogins = 0;
            for (List<GeneratedLine> client : perClient.values()) {
                worst4xx =
                        Math.max(worst4xx, maxInWindow(client, l -> l.status() / 100 == 4, MINUTE));
                worstLogins =
                        Math.max(
                                worstLogins,
                                maxInWindow(client, l -> l.status() == 401, 5 * MINUTE));
            }
            // The shipped rules alert at 20 4xx per minute and 10 failed logins in 5 minutes.
            assertThat(worst4xx).as("4xx per client and minute").isLessThan(12);
            assertThat(worstLogins).as("failed logins per client in 5 minutes").isLessThan(8);
        }
    }

    @Test
    void normalTrafficStillHasOrdinaryErrorsAndLogins() {
        Map<Integer, Long> statuses =
                lines.stream()
                        .filter(l -> l.attack() == null)
                        .collect(
                                Collectors.groupingBy(
                                        GeneratedLine::status, Collectors.counting()));
        assertThat(statuses).containsKeys(200, 304, 404, 401);
        assertThat(statuses.get(200)).isGreaterThan(lines.size() / 2);
        assertThat(lines)
                .anyMatch(l -> l.attack() == null && l.method().equals("POST") && l.status() == 200)
                .anyMatch(
                        l ->
                                l.attack() == null
                                        && l.url().equals("/favicon.ico")
                                        && l.status() == 404);
    }

    @Test
    void demoStartsItsFirstAttackWithin20SecondsAndShowsEveryKindWithin15Minutes() {
        TrafficGenerator demo = new TrafficGenerator(TrafficProfile.demo());
        long start = demo.profile().start().toEpochMilli();
        Traffic.runFor(demo, 15 * MINUTE);

        assertThat(demo.attacks().get(0).startMillis() - start).isLessThanOrEqualTo(20_000);
        Set<AttackKind> kinds = EnumSet.noneOf(AttackKind.class);
        demo.attacks().forEach(a -> kinds.add(a.kind()));
        assertThat(kinds).containsExactlyInAnyOrder(AttackKind.values());
    }

    @Test
    void attackFractionSetsTheShareOfAttackLines() {
        TrafficGenerator bench = new TrafficGenerator(TrafficProfile.bench(10_000));
        Map<Boolean, Long> split = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            GeneratedLine l = bench.next();
            split.merge(l.attack() != null && l.attack().isClientAttack(), 1L, Long::sum);
        }
        assertThat(split.get(true)).isEqualTo(bench.attackLines());
        assertThat((double) bench.attackLines() / bench.lines()).isBetween(0.007, 0.013);

        TrafficGenerator quiet =
                new TrafficGenerator(
                        TrafficProfile.demo().toBuilder()
                                .attackFraction(0)
                                .upstreamEpisodesPerHour(0)
                                .build());
        assertThat(Traffic.run(quiet.profile(), 10_000)).allMatch(l -> l.attack() == null);
    }
}
