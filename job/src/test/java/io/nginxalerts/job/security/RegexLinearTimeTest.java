package io.nginxalerts.job.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.rules.RuleFilter;
import io.nginxalerts.job.testing.NginxLines;
import io.nginxalerts.job.testing.TestRules;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A rule author's catastrophic-backtracking regex cannot stall the job: {@code (a+)+$} against
 * {@code aaa...a!} takes exponential time in a backtracking engine (java.util.regex would not
 * finish 30 characters in a minute), but the job's condition path (RE2/J) is linear in the input.
 * The input is the longest user agent a record may carry (64 KiB, {@code events.max-line-bytes}).
 */
class RegexLinearTimeTest {
    private static final Rule EVIL =
            TestRules.rule(
                    "evil-regex",
                    """
                    severity: info
                    match: { agent: { regex: '(a+)+$' }, url: { regex: '^/(([a-z])+.)+[A-Z]([a-z])+$' } }
                    threshold: 1
                    within: 1m
                    """);

    @Test
    void nestedQuantifiersRunInLinearTimeOnTheLongestAllowedInput() {
        LogParser parser = new LogParser(ParserSettings.defaults());
        String agent = "a".repeat(60_000) + "!";
        String url = "/" + "a".repeat(3_000) + "!";
        AccessEvent attack =
                parser.parse(
                                NginxLines.request(0, "198.51.100.7")
                                        .agent(agent)
                                        .url(url)
                                        .line()
                                        .getBytes(StandardCharsets.UTF_8))
                        .event();
        assertThat(attack).isNotNull();
        RuleFilter filter = new RuleFilter(EVIL);

        // 100 evaluations of a 60,000-character subject: linear time does this in well under a
        // second; the deadline leaves room for a loaded CI machine, not for backtracking.
        assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> {
                    for (int i = 0; i < 100; i++) {
                        assertThat(filter.filter(attack)).isFalse();
                    }
                });

        AccessEvent benign =
                parser.parse(
                                NginxLines.request(0, "198.51.100.7")
                                        .agent("aaa")
                                        .url("/abc/Def")
                                        .line()
                                        .getBytes(StandardCharsets.UTF_8))
                        .event();
        assertThat(filter.filter(benign)).isTrue();
    }
}
