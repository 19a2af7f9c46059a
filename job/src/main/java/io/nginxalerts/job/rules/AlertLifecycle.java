package io.nginxalerts.job.rules;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.Lifecycle;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.Counters;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The episodes of one CEP rule (threshold or sequence), per key: turns the rule's matches into
 * firing, update and resolved records as {@link Lifecycle} defines them. Counts, per rule, every
 * match that reaches it ({@code matches}), the firing records ({@code alerts}), the matches that
 * only extended an open episode ({@code suppressed}), the update records ({@code updates}) and the
 * resolved records ({@code resolved}).
 *
 * <p>State per key: the open episode ({@link Lifecycle.Episode}, under {@link #STATE}), or none. An
 * event-time timer at {@link Lifecycle#timer} resolves and clears it, so keys that go quiet leave
 * no state behind; a timer that finds a later episode end (a newer match came) leaves it to the
 * later timer.
 */
public final class AlertLifecycle extends KeyedProcessFunction<String, Alert, Alert> {
    private static final long serialVersionUID = 1L;

    /** The name of the keyed state holding a key's open episode. */
    public static final String STATE = "episode";

    private final Rule rule;
    private final Lifecycle lifecycle;
    private transient ValueState<Lifecycle.Episode> episode;
    private transient Counters matches;
    private transient Counters alerts;
    private transient Counters suppressed;
    private transient Counters updates;
    private transient Counters resolved;

    public AlertLifecycle(Rule rule) {
        this.rule = rule;
        this.lifecycle = new Lifecycle(rule);
    }

    @Override
    public void open(OpenContext openContext) {
        episode =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        STATE, TypeInformation.of(Lifecycle.Episode.class)));
        MetricGroup group =
                getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("nginx_alerts")
                        .addGroup("rule", rule.id());
        String id = rule.id();
        matches = Counters.forRule(getRuntimeContext(), group, id, "matches");
        alerts = Counters.forRule(getRuntimeContext(), group, id, "alerts");
        suppressed = Counters.forRule(getRuntimeContext(), group, id, "suppressed");
        updates = Counters.forRule(getRuntimeContext(), group, id, "updates");
        resolved = Counters.forRule(getRuntimeContext(), group, id, "resolved");
    }

    @Override
    public void processElement(Alert alert, Context ctx, Collector<Alert> out) throws Exception {
        matches.inc();
        Lifecycle.Episode open = episode.value();
        Lifecycle.Outcome outcome =
                lifecycle.onMatch(open, alert, ctx.timerService().currentProcessingTime());
        if (outcome.extended()) {
            suppressed.inc();
        }
        if (open != null
                && outcome.episode() != null
                && lifecycle.timer(open) != lifecycle.timer(outcome.episode())) {
            // One timer per key: the episode's end moved (or a new episode replaced it).
            ctx.timerService().deleteEventTimeTimer(lifecycle.timer(open));
        }
        apply(outcome, ctx, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Lifecycle.Episode open = episode.value();
        if (open == null) {
            return;
        }
        apply(
                lifecycle.onTimer(open, timestamp, ctx.timerService().currentProcessingTime()),
                ctx,
                out);
    }

    private void apply(Lifecycle.Outcome outcome, Context ctx, Collector<Alert> out)
            throws Exception {
        for (Alert record : outcome.records()) {
            if (record.resolved()) {
                resolved.inc();
            } else if (outcome.extended()) {
                updates.inc();
            } else {
                alerts.inc();
            }
            out.collect(record);
        }
        Lifecycle.Episode next = outcome.episode();
        if (next == null) {
            episode.clear();
        } else {
            episode.update(next);
            // Timers at one time are deduplicated, so a key has one.
            ctx.timerService().registerEventTimeTimer(lifecycle.timer(next));
        }
    }
}
