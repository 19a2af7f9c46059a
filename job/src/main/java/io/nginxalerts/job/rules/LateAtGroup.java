package io.nginxalerts.job.rules;

import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.core.parse.RejectReason;
import io.nginxalerts.job.Counters;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.MetricGroup;

/**
 * An event that reached a {@link RuleGroupOperator} behind its watermark, as a dead letter with
 * reason {@code late} naming the rules it matched (origin {@code rules by <group_by>}), counted per
 * rule it matched ({@code late}, as {@link LateAtRule} counts for CEP rules).
 */
public final class LateAtGroup extends RichMapFunction<RoutedEvent, DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final RuleGroup group;
    private transient Counters[] late;

    public LateAtGroup(RuleGroup group) {
        this.group = group;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("nginx_alerts");
        late = new Counters[group.rules().size()];
        for (int i = 0; i < late.length; i++) {
            String id = group.rules().get(i).id();
            late[i] =
                    Counters.forRule(getRuntimeContext(), metrics.addGroup("rule", id), id, "late");
        }
    }

    @Override
    public DeadLetter map(RoutedEvent routed) {
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < late.length; i++) {
            if (routed.matched(i)) {
                late[i].inc();
                if (rules.length() > 0) {
                    rules.append(", ");
                }
                rules.append(group.rules().get(i).id());
            }
        }
        return DeadLetter.of(
                RejectReason.LATE,
                "behind the event time of the rules by "
                        + String.join(", ", group.groupBy())
                        + " (matched "
                        + rules
                        + "; an idle input resumed late)",
                AlertCodec.encodeEvent(routed.event).getBytes(StandardCharsets.UTF_8),
                "rule " + rules,
                0,
                -1);
    }
}
