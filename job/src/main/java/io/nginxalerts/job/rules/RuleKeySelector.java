package io.nginxalerts.job.rules;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys events by the rule's {@code group_by} fields ({@link Rule#keyOf}). */
public final class RuleKeySelector implements KeySelector<AccessEvent, String> {
    private static final long serialVersionUID = 1L;

    private final Rule rule;

    public RuleKeySelector(Rule rule) {
        this.rule = rule;
    }

    @Override
    public String getKey(AccessEvent event) {
        return rule.keyOf(event);
    }
}
