package io.nginxalerts.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.NginxLines;
import io.nginxalerts.job.testing.TestRules;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RuleFilterTest {
    static final LogParser PARSER = new LogParser(ParserSettings.defaults());

    static final Rule UPSTREAM_ERRORS =
            TestRules.rule(
                    "upstream-errors",
                    """
                    severity: critical
                    group_by: [upstreamhost]
                    match: { status: 5xx }
                    threshold: 20
                    within: 60s
                    """);

    static AccessEvent parse(NginxLines line) {
        return PARSER.parse(line.line().getBytes(StandardCharsets.UTF_8)).event();
    }

    @Test
    void keepsAMatchingEventThatHasTheGroupByField() {
        AccessEvent e = parse(NginxLines.request(0, "192.0.2.1").status(502));
        assertThat(new RuleFilter(UPSTREAM_ERRORS).filter(e)).isTrue();
        assertThat(new RuleKeySelector(UPSTREAM_ERRORS).getKey(e)).isEqualTo("10.0.0.5:8080");
    }

    @Test
    void dropsAnEventWithoutTheGroupByField() {
        // nginx answered without an upstream: "upstreamhost": "-".
        AccessEvent e = parse(NginxLines.request(0, "192.0.2.1").status(502).upstream("-"));
        assertThat(e.upstreamhost()).isNull();
        assertThat(new RuleFilter(UPSTREAM_ERRORS).filter(e)).isFalse();
    }

    @Test
    void dropsAnEventThatMatchesNoStep() {
        AccessEvent e = parse(NginxLines.request(0, "192.0.2.1").status(200));
        assertThat(new RuleFilter(UPSTREAM_ERRORS).filter(e)).isFalse();
    }

    @Test
    void keysAlertsExactlyAsTheEventsThatMadeThem() {
        Rule twoFields =
                TestRules.rule(
                        "two-fields",
                        """
                        severity: info
                        group_by: [clientip, http_host]
                        match: { status: 404 }
                        threshold: 2
                        within: 60s
                        """);
        AccessEvent e = parse(NginxLines.request(0, "192.0.2.9").status(404));
        var alert =
                io.nginxalerts.core.alert.Alerts.fromMatch(twoFields, java.util.List.of(e, e), 0L);
        assertThat(new AlertKeySelector(twoFields).getKey(alert))
                .isEqualTo(new RuleKeySelector(twoFields).getKey(e));
    }
}
