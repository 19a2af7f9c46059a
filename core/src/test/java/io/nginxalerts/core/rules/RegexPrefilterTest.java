package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.nginxalerts.core.event.AccessEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link RegexPrefilter} may only say "no match" when the regex finds none: checked on random
 * patterns and texts drawn from the same small alphabet (so that matches are frequent), on the
 * shipped rules' patterns against generated and crafted texts, and on the corners of RE2 syntax and
 * case folding.
 */
class RegexPrefilterTest {

    @Test
    void neverRejectsATextTheRegexMatchesOnRandomPatterns() {
        Random random = new Random(42);
        int patterns = 0;
        long rejected = 0;
        long matched = 0;
        for (int p = 0; p < 4_000; p++) {
            String regex = randomRegex(random, 3);
            Pattern pattern;
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                continue;
            }
            patterns++;
            RegexPrefilter prefilter = RegexPrefilter.of(regex);
            for (int t = 0; t < 60; t++) {
                String text = randomText(random);
                boolean found = pattern.matcher(text).find();
                if (found) {
                    matched++;
                    assertThat(prefilter == null || prefilter.mayMatch(text))
                            .as("prefilter %s of /%s/ on \"%s\"", prefilter, regex, text)
                            .isTrue();
                } else if (prefilter != null && !prefilter.mayMatch(text)) {
                    rejected++;
                }
            }
        }
        assertThat(patterns).as("valid patterns").isGreaterThan(2_000);
        assertThat(matched).as("texts matched").isGreaterThan(10_000);
        assertThat(rejected).as("texts the prefilter spared the regex").isGreaterThan(10_000);
    }

    @Test
    void shippedPatternsKeepEveryMatchAndSkipOrdinaryTraffic() throws Exception {
        List<String> texts =
                List.of(
                        "/",
                        "/static/css/main.4f2a91c3.css",
                        "/search?q=shoes&page=2",
                        "/../../etc/passwd",
                        "/%2E%2E/%2e%2E%2Fetc",
                        "/files/..%5Cwin.ini",
                        "/a/%252E%252E/b",
                        "/PROC/SELF/environ",
                        "/.ENV",
                        "/.env.production",
                        "/.git/HEAD",
                        "/backup.SQL",
                        "/db.tar.gz",
                        "/wp-login.php",
                        "/Server-Status",
                        "sqlmap/1.7.2#stable (https://sqlmap.org)",
                        "Mozilla/5.0 (compatible; Nmap Scripting Engine)",
                        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36",
                        "WPScan v3.8.22",
                        "\u212Ailler /\u017Fqlmap");
        long skipped = 0;
        List<String> regexes = shippedRegexes();
        // Most shipped rules use list files and plain texts; a few still need a regex.
        assertThat(regexes).hasSizeGreaterThanOrEqualTo(2);
        for (String regex : regexes) {
            Pattern pattern = Pattern.compile(regex);
            RegexPrefilter prefilter = RegexPrefilter.of(regex);
            assertThat(prefilter).as("prefilter of shipped /%s/", regex).isNotNull();
            for (String text : texts) {
                if (pattern.matcher(text).find()) {
                    assertThat(prefilter.mayMatch(text)).as("/%s/ on %s", regex, text).isTrue();
                } else if (!prefilter.mayMatch(text)) {
                    skipped++;
                }
            }
        }
        assertThat(skipped).isGreaterThan(20);
    }

    @Test
    void findsTheLiteralsOfAlternationsAndRuns() {
        assertThat(RegexPrefilter.of("(?i)\\b(sqlmap|nikto|nmap)\\b").literals())
                .containsExactlyInAnyOrder("sqlmap", "nikto", "nmap");
        assertThat(RegexPrefilter.of("/etc/passwd|/proc/self/").literals())
                .containsExactlyInAnyOrder("/etc/passwd", "/proc/self/");
        // A run of exact parts becomes one literal per combination.
        assertThat(RegexPrefilter.of("(\\.\\.|%2e%2e)(/|%2f)").literals())
                .containsExactlyInAnyOrder("../", "..%2f", "%2e%2e/", "%2e%2e%2f");
        // The longer requirement of a concatenation wins.
        assertThat(RegexPrefilter.of("/id_[rd]sa").literals()).containsExactly("/id_");
        assertThat(RegexPrefilter.of("\\Qa.b\\E+").literals()).containsExactly("a.b");
        assertThat(RegexPrefilter.of("(?P<n>ab)c").literals()).containsExactly("abc");
        assertThat(RegexPrefilter.of("abc{0}").literals()).containsExactly("ab");
    }

    @Test
    void givesNoPrefilterWhenAMatchNeedsNoLiteral() {
        for (String regex :
                List.of(
                        ".*",
                        "(abc)?",
                        "(abc|)",
                        "(abc)*x",
                        "(abc){0}",
                        "[a-z]+",
                        "a|bc",
                        "\\d{3}",
                        "\\x41BC",
                        "a{,2}bc",
                        "^$",
                        "")) {
            assertThat(RegexPrefilter.of(regex)).as(regex).isNull();
        }
    }

    @Test
    void letsNonAsciiTextsThroughBecauseOfCaseFolding() {
        // (?i)k matches the Kelvin sign, (?i)s the long s: both fold to ASCII letters.
        Pattern kelvin = Pattern.compile("(?i)kiss");
        String text = "\u212Ai\u017F\u017F";
        assertThat(kelvin.matcher(text).find()).isTrue();
        assertThat(RegexPrefilter.of("(?i)kiss").mayMatch(text)).isTrue();
        assertThat(RegexPrefilter.of("(?i)kiss").mayMatch("kis")).isFalse();
        assertThat(RegexPrefilter.of("(?i)kiss").mayMatch("a KISS")).isTrue();
    }

    @Test
    void conditionAnswersAsTheRegexWithThePrefilter() {
        Conditions.RegexFind condition =
                new Conditions.RegexFind(
                        new EventField.Top(AccessEvent.Field.URL),
                        Pattern.compile("(?i)/\\.git(/|$)|/\\.env($|\\.)"));
        assertThat(condition.test(TestEvent.request().url("/.git/config").build())).isTrue();
        assertThat(condition.test(TestEvent.request().url("/.ENV").build())).isTrue();
        assertThat(condition.test(TestEvent.request().url("/.gitignore").build())).isFalse();
        assertThat(condition.test(TestEvent.request().url("/index.html").build())).isFalse();
    }

    /** Every {@code regex:} value in the shipped rule files. */
    private static List<String> shippedRegexes() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> out = new ArrayList<>();
        // Rules live in folders (http/, reliability/) under the root.
        try (Stream<Path> files = Files.walk(Path.of("../rules"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                collect(yaml.readTree(file.toFile()), out);
            }
        }
        return out;
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields()
                    .forEachRemaining(
                            e -> {
                                if (e.getKey().equals("regex") && e.getValue().isTextual()) {
                                    out.add(e.getValue().asText());
                                } else {
                                    collect(e.getValue(), out);
                                }
                            });
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, out));
        }
    }

    private static final String[] PIECES = {
        "a",
        "b",
        "A",
        "ab",
        "\\.",
        ".",
        "/",
        "%2e",
        "\\b",
        "^",
        "$",
        "[ab]",
        "[^a]",
        "\\d",
        "\\w",
        "\\Qa.\\E",
        "(?i)",
        "(?i:ab)",
        "(?:ba)",
        "k",
        "s",
        "(?-i)",
    };

    private static final String[] QUANTIFIERS = {"", "", "", "*", "+", "?", "{2}", "{0,1}", "{1,}"};

    private static String randomRegex(Random random, int depth) {
        StringBuilder s = new StringBuilder();
        int parts = 1 + random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            if (depth > 0 && random.nextInt(4) == 0) {
                s.append('(').append(randomRegex(random, depth - 1));
                if (random.nextBoolean()) {
                    s.append('|').append(randomRegex(random, depth - 1));
                }
                s.append(')');
            } else {
                s.append(PIECES[random.nextInt(PIECES.length)]);
            }
            s.append(QUANTIFIERS[random.nextInt(QUANTIFIERS.length)]);
        }
        if (random.nextInt(5) == 0) {
            s.append('|').append(randomRegex(random, depth - 1 < 0 ? 0 : depth - 1));
        }
        return s.toString();
    }

    private static final String TEXT_CHARS = "aabbAB./%2e1 ksKS\u212A\u017F";

    private static String randomText(Random random) {
        int n = random.nextInt(12);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            char c = TEXT_CHARS.charAt(random.nextInt(TEXT_CHARS.length()));
            // Mostly ASCII, as in logs; non-ASCII now and then to exercise case folding.
            if (c >= 128 && random.nextInt(4) != 0) {
                c = 'k';
            }
            s.append(c);
        }
        return s.toString();
    }
}
