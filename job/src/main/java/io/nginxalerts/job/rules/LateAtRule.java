package io.nginxalerts.job.rules;

import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.core.parse.RejectReason;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.Counters;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * An event that reached a rule's CEP operator behind that operator's watermark, as a dead letter
 * with reason {@code late} (origin {@code rule <id>}), counted per rule ({@code late}).
 */
public final class LateAtRule extends RichMapFunction<AccessEvent, DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final Rule rule;
    private transient Counters late;

    public LateAtRule(Rule rule) {
        this.rule = rule;
    }

    @Override
    public void open(OpenContext openContext) {
        late =
                Counters.forRule(
                        getRuntimeContext(),
                        getRuntimeContext()
                                .getMetricGroup()
                                .addGroup("nginx_alerts")
                                .addGroup("rule", rule.id()),
                        rule.id(),
                        "late");
    }

    @Override
    public DeadLetter map(AccessEvent event) {
        late.inc();
        return DeadLetter.of(
                RejectReason.LATE,
                "behind the event time of rule " + rule.id() + " (an idle input resumed late)",
                AlertCodec.encodeEvent(event).getBytes(StandardCharsets.UTF_8),
                "rule " + rule.id(),
                0,
                -1);
    }
}
