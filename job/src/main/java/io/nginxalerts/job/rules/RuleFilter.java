package io.nginxalerts.job.rules;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import org.apache.flink.api.common.functions.FilterFunction;

/**
 * Keeps only the events that can take part in one rule: they match at least one of its steps and
 * have every {@code group_by} field. Runs before {@code keyBy}, so irrelevant events never cross
 * the network or reach CEP state.
 */
public final class RuleFilter implements FilterFunction<AccessEvent> {
    private static final long serialVersionUID = 1L;

    private final Rule rule;

    public RuleFilter(Rule rule) {
        this.rule = rule;
    }

    @Override
    public boolean filter(AccessEvent event) {
        return rule.isRelevant(event) && rule.keyOf(event) != null;
    }
}
