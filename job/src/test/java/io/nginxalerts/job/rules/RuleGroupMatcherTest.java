package io.nginxalerts.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Condition;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.core.rules.Severity;
import io.nginxalerts.core.rules.Step;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The router's matcher: which rules of a group an event takes part in, at what cost. */
class RuleGroupMatcherTest {

    @Test
    void aConditionSharedByManyRulesIsTestedOncePerEvent() {
        AtomicInteger tests = new AtomicInteger();
        Condition errors = e -> tests.incrementAndGet() > 0 && e.status() >= 500;
        Condition notFound = e -> e.status() == 404;
        List<Rule> rules =
                List.of(
                        rule("a", errors),
                        rule("b", errors),
                        rule("c", notFound),
                        rule("d", errors));
        RuleGroup.Matcher matcher = new RuleGroup(List.of("clientip"), rules).matcher();

        assertThat(matcher.conditions()).isEqualTo(2);
        long[] bits = matcher.match(event(502));
        assertThat(tests).hasValue(1);
        assertThat(bits).containsExactly(0b1011L);
        assertThat(matcher.match(event(404))).containsExactly(0b0100L);
        assertThat(tests).hasValue(2);
        assertThat(matcher.match(event(200))).isNull();
    }

    @Test
    void aDistinctRuleTakesPartOnlyWhenTheEventHasItsField() {
        Condition all = e -> true;
        Rule distinct =
                new Rule(
                        "paths",
                        "",
                        Severity.INFO,
                        List.of("clientip"),
                        List.of(new Step(all, 2)),
                        Duration.ofMinutes(1),
                        Duration.ZERO,
                        "test",
                        new RuleKind.Distinct("xff"),
                        "");
        RuleGroup.Matcher matcher =
                new RuleGroup(List.of("clientip"), List.of(rule("count", all), distinct)).matcher();

        assertThat(matcher.match(event(200))).containsExactly(0b01L);
    }

    private static Rule rule(String id, Condition condition) {
        return new Rule(
                id,
                "",
                Severity.INFO,
                List.of("clientip"),
                List.of(new Step(condition, 3)),
                Duration.ofMinutes(1),
                Duration.ZERO,
                "test");
    }

    private static AccessEvent event(int status) {
        return new AccessEvent(
                0L,
                "192.0.2.1",
                null,
                "GET",
                "/",
                "/",
                null,
                "HTTP/1.1",
                status,
                0,
                0.0,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of());
    }
}
