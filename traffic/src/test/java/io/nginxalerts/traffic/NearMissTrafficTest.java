package io.nginxalerts.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The benign profile: no attack at all, and every kind of near miss, shaped as documented. */
class NearMissTrafficTest {
    private static final long HOUR = 3_600_000;

    private static TrafficGenerator generator;
    private static List<GeneratedLine> lines;

    @BeforeAll
    static void generate() {
        generator = new TrafficGenerator(TrafficProfile.benign(7L));
        lines = Traffic.runFor(generator, HOUR);
    }

    private static List<GeneratedLine> from(NearMiss miss) {
        return lines.stream()
                .filter(l -> l.clientip().equals(miss.clientip()))
                .filter(l -> l.emitMillis() >= miss.startMillis())
                .toList();
    }

    @Test
    void hasNoAttackButEveryKindOfNearMiss() {
        assertThat(generator.attacks()).isEmpty();
        assertThat(lines).allSatisfy(l -> assertThat(l.attack()).isNull());
        assertThat(generator.attackLines()).isZero();
        assertThat(generator.nearMisses().stream().map(NearMiss::kind).collect(Collectors.toSet()))
                .isEqualTo(EnumSet.allOf(NearMissKind.class));
        assertThat(generator.nearMissLines()).isGreaterThan(300);
        assertThat(lines).hasSizeBetween(15_000, 21_000);
    }

    @Test
    void nearMissesLookLikeWhatCarelessRulesCatch() {
        Set<String> urls = lines.stream().map(GeneratedLine::url).collect(Collectors.toSet());
        assertThat(urls).anyMatch(u -> u.startsWith("/search?q=") && u.contains("select"));
        assertThat(urls).anyMatch(u -> u.startsWith("/search?q=") && u.contains("union"));
        assertThat(urls).anyMatch(u -> u.contains("..") && u.endsWith(".pdf"));
        assertThat(lines)
                .anyMatch(
                        l ->
                                l.method().equals("POST")
                                        && l.url().equals("/wp-login.php")
                                        && l.status() == 302);
        assertThat(lines).anyMatch(l -> l.userAgent().contains("UptimeRobot"));
    }

    @Test
    void aMistypedPasswordIsTwo401sThenA302() {
        NearMiss typos =
                generator.nearMisses().stream()
                        .filter(m -> m.kind() == NearMissKind.PASSWORD_TYPOS)
                        .findFirst()
                        .orElseThrow();
        List<Integer> statuses =
                from(typos).stream()
                        .filter(l -> l.method().equals("POST") && l.url().equals("/login"))
                        .limit(3)
                        .map(GeneratedLine::status)
                        .toList();
        assertThat(statuses).containsExactly(401, 401, 302);
    }

    @Test
    void aCrawlerGetsAFew404sAmongManyPages() {
        int checked = 0;
        for (NearMiss crawl : generator.nearMisses()) {
            long end = generator.profile().start().toEpochMilli() + HOUR;
            // A crawl that started less than 16 minutes before the end is cut off.
            if (crawl.kind() != NearMissKind.CRAWLER_WITH_404S
                    || crawl.startMillis() > end - 16 * 60_000) {
                continue;
            }
            List<GeneratedLine> own =
                    from(crawl).stream()
                            .filter(l -> l.userAgent().contains("Googlebot"))
                            .filter(l -> l.emitMillis() < crawl.startMillis() + 20 * 60_000)
                            .toList();
            assertThat(own.size()).isGreaterThan(30);
            assertThat(own.stream().filter(l -> l.status() == 404).count()).isBetween(2L, 3L);
        }
    }

    @Test
    void aboutOnePercentOfTheApplicationsAnswersAre5xx() {
        List<GeneratedLine> upstream =
                lines.stream().filter(l -> !l.upstreamHost().equals("-")).toList();
        long errors = upstream.stream().filter(l -> l.status() >= 500).count();
        assertThat((double) errors / upstream.size()).isBetween(0.005, 0.015);
    }

    @Test
    void otherProfilesAreUnchangedByTheOption() {
        TrafficProfile demo = TrafficProfile.demo();
        assertThat(demo.nearMissesPerHour()).isZero();
        TrafficGenerator again = new TrafficGenerator(demo);
        for (int i = 0; i < 2_000; i++) {
            again.next();
        }
        assertThat(again.nearMisses()).isEmpty();
        assertThat(again.nearMissLines()).isZero();
    }
}
