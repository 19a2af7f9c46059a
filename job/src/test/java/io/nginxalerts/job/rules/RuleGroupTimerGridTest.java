package io.nginxalerts.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.job.testing.ComparableAlerts;
import io.nginxalerts.job.testing.GroupHarness;
import io.nginxalerts.job.testing.JitteredTraffic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The group operator's timers on the {@link RuleGroupOperator#TIMER_GRID} give exactly the alerts
 * of a timer per timestamp, with far fewer timers: every shipped group (threshold, distinct, ratio,
 * value, silence and first-seen rules) over jittered traffic with watermarks 5 s behind, late
 * events included, and both leave no state.
 */
class RuleGroupTimerGridTest {
    static final long OUT_OF_ORDERNESS = 5_000;

    @Test
    void everyShippedGroupGivesTheSameAlertsOnTheGridAsWithATimerPerTimestamp() throws Exception {
        List<Rule> shipped =
                RuleLoader.loadClasspath("rules", getClass().getClassLoader()).stream()
                        .filter(r -> !r.isSequence())
                        .toList();
        List<AccessEvent> events = events(JitteredTraffic.lines(11, 12_000));

        for (RuleGroup group : RuleGroup.of(shipped)) {
            Rule[] rules = group.rules().toArray(Rule[]::new);
            GroupHarness exact = GroupHarness.open(rules);
            GroupHarness grid = GroupHarness.openOnGrid(RuleGroupOperator.TIMER_GRID, rules);
            int exactTimers = 0;
            int gridTimers = 0;
            long maxTs = Long.MIN_VALUE;
            int i = 0;
            for (AccessEvent e : events) {
                exact.send(e);
                grid.send(e);
                maxTs = Math.max(maxTs, e.timestamp());
                if (++i % 50 == 0) {
                    exactTimers += exact.timers();
                    gridTimers += grid.timers();
                    exact.watermark(maxTs - OUT_OF_ORDERNESS - 1);
                    grid.watermark(maxTs - OUT_OF_ORDERNESS - 1);
                }
            }
            exact.watermark(Long.MAX_VALUE);
            grid.watermark(Long.MAX_VALUE);

            List<Alert> expected = ComparableAlerts.of(exact.alerts());
            assertThat(ComparableAlerts.of(grid.alerts())).as(group.uid()).isEqualTo(expected);
            assertThat(grid.lateEvents()).as(group.uid()).isEqualTo(exact.lateEvents());
            assertThat(gridTimers).as(group.uid() + " timers").isLessThan(exactTimers);
            assertThat(grid.keyedStateEntries()).as(group.uid()).isZero();
            assertThat(grid.timers()).as(group.uid()).isZero();
            exact.close();
            grid.close();
        }
    }

    @Test
    void theGridGivesAlertsAtLeastOnce() throws Exception {
        // Guards the test above against comparing two empty lists.
        List<Rule> shipped =
                RuleLoader.loadClasspath("rules", getClass().getClassLoader()).stream()
                        .filter(r -> !r.isSequence())
                        .toList();
        List<AccessEvent> events = events(JitteredTraffic.lines(11, 12_000));
        int alerts = 0;
        for (RuleGroup group : RuleGroup.of(shipped)) {
            GroupHarness grid =
                    GroupHarness.openOnGrid(
                            RuleGroupOperator.TIMER_GRID, group.rules().toArray(Rule[]::new));
            for (AccessEvent e : events) {
                grid.send(e);
            }
            grid.watermark(Long.MAX_VALUE);
            alerts += grid.alerts().size();
            grid.close();
        }
        assertThat(alerts).isGreaterThan(10);
    }

    static List<AccessEvent> events(List<String> lines) {
        LogParser parser =
                new LogParser(new ParserSettings(65_536, Duration.ofDays(3650), Clock.systemUTC()));
        List<AccessEvent> events = new ArrayList<>(lines.size());
        for (String line : lines) {
            ParseResult r = parser.parse(line.getBytes(StandardCharsets.UTF_8));
            if (r.event() != null) {
                events.add(r.event());
            }
        }
        return events;
    }
}
