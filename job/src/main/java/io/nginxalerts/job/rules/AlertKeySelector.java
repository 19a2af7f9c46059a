package io.nginxalerts.job.rules;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.rules.Rule;
import java.util.List;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The key of an alert, computed to be identical to {@link RuleKeySelector}'s key of the events that
 * made it. That identity is what allows the alerts of a CEP operator to be re-interpreted as keyed
 * by the same key without another shuffle.
 */
public final class AlertKeySelector implements KeySelector<Alert, String> {
    private static final long serialVersionUID = 1L;

    private final List<String> groupBy;

    public AlertKeySelector(Rule rule) {
        this.groupBy = rule.groupBy();
    }

    @Override
    public String getKey(Alert alert) {
        if (groupBy.size() == 1) {
            return alert.key().get(groupBy.get(0));
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < groupBy.size(); i++) {
            if (i > 0) {
                key.append(Rule.KEY_SEPARATOR);
            }
            key.append(alert.key().get(groupBy.get(i)));
        }
        return key.toString();
    }
}
