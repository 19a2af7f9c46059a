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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped flood rules ({@code rules/http/flood-*}, {@code dos-*}) on floods written here as
 * nginx {@code combined} lines, each from its own address, next to the near misses they must leave
 * alone: a single-page app polling with a timestamp in its query, a person searching, a crawler
 * meeting dead links, a page requesting the same missing file again and again, a family behind one
 * address, valid HTTP versions. Every flood must be flagged by its rule, and no near miss by any
 * flood rule. Scored by the literal references (no Flink).
 */
class FloodRulesTest {
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final DateTimeFormatter CLF =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);
    static final String BROWSER =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                    + " Chrome/131.0.0.0 Safari/537.36";

    static List<Rule> floodRules;

    @BeforeAll
    static void load() throws Exception {
        floodRules =
                RuleLoader.loadDirectory(CorpusConformanceTest.RULES).stream()
                        .filter(r -> r.id().startsWith("flood-") || r.id().startsWith("dos-"))
                        .toList();
        assertThat(floodRules)
                .extracting(Rule::id)
                .containsExactlyInAnyOrder(
                        "dos-invalid-http-version",
                        "flood-cache-busting",
                        "flood-random-uri",
                        "flood-user-agent-switching");
    }

    @Test
    void invalidHttpVersionsAreFlaggedAndTheVersionsClientsSpeakAreNot() {
        Lines lines = new Lines();
        lines.add(0, "192.0.2.1", "GET / HTTP/1.2", 400, BROWSER);
        lines.add(1, "192.0.2.2", "GET / HTTP/2.1", 400, BROWSER);
        lines.add(2, "192.0.2.3", "HEAD /index.html HTTP/4.0", 400, BROWSER);
        lines.add(3, "198.51.100.1", "GET / HTTP/1.0", 200, BROWSER);
        lines.add(4, "198.51.100.2", "GET / HTTP/1.1", 200, BROWSER);
        lines.add(5, "198.51.100.3", "GET / HTTP/2.0", 200, BROWSER);
        lines.add(6, "198.51.100.4", "GET / HTTP/3.0", 200, BROWSER);
        // HTTP/0.9 has no version in the request line; nginx logs none.
        lines.add(7, "198.51.100.5", "GET /", 200, "-");

        assertThat(flagged(lines))
                .containsExactly(
                        "dos-invalid-http-version 192.0.2.1",
                        "dos-invalid-http-version 192.0.2.2",
                        "dos-invalid-http-version 192.0.2.3");
    }

    @Test
    void aCacheBustingFloodIsFlaggedAndPollingOrSearchingIsNot() {
        Lines lines = new Lines();
        SplittableRandom rng = new SplittableRandom(7);
        // The flood: 45 requests for the home page, each with a random number as its query, in 5 s.
        for (int i = 0; i < 45; i++) {
            lines.add(i * 110, "192.0.2.10", "GET /?" + rng.nextLong(1L << 40) + " HTTP/1.1", 200);
        }
        // A single-page app polling once a second with jQuery's cache-buster, for 10 minutes.
        for (int i = 0; i < 600; i++) {
            long ms = i * 1_000L;
            lines.add(
                    ms, "198.51.100.10", "GET /api/poll?_=" + (1795687200000L + ms) + " HTTP/2.0");
        }
        // A person typing a search, one query per keystroke (debounced to one every 300 ms).
        String term = "winter jacket for hiking";
        for (int i = 1; i <= term.length(); i++) {
            String q = term.substring(0, i).replace(' ', '+');
            lines.add(i * 300L, "198.51.100.11", "GET /search?q=" + q + " HTTP/2.0");
        }

        assertThat(flagged(lines)).containsExactly("flood-cache-busting 192.0.2.10");
    }

    @Test
    void aRandomUriFloodIsFlaggedAndCrawlersOrRepeatedMissingFilesAreNot() {
        Lines lines = new Lines();
        SplittableRandom rng = new SplittableRandom(8);
        // The flood: 30 different random six-letter paths in 3 s, all missing.
        for (int i = 0; i < 30; i++) {
            lines.add(i * 100, "192.0.2.20", "GET /" + letters(rng, 6) + " HTTP/1.1", 404);
        }
        // A crawler meeting 30 dead links over 10 minutes.
        for (int i = 0; i < 30; i++) {
            lines.add(i * 20_000L, "198.51.100.20", "GET /old/page-" + i + " HTTP/1.1", 404);
        }
        // A page asking for the same missing file 50 times in 10 s.
        for (int i = 0; i < 50; i++) {
            lines.add(i * 200L, "198.51.100.21", "GET /static/missing.png HTTP/2.0", 404);
        }

        assertThat(flagged(lines)).containsExactly("flood-random-uri 192.0.2.20");
    }

    @Test
    void aClientRotatingUserAgentsIsFlaggedAndAFamilyBehindOneAddressIsNot() {
        Lines lines = new Lines();
        // The flood: a new agent every 800 ms, 12 of them in under 10 s.
        for (int i = 0; i < 12; i++) {
            lines.add(
                    i * 800L, "192.0.2.30", "GET / HTTP/1.1", 200, "Mozilla/5.0 (Tool " + i + ")");
        }
        // A family on one Wi-Fi: three browsers, a request a second each, for 5 minutes.
        String[] family = {
            BROWSER,
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7; rv:133.0) Gecko/20100101 Firefox/133.0"
        };
        for (int i = 0; i < 900; i++) {
            lines.add(i * 333L, "198.51.100.30", "GET /p/" + i + " HTTP/2.0", 200, family[i % 3]);
        }
        // Twelve agents from one address, but over 10 minutes (a small office).
        for (int i = 0; i < 12; i++) {
            lines.add(
                    i * 50_000L,
                    "198.51.100.31",
                    "GET / HTTP/2.0",
                    200,
                    "Mozilla/5.0 (Office " + i + ")");
        }

        assertThat(flagged(lines)).containsExactly("flood-user-agent-switching 192.0.2.30");
    }

    /** "rule clientip" for every alert of a flood rule, sorted. */
    static TreeSet<String> flagged(Lines lines) {
        TreeSet<String> flagged = new TreeSet<>();
        RuleSetReference.alerts(floodRules, lines.events())
                .forEach(
                        (rule, alerts) -> {
                            for (Alert a : alerts) {
                                flagged.add(rule.id() + " " + a.key().get("clientip"));
                            }
                        });
        return flagged;
    }

    static String letters(SplittableRandom rng, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + rng.nextInt(26)));
        }
        return s.toString();
    }

    /** Combined log lines at offsets from {@link #T0}, parsed as the job parses them. */
    static final class Lines {
        private final List<AccessEvent> events = new ArrayList<>();
        private final LogParser parser = new LogParser(ParserSettings.defaults());

        void add(long offsetMillis, String ip, String request) {
            add(offsetMillis, ip, request, 200);
        }

        void add(long offsetMillis, String ip, String request, int status) {
            add(offsetMillis, ip, request, status, BROWSER);
        }

        void add(long offsetMillis, String ip, String request, int status, String agent) {
            // Combined lines have whole seconds; the parser keeps their order within a second.
            String line =
                    String.format(
                            "%s - - [%s] \"%s\" %d 512 \"-\" \"%s\"",
                            ip, CLF.format(T0.plusMillis(offsetMillis)), request, status, agent);
            ParseResult parsed = parser.parse(line.getBytes(StandardCharsets.UTF_8));
            assertThat(parsed.isEvent()).as(line + ": " + parsed.detail()).isTrue();
            events.add(parsed.event());
        }

        List<AccessEvent> events() {
            List<AccessEvent> sorted = new ArrayList<>(events);
            sorted.sort(Comparator.comparingLong(AccessEvent::timestamp));
            return sorted;
        }
    }
}
