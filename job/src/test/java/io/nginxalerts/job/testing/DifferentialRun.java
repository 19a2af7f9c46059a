package io.nginxalerts.job.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.core.rules.Rule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One run of the real pipeline ({@link PipelineRun}) in a differential test, with what a reference
 * needs to be compared with it: the events the run took on time (the input's events in file order,
 * the late ones left out, as the definitions are about events on time).
 *
 * <p>A differential test runs at each of {@link #PARALLELISMS}, evaluates its reference on {@link
 * #onTime()} and checks the run with {@link #assertNoRuleSawALateEvent()} and {@link
 * #assertAlertsEqual(List)}.
 */
public record DifferentialRun(
        List<Rule> rules, int parallelism, PipelineRun.Result result, List<AccessEvent> onTime) {

    /** The parallelisms every differential test runs at: one subtask, and keys split over two. */
    public static final List<Integer> PARALLELISMS = List.of(1, 2);

    /** Runs the pipeline with the rules over the lines at {@code parallelism}. */
    public static DifferentialRun of(List<Rule> rules, List<String> lines, int parallelism)
            throws Exception {
        PipelineRun.Result result = PipelineRun.run(rules, lines, parallelism);
        return new DifferentialRun(rules, parallelism, result, onTime(lines, result.late()));
    }

    public List<Alert> alerts() {
        return result.alerts();
    }

    /** No dead letter says an event reached a rule behind its watermark. */
    public DifferentialRun assertNoRuleSawALateEvent() {
        assertThat(result.deadLetters())
                .as("no event reached a rule behind its watermark")
                .noneMatch(d -> d.topic() != null && d.topic().startsWith("rule "));
        return this;
    }

    /** The run's alerts equal {@code expected}, as {@link #assertSameAlerts} compares them. */
    public void assertAlertsEqual(List<Alert> expected) {
        assertSameAlerts(alerts(), expected, rules, parallelism);
    }

    /**
     * Both lists hold the same alerts ({@link ComparableAlerts}: all but the wall-clock detection
     * time), per rule first so that a difference names its rule, then all of them at once.
     */
    public static void assertSameAlerts(
            List<Alert> actual, List<Alert> expected, List<Rule> rules, int parallelism) {
        for (Rule rule : rules) {
            assertThat(ComparableAlerts.of(ofRule(actual, rule.id())))
                    .as("alerts of %s at parallelism %d", rule.id(), parallelism)
                    .containsExactlyElementsOf(ComparableAlerts.of(ofRule(expected, rule.id())));
        }
        assertThat(ComparableAlerts.of(actual))
                .as("alerts at parallelism %d", parallelism)
                .containsExactlyElementsOf(ComparableAlerts.of(expected));
    }

    /** The alerts of one rule, in their order. */
    public static List<Alert> ofRule(List<Alert> alerts, String rule) {
        return alerts.stream().filter(a -> a.rule().equals(rule)).toList();
    }

    /** How many alerts each rule gave, by rule id. */
    public static Map<String, Long> perRule(List<Alert> alerts) {
        return alerts.stream()
                .collect(Collectors.groupingBy(Alert::rule, TreeMap::new, Collectors.counting()));
    }

    /** The parsed events of {@code lines} in order, without (one occurrence of) each late one. */
    public static List<AccessEvent> onTime(List<String> lines, List<AccessEvent> late) {
        LogParser parser = new LogParser(ParserSettings.defaults());
        List<AccessEvent> events = new ArrayList<>();
        for (String line : lines) {
            ParseResult result = parser.parse(line.getBytes(StandardCharsets.UTF_8));
            if (result.isEvent()) {
                events.add(result.event());
            }
        }
        for (AccessEvent e : late) {
            assertThat(events.remove(e)).as("a late event is one of the input's").isTrue();
        }
        return events;
    }
}
