package io.nginxalerts.job.rules;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.Counters;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets through at most one alert per rule and key within the rule's {@code suppress} span of event
 * time; later alerts in that span are dropped and counted. Counts, per rule, every match that
 * reaches it ({@code matches}), what it lets through ({@code alerts}) and what it drops ({@code
 * suppressed}).
 *
 * <p>State per key is one timestamp (the end of the current suppression span). An event-time timer
 * clears it at that end plus the rule's {@link Rule#alertDelay()}, so keys that go quiet leave no
 * state behind. The delay matters for rules that fire on absence: their alerts arrive up to {@code
 * silent_for} or {@code within} after their {@code lastSeen}, so an alert whose {@code lastSeen} is
 * inside the span can come after the span's end has passed; it must still find the span.
 */
public final class AlertSuppressor extends KeyedProcessFunction<String, Alert, Alert> {
    private static final long serialVersionUID = 1L;

    private final Rule rule;
    private final long delay;
    private transient ValueState<Long> suppressedUntil;
    private transient Counters matches;
    private transient Counters alerts;
    private transient Counters suppressed;

    public AlertSuppressor(Rule rule) {
        this.rule = rule;
        this.delay = rule.alertDelay().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        suppressedUntil =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("suppressed-until", Long.class));
        MetricGroup group =
                getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("nginx_alerts")
                        .addGroup("rule", rule.id());
        matches =
                Counters.register(
                        getRuntimeContext(), group, "matches", "rule." + rule.id() + ".matches");
        alerts =
                Counters.register(
                        getRuntimeContext(), group, "alerts", "rule." + rule.id() + ".alerts");
        suppressed =
                Counters.register(
                        getRuntimeContext(),
                        group,
                        "suppressed",
                        "rule." + rule.id() + ".suppressed");
    }

    @Override
    public void processElement(Alert alert, Context ctx, Collector<Alert> out) throws Exception {
        matches.inc();
        long span = rule.suppress().toMillis();
        if (span <= 0) {
            alerts.inc();
            out.collect(alert);
            return;
        }
        Long until = suppressedUntil.value();
        if (until != null && alert.lastSeen() < until) {
            suppressed.inc();
            return;
        }
        long end = alert.lastSeen() + span;
        suppressedUntil.update(end);
        ctx.timerService().registerEventTimeTimer(end + delay);
        alerts.inc();
        out.collect(alert);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Long until = suppressedUntil.value();
        // A timer of an earlier span finds a later span's end here and leaves it.
        if (until != null && timestamp >= until + delay) {
            suppressedUntil.clear();
        }
    }
}
