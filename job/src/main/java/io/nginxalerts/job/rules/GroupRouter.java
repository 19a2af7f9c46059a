package io.nginxalerts.job.rules;

import io.nginxalerts.core.event.AccessEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Before any shuffle, evaluates every non-sequence rule's condition once per event and sends the
 * event to each {@link RuleGroup} that has a rule it takes part in, as a {@link RoutedEvent} on the
 * group's side output ({@link RuleGroup#tag()}) with the group's key, computed once per group, and
 * the bits of the rules that matched. An event that no rule of a group takes part in, or that lacks
 * one of the group's {@code group_by} fields, is not sent to that group. The main output is empty.
 *
 * <p>It also emits on {@link #INPUT_START} its running minimum event time, each time it decreases
 * (a handful of records per subtask and job run): the {@code inputStart} of first-seen rules,
 * broadcast to every group operator ({@link RuleGroupOperator} says why it is exact). It runs
 * chained behind the route, so it sees exactly the events the route did not find late.
 */
public final class GroupRouter extends ProcessFunction<AccessEvent, RoutedEvent> {
    private static final long serialVersionUID = 1L;

    /** The running minimum event time of this subtask, whenever it decreases. */
    public static final OutputTag<Long> INPUT_START = new OutputTag<>("input-start", Types.LONG);

    private final List<RuleGroup> groups;
    private transient OutputTag<RoutedEvent>[] tags;
    private transient int[] layouts;
    private transient RuleGroup.Matcher[] matchers;
    private transient long minSeen;

    public GroupRouter(List<RuleGroup> groups) {
        this.groups = List.copyOf(groups);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        tags = new OutputTag[groups.size()];
        layouts = new int[groups.size()];
        matchers = new RuleGroup.Matcher[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            matchers[g] = groups.get(g).matcher();
            tags[g] = groups.get(g).tag();
            layouts[g] = groups.get(g).layout();
        }
        minSeen = Long.MAX_VALUE;
    }

    @Override
    public void processElement(AccessEvent event, Context ctx, Collector<RoutedEvent> out) {
        long ts = ctx.timestamp() == null ? event.timestamp() : ctx.timestamp();
        if (ts < minSeen) {
            minSeen = ts;
            ctx.output(INPUT_START, ts);
        }
        for (int g = 0; g < tags.length; g++) {
            RuleGroup group = groups.get(g);
            long[] bits = matchers[g].match(event);
            if (bits == null) {
                continue;
            }
            String key = group.rules().get(0).keyOf(event);
            if (key != null) {
                ctx.output(tags[g], new RoutedEvent(key, event, bits, layouts[g]));
            }
        }
    }
}
