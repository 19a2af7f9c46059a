package io.nginxalerts.job;

import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.core.parse.RejectReason;
import io.nginxalerts.job.source.ParsedRecord;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends every parsed event on, and everything else to the side: records that did not parse go to
 * {@link #DEAD_LETTERS} with their reason; events whose time the watermark has already passed go to
 * {@link #LATE} and, as reason {@code late}, to {@link #DEAD_LETTERS}. Each path is counted (metric
 * group {@code nginx_alerts}: {@code events}, {@code rejected} by {@code reason}, {@code late}).
 *
 * <p>An event that is not late here is usually not late at the rule operators downstream either:
 * their watermark is the minimum over their inputs. The exception is partition idleness: an idle
 * input does not count towards that minimum, so when it resumes with older events they can be
 * behind a rule's watermark; each rule turns those into dead letters too ({@code LateAtRule}).
 */
public final class RouteRecords extends ProcessFunction<ParsedRecord, AccessEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>(
                    "dead-letters",
                    org.apache.flink.api.common.typeinfo.TypeInformation.of(DeadLetter.class));
    public static final OutputTag<AccessEvent> LATE =
            new OutputTag<>(
                    "late",
                    org.apache.flink.api.common.typeinfo.TypeInformation.of(AccessEvent.class));

    private transient Counters events;
    private transient Counters late;
    private transient Map<RejectReason, Counters> rejected;

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("nginx_alerts");
        events = Counters.register(getRuntimeContext(), group, "events", "events");
        late = Counters.register(getRuntimeContext(), group, "late", "late");
        rejected = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            if (reason != RejectReason.LATE) {
                rejected.put(
                        reason,
                        Counters.register(
                                getRuntimeContext(),
                                group.addGroup("reason", reason.code()),
                                "rejected",
                                "rejected." + reason.code()));
            }
        }
    }

    @Override
    public void processElement(ParsedRecord record, Context ctx, Collector<AccessEvent> out) {
        AccessEvent event = record.event();
        if (event == null) {
            DeadLetter dead = record.deadLetter();
            RejectReason reason = reasonOf(dead);
            rejected.get(reason).inc();
            ctx.output(DEAD_LETTERS, dead);
            return;
        }
        if (event.timestamp() <= ctx.timerService().currentWatermark()) {
            late.inc();
            ctx.output(LATE, event);
            ctx.output(
                    DEAD_LETTERS,
                    DeadLetter.of(
                            RejectReason.LATE,
                            "event time is behind the watermark by "
                                    + (ctx.timerService().currentWatermark() - event.timestamp())
                                    + " ms",
                            AlertCodec.encodeEvent(event).getBytes(StandardCharsets.UTF_8),
                            record.origin(),
                            record.partition(),
                            record.offset()));
            return;
        }
        events.inc();
        out.collect(event);
    }

    private static RejectReason reasonOf(DeadLetter dead) {
        for (RejectReason reason : RejectReason.values()) {
            if (reason.code().equals(dead.reason())) {
                return reason;
            }
        }
        return RejectReason.UNRECOGNIZED_FORMAT;
    }
}
