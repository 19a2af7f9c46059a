package io.nginxalerts.job.rules;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns one CEP match of a rule into an {@link Alert} (events in event-time order, deterministic
 * id). Matches are counted by the {@link AlertLifecycle} that follows, because CEP's runtime
 * context does not support accumulators.
 *
 * <p>A match of a sequence with an absent last step holds only the present steps' events (the
 * absent step has none): the alert's evidence, count, {@code first_seen} and {@code last_seen} are
 * those of the present steps, and its deadline is {@code first_seen + within}.
 */
public final class MatchToAlert extends PatternProcessFunction<AccessEvent, Alert> {
    private static final long serialVersionUID = 1L;

    private final Rule rule;

    public MatchToAlert(Rule rule) {
        this.rule = rule;
    }

    @Override
    public void processMatch(
            Map<String, List<AccessEvent>> match, Context ctx, Collector<Alert> out) {
        List<AccessEvent> events = new ArrayList<>(rule.minimumEvents());
        for (int i = 0; i < rule.steps().size(); i++) {
            // Null for an absent step, and for a step CEP matched no event of.
            List<AccessEvent> step = match.get(RulePatterns.stepName(i));
            if (step != null) {
                events.addAll(step);
            }
        }
        // Stable sort: events with equal timestamps keep their match order.
        events.sort(Comparator.comparingLong(AccessEvent::timestamp));
        out.collect(Alerts.fromMatch(rule, events, ctx.currentProcessingTime()));
    }
}
