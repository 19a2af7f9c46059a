package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Rule#fingerprint()}: changes with what decides alerts (conditions, list files, kind,
 * window, keys), not with layout, comments, or the words and rate of alerts.
 */
class RuleFingerprintTest {
    static final String RULE =
            """
            id: x
            description: Many 404s
            severity: warning
            group_by: [clientip]
            match: { status: 404, path: { prefix: /wp- } }
            threshold: 20
            within: 60s
            suppress: 10m
            """;

    @TempDir Path dir;

    private static String fingerprint(String yaml) throws RuleException {
        return RuleLoader.parse("x.yaml", yaml).fingerprint();
    }

    @Test
    void isSixteenHexDigitsAndStable() throws Exception {
        assertThat(fingerprint(RULE)).matches("[0-9a-f]{16}").isEqualTo(fingerprint(RULE));
    }

    @Test
    void ignoresLayoutCommentsQuotingAndKeyOrder() throws Exception {
        String reformatted =
                """
                # a comment
                within: 60s   # trailing
                severity: warning
                id: x
                match:
                  status: '404'
                  path:
                    prefix: "/wp-"

                group_by:
                  - clientip
                threshold: 20
                description: Many 404s
                suppress: 10m
                """;
        assertThat(fingerprint(reformatted)).isEqualTo(fingerprint(RULE));
    }

    @Test
    void ignoresIdDescriptionSeverityAndSuppress() throws Exception {
        String words =
                RULE.replace("id: x", "id: y")
                        .replace("Many 404s", "Lots of not-found")
                        .replace("severity: warning", "severity: critical")
                        .replace("suppress: 10m", "suppress: 0s");
        assertThat(RuleLoader.parse("y.yaml", words).fingerprint()).isEqualTo(fingerprint(RULE));
    }

    @Test
    void changesWithEveryKeyThatDecidesAlerts() throws Exception {
        String base = fingerprint(RULE);
        assertThat(fingerprint(RULE.replace("status: 404", "status: 403"))).isNotEqualTo(base);
        assertThat(fingerprint(RULE.replace("threshold: 20", "threshold: 21"))).isNotEqualTo(base);
        assertThat(fingerprint(RULE.replace("within: 60s", "within: 61s"))).isNotEqualTo(base);
        assertThat(fingerprint(RULE.replace("[clientip]", "[http_host]"))).isNotEqualTo(base);
        assertThat(fingerprint(RULE.replace("threshold: 20", "threshold: 20\ndistinct: path")))
                .isNotEqualTo(base);
        // The match order of entries is written order; a different text is a different rule.
        assertThat(fingerprint(RULE.replace("prefix: /wp-", "prefix: /wp"))).isNotEqualTo(base);
    }

    @Test
    void differsBetweenKindsAndTheirParameters() throws Exception {
        String head = "id: x\nseverity: info\nwithin: 1h\n";
        String silence = fingerprint(head + "silent_for: 10m\nmin_events: 5\n");
        assertThat(fingerprint(head + "silent_for: 10m\nmin_events: 6\n")).isNotEqualTo(silence);
        assertThat(fingerprint(head + "silent_for: 11m\nmin_events: 5\n")).isNotEqualTo(silence);
        String firstSeen = fingerprint(head + "first_seen: clientip\n");
        assertThat(firstSeen).isNotEqualTo(silence);
        assertThat(fingerprint(head + "first_seen: clientip\nlearn_for: 1h\n"))
                .isNotEqualTo(firstSeen);
        assertThat(fingerprint(head + "first_seen: clientip\nmax_values: 5\n"))
                .isNotEqualTo(firstSeen);
        String ratio = head + "ratio: { of: { status: 5xx }, at_least: 5%, min_events: 9 }\n";
        assertThat(fingerprint(ratio)).isNotEqualTo(fingerprint(ratio.replace("5%", "6%")));
        String value = head + "value: { field: size, p95: { gt: 9 }, min_events: 9 }\n";
        assertThat(fingerprint(value)).isNotEqualTo(fingerprint(value.replace("p95", "p99")));
        String sequence =
                head + "sequence:\n  - match: { status: 401 }\n  - match: { status: 200 }\n";
        assertThat(fingerprint(sequence))
                .isNotEqualTo(
                        fingerprint(
                                sequence.replace(
                                        "- match: { status: 200", "- absent: { status: 200")));
    }

    @Test
    void changesWithTheEntriesOfAListFileButNotItsComments() throws Exception {
        Path lists = Files.createDirectories(dir.resolve("lists"));
        Files.writeString(lists.resolve("paths.txt"), "/wp-login.php\n/xmlrpc.php\n");
        String rule =
                "id: x\nseverity: info\nwithin: 1m\n"
                        + "match: { path: { equals: { file: lists/paths.txt } } }\nthreshold: 3\n";
        String base = RuleLoader.parse("x.yaml", rule, dir).fingerprint();

        Files.writeString(
                lists.resolve("paths.txt"), "# WordPress\n/wp-login.php\n\n  /xmlrpc.php  \n");
        assertThat(RuleLoader.parse("x.yaml", rule, dir).fingerprint()).isEqualTo(base);

        Files.writeString(lists.resolve("paths.txt"), "/wp-login.php\n/xmlrpc.php\n/.env\n");
        assertThat(RuleLoader.parse("x.yaml", rule, dir).fingerprint()).isNotEqualTo(base);
    }

    @Test
    void rulesLoadedFromADirectoryHaveTheirFingerprint() throws Exception {
        Files.writeString(dir.resolve("x.yaml"), RULE);
        assertThat(RuleLoader.loadDirectory(dir))
                .singleElement()
                .extracting(Rule::fingerprint)
                .isEqualTo(fingerprint(RULE));
    }
}
