package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.RuleValidationTest.assertRefused;
import static io.nginxalerts.core.rules.TestEvent.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.rules.RuleKind.Aggregate;
import io.nginxalerts.core.rules.RuleKind.Comparison;
import org.junit.jupiter.api.Test;

/**
 * Value rules ({@code value: {field, <aggregate>: {<comparison>: bound}, min_events}}): how they
 * are parsed and refused.
 */
class ValueRuleTest {
    static final String HEAD = "id: x\nseverity: info\nwithin: 5m\n";

    static final String SLOW_UPSTREAM =
            """
            id: slow-upstream
            severity: warning
            group_by: [upstreamhost]
            value:
              field: upstreamtime
              p95: { gt: 2s }
              min_events: 50
            within: 5m
            """;

    private static RuleKind.Value value(String body) throws RuleException {
        return (RuleKind.Value) RuleLoader.parse("x.yaml", HEAD + body).kind();
    }

    @Test
    void acceptsAValueRuleWithADurationBoundInSeconds() throws Exception {
        Rule rule = RuleLoader.parse("rules/slow-upstream.yaml", SLOW_UPSTREAM);

        assertThat(rule.kind())
                .isEqualTo(
                        new RuleKind.Value("upstreamtime", Aggregate.P95, Comparison.GT, 2.0, 50));
        assertThat(rule.steps()).singleElement().extracting(Step::atLeast).isEqualTo(1);
        assertThat(rule.steps().get(0).condition().test(request().build()))
                .as("no match: every event takes part")
                .isTrue();
    }

    @Test
    void readsEveryAggregateAndComparisonAndNumbersAndMilliseconds() throws Exception {
        assertThat(value("value: { field: responsetime, avg: { gte: 500ms }, min_events: 3 }\n"))
                .isEqualTo(
                        new RuleKind.Value("responsetime", Aggregate.AVG, Comparison.GTE, 0.5, 3));
        assertThat(value("value: { field: size, max: { lt: 1048576 }, min_events: 1 }\n"))
                .isEqualTo(new RuleKind.Value("size", Aggregate.MAX, Comparison.LT, 1048576, 1));
        assertThat(value("value: { field: status, min: { lte: 399 }, min_events: 1 }\n"))
                .isEqualTo(new RuleKind.Value("status", Aggregate.MIN, Comparison.LTE, 399, 1));
        assertThat(value("value: { field: responsetime, p50: { gt: 0.25 }, min_events: 1 }\n"))
                .extracting(RuleKind.Value::bound)
                .isEqualTo(0.25);
        assertThat(value("value: { field: responsetime, p90: { gt: -1 }, min_events: 1 }\n"))
                .extracting(RuleKind.Value::aggregate, RuleKind.Value::bound)
                .containsExactly(Aggregate.P90, -1.0);
        assertThat(value("value: { field: geoip.latitude, p99: { gt: 1m }, min_events: 1" + " }\n"))
                .extracting(RuleKind.Value::field, RuleKind.Value::aggregate, RuleKind.Value::bound)
                .containsExactly("geoip.latitude", Aggregate.P99, 60.0);
    }

    @Test
    void refusesATextFieldNamingTheNumericOnes() {
        String message =
                "holds text, not numbers; a value rule takes status, size, responsetime,"
                        + " upstreamtime or a dotted field whose text is a number (e.g."
                        + " geoip.latitude)";
        for (String field : new String[] {"path", "agent", "clientip", "path_decoded"}) {
            assertRefused(
                    HEAD + "value:\n  field: " + field + "\n  p95: { gt: 2 }\n  min_events: 5\n",
                    "x.yaml:5: field '" + field + "' " + message);
        }
        assertRefused(
                HEAD + "value:\n  field: latency\n  p95: { gt: 2 }\n  min_events: 5\n",
                "x.yaml:5: unknown field 'latency'; allowed: " + RuleFieldNames.allowedNames());
        assertRefused(
                HEAD + "value:\n  field: [size]\n  p95: { gt: 2 }\n  min_events: 5\n",
                "x.yaml:5: 'field' must be one field name, found a list");
    }

    @Test
    void refusesAValueWithoutItsParts() {
        assertRefused(
                HEAD + "value: upstreamtime\n",
                "x.yaml:4: 'value' must be a mapping with field, one of avg, max, min, p50, p90,"
                        + " p95, p99 and min_events, found 'upstreamtime'");
        assertRefused(
                HEAD + "value:\n  p95: { gt: 2 }\n  min_events: 5\n",
                "x.yaml:4: 'value' needs 'field': the numeric field to aggregate, e.g. field:"
                        + " upstreamtime");
        assertRefused(
                HEAD + "value:\n  field: size\n  min_events: 5\n",
                "x.yaml:4: 'value' needs one aggregate: avg, max, min, p50, p90, p95, p99, e.g."
                        + " p95: { gt: 2s }");
        assertRefused(
                HEAD + "value:\n  field: size\n  avg: { gt: 2 }\n",
                "x.yaml:4: 'value' needs 'min_events': how many values must take part before it"
                        + " can fire (from 1 to 10000, e.g. 100)");
        assertRefused(
                HEAD + "value:\n  field: size\n  p97: { gt: 2 }\n  min_events: 5\n",
                "x.yaml:6: unknown key 'p97' in 'value'; allowed: field, avg, max, min, p50, p90,"
                        + " p95, p99, min_events",
                "x.yaml:4: 'value' needs one aggregate: avg, max, min, p50, p90, p95, p99, e.g."
                        + " p95: { gt: 2s }");
    }

    @Test
    void refusesTwoAggregatesOrTwoComparisons() {
        assertRefused(
                HEAD
                        + "value:\n  field: size\n  p95: { gt: 2 }\n  p99: { gt: 3 }\n"
                        + "  min_events: 5\n",
                "x.yaml:7: 'value' takes one aggregate, found 'p95' and 'p99'; write one rule for"
                        + " each");
        assertRefused(
                HEAD + "value:\n  field: size\n  p95: { gt: 2, lt: 9 }\n  min_events: 5\n",
                "x.yaml:6: 'p95' takes one comparison, found gt and lt; write one rule for each");
    }

    @Test
    void refusesABadComparisonOrBound() {
        assertRefused(
                HEAD + "value:\n  field: size\n  p95: 2\n  min_events: 5\n",
                "x.yaml:6: 'p95' must be a comparison such as { gt: 2s }: one of gt, gte, lt, lte"
                        + " with a number or a duration, found '2'");
        assertRefused(
                HEAD + "value:\n  field: size\n  p95: { above: 2 }\n  min_events: 5\n",
                "x.yaml:6: unknown key 'above' in 'p95'; allowed: gt, gte, lt, lte");
        for (String bad : new String[] {"fast", "2 s", "1.5s", "NaN", "Infinity", "1e999"}) {
            assertRefused(
                    HEAD
                            + "value:\n  field: responsetime\n  p95: { gt: '"
                            + bad
                            + "' }\n  min_events: 5\n",
                    "x.yaml:6: 'gt' must be a number or a duration such as 2s or 500ms (compared"
                            + " in seconds), found '"
                            + bad
                            + "'");
        }
        assertRefused(
                HEAD + "value:\n  field: size\n  max: { gt: 2s }\n  min_events: 5\n",
                "x.yaml:6: '2s' is a duration but 'size' is not a time; write a number");
    }
}
