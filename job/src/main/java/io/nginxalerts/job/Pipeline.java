package io.nginxalerts.job;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.core.time.Durations;
import io.nginxalerts.job.rules.AlertKeySelector;
import io.nginxalerts.job.rules.AlertLifecycle;
import io.nginxalerts.job.rules.EndOfInputGate;
import io.nginxalerts.job.rules.GroupRouter;
import io.nginxalerts.job.rules.InputStartWithoutEventTime;
import io.nginxalerts.job.rules.LateAtGroup;
import io.nginxalerts.job.rules.LateAtRule;
import io.nginxalerts.job.rules.MatchToAlert;
import io.nginxalerts.job.rules.RoutedEvent;
import io.nginxalerts.job.rules.RuleFilter;
import io.nginxalerts.job.rules.RuleGroup;
import io.nginxalerts.job.rules.RuleGroupOperator;
import io.nginxalerts.job.rules.RuleKeySelector;
import io.nginxalerts.job.rules.RulePatterns;
import io.nginxalerts.job.rules.RuleUids;
import io.nginxalerts.job.rules.ThresholdOperator;
import io.nginxalerts.job.source.ParsedRecord;
import io.nginxalerts.job.time.EventTimeSettings;
import io.nginxalerts.job.time.EventTimeWatermarks;
import io.nginxalerts.job.time.IdleSourceFlush;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.cep.CEP;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * The one place where the topology is assembled: sources of log records → event time → route (dead
 * letters, late events) → alerts, unioned: sequence rules (and threshold rules with {@link
 * ThresholdOperator#CEP}) each on their own branch (filter → keyBy → CEP → suppression); every
 * other rule through one router (all conditions once per event) → per {@code group_by} one keyBy →
 * one {@link RuleGroupOperator} (detectors and suppression of all the group's rules). Sources and
 * sinks are arguments, so the Kafka/Redis job, {@code backtest} and the tests all run this same
 * topology.
 *
 * <p>Every operator has a stable uid (so savepoints map state back after upgrades and rule changes:
 * a kept rule keeps its state, a new rule starts empty, a removed rule's state can be dropped with
 * {@code --allowNonRestoredState}) and a readable name for the web UI. A group's uid depends only
 * on its {@code group_by} ({@link RuleGroup#uid()}); inside it a rule's state is namespaced by its
 * id and fingerprint, so a changed rule starts fresh there.
 */
public final class Pipeline {
    public static final String IDLE_FLUSH_UID = "idle-source-flush";
    public static final String ROUTE_UID = "route-records";
    public static final String RULE_ROUTER_UID = "rule-router";
    public static final String INPUT_START_UID = "rule-input-start";
    public static final String ALERT_SINK_UID = "alert-sink";
    public static final String DEAD_LETTER_SINK_UID = "dead-letter-sink";

    private Pipeline() {}

    /** A source of log records with its stable uid and display name. */
    public record Input(String uid, String name, Source<ParsedRecord, ?, ?> source) {}

    /** The streams a built pipeline produces; attach sinks to them. */
    public record Streams(
            DataStream<Alert> alerts,
            DataStream<DeadLetter> deadLetters,
            DataStream<AccessEvent> late) {}

    /** A sink with the words the web UI shows for it ({@code "Redis list nginx:alerts"}). */
    public record Output<T>(Sink<T> sink, String description) {}

    /** Builds the topology (threshold rules on {@code thresholds}) and attaches the two sinks. */
    public static Streams run(
            StreamExecutionEnvironment env,
            List<Input> inputs,
            List<Rule> rules,
            EventTimeSettings time,
            ThresholdOperator thresholds,
            Output<Alert> alerts,
            Output<DeadLetter> deadLetters) {
        Streams streams = build(env, inputs, rules, time, thresholds);
        sinkAlerts(streams, alerts);
        sinkDeadLetters(streams, deadLetters);
        return streams;
    }

    public static DataStreamSink<Alert> sinkAlerts(Streams streams, Output<Alert> output) {
        return streams.alerts()
                .sinkTo(output.sink())
                .uid(ALERT_SINK_UID)
                .name("Alerts → " + output.description());
    }

    public static DataStreamSink<DeadLetter> sinkDeadLetters(
            Streams streams, Output<DeadLetter> output) {
        return streams.deadLetters()
                .sinkTo(output.sink())
                .uid(DEAD_LETTER_SINK_UID)
                .name("Dead letters → " + output.description());
    }

    /** Builds the topology without sinks; threshold rules run on {@code thresholds}. */
    public static Streams build(
            StreamExecutionEnvironment env,
            List<Input> inputs,
            List<Rule> rules,
            EventTimeSettings time,
            ThresholdOperator thresholds) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("at least one input");
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("at least one rule");
        }
        // Operators never mutate or keep records they pass on (events and alerts are records),
        // so chained operators can hand over objects without a defensive copy.
        env.getConfig().enableObjectReuse();

        WatermarkStrategy<ParsedRecord> watermarks =
                EventTimeWatermarks.strategy(time.maxOutOfOrderness(), time.partitionIdleness());
        DataStream<ParsedRecord> records = null;
        for (Input input : inputs) {
            DataStream<ParsedRecord> stream =
                    env.fromSource(input.source(), watermarks, input.name()).uid(input.uid());
            records = records == null ? stream : records.union(stream);
        }
        if (!time.idleFlushAfter().isZero()) {
            records =
                    records.transform(
                                    "Idle source flush (after "
                                            + Durations.format(time.idleFlushAfter())
                                            + ")",
                                    TypeInformation.of(ParsedRecord.class),
                                    new IdleSourceFlush<ParsedRecord>(
                                            time.idleFlushAfter().toMillis()))
                            .uid(IDLE_FLUSH_UID);
        }
        SingleOutputStreamOperator<AccessEvent> events =
                records.process(new RouteRecords())
                        .returns(AccessEvent.class)
                        .uid(ROUTE_UID)
                        .name("Route: events / dead letters / late");

        DataStream<Alert> alerts = null;
        DataStream<DeadLetter> deadLetters = events.getSideOutput(RouteRecords.DEAD_LETTERS);
        List<Rule> grouped = new ArrayList<>();
        for (Rule rule : rules) {
            if (runsGrouped(rule, thresholds)) {
                grouped.add(rule);
                continue;
            }
            RuleStreams ruleStreams = ruleAlerts(events, rule);
            alerts = alerts == null ? ruleStreams.alerts() : alerts.union(ruleStreams.alerts());
            deadLetters = deadLetters.union(ruleStreams.late());
        }
        if (!grouped.isEmpty()) {
            RuleStreams groupStreams = groupedAlerts(events, grouped);
            alerts = alerts == null ? groupStreams.alerts() : alerts.union(groupStreams.alerts());
            deadLetters = deadLetters.union(groupStreams.late());
        }
        // The end of a bounded input is no evidence of absence (silence, absent sequence steps).
        alerts = EndOfInputGate.apply(events, alerts, rules);
        return new Streams(alerts, deadLetters, events.getSideOutput(RouteRecords.LATE));
    }

    private record RuleStreams(DataStream<Alert> alerts, DataStream<DeadLetter> late) {}

    /**
     * True if the rule runs in its group's {@link RuleGroupOperator}: every non-sequence rule,
     * except threshold rules when {@code thresholds} is {@link ThresholdOperator#CEP}.
     */
    public static boolean runsGrouped(Rule rule, ThresholdOperator thresholds) {
        if (rule.isSequence()) {
            return false;
        }
        return !(rule.kind() instanceof RuleKind.Count) || thresholds != ThresholdOperator.CEP;
    }

    /**
     * One router for all the rules, then per {@code group_by} a keyBy and one operator that runs
     * the group's rules and their suppression; the router's running minimum event time is broadcast
     * to every group.
     */
    private static RuleStreams groupedAlerts(DataStream<AccessEvent> events, List<Rule> rules) {
        List<RuleGroup> groups = RuleGroup.of(rules);
        SingleOutputStreamOperator<RoutedEvent> routed =
                events.process(new GroupRouter(groups))
                        .returns(RoutedEvent.class)
                        .uid(RULE_ROUTER_UID)
                        .name(
                                "Rules: match "
                                        + rules.size()
                                        + " rules, route to "
                                        + groups.size()
                                        + " groups");
        // Groups with first-seen rules need the exact input start: the router's minimum with its
        // watermarks. The others get it without event time (InputStartWithoutEventTime says why).
        BroadcastStream<Long> exactInputStart =
                routed.getSideOutput(GroupRouter.INPUT_START)
                        .broadcast(RuleGroupOperator.INPUT_START);
        BroadcastStream<Long> inputStart =
                routed.getSideOutput(GroupRouter.INPUT_START)
                        .transform(
                                "Rules: input start (no event time)",
                                Types.LONG,
                                new InputStartWithoutEventTime())
                        .uid(INPUT_START_UID)
                        .setBufferTimeout(0)
                        .broadcast(RuleGroupOperator.INPUT_START);
        DataStream<Alert> alerts = null;
        DataStream<DeadLetter> late = null;
        for (RuleGroup group : groups) {
            SingleOutputStreamOperator<Alert> groupAlerts =
                    routed.getSideOutput(group.tag())
                            .keyBy(new RoutedKeySelector())
                            .connect(
                                    group.rules().stream()
                                                    .anyMatch(
                                                            r ->
                                                                    r.kind()
                                                                            instanceof
                                                                            RuleKind.FirstSeen)
                                            ? exactInputStart
                                            : inputStart)
                            .process(new RuleGroupOperator(group))
                            .returns(Alert.class)
                            .uid(group.uid())
                            .name(group.name());
            DataStream<DeadLetter> groupLate =
                    groupAlerts
                            .getSideOutput(group.lateTag())
                            .map(new LateAtGroup(group))
                            .returns(DeadLetter.class)
                            .uid(group.uid() + "-late")
                            .name(
                                    "Rules by "
                                            + String.join(", ", group.groupBy())
                                            + ": late events");
            alerts = alerts == null ? groupAlerts : alerts.union(groupAlerts);
            late = late == null ? groupLate : late.union(groupLate);
        }
        return new RuleStreams(alerts, late);
    }

    /** Keys a routed event by the key the router computed for its group. */
    private static final class RoutedKeySelector
            implements org.apache.flink.api.java.functions.KeySelector<RoutedEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(RoutedEvent routed) {
            return routed.key;
        }
    }

    private static RuleStreams ruleAlerts(DataStream<AccessEvent> events, Rule rule) {
        String id = rule.id();
        DataStream<AccessEvent> relevant =
                events.filter(new RuleFilter(rule))
                        .uid(RuleUids.filter(id))
                        .name("Rule " + id + ": filter");
        // Route drops events behind its own watermark, but the watermark here can be ahead of it:
        // while a source subtask is idle it does not hold this one back, and when it resumes its
        // events may be behind. CEP would drop those silently; they become dead letters instead.
        OutputTag<AccessEvent> late =
                new OutputTag<>("rule-" + id + "-late", TypeInformation.of(AccessEvent.class));
        KeyedStream<AccessEvent, String> keyed = relevant.keyBy(new RuleKeySelector(rule));
        SingleOutputStreamOperator<Alert> matches =
                CEP.pattern(keyed, RulePatterns.compile(rule))
                        .inEventTime()
                        .sideOutputLateData(late)
                        .process(new MatchToAlert(rule), TypeInformation.of(Alert.class))
                        .uid(RuleUids.cep(id, rule.fingerprint()))
                        .name("Rule " + id + ": CEP " + rule.describeKind());
        // CEP output stays on the subtask of its key, so it can be treated as keyed by the same
        // key without another network shuffle.
        DataStream<Alert> alerts =
                DataStreamUtils.reinterpretAsKeyedStream(matches, new AlertKeySelector(rule))
                        .process(new AlertLifecycle(rule))
                        .returns(Alert.class)
                        .uid(RuleUids.lifecycle(id, rule.fingerprint()))
                        .name(
                                "Rule "
                                        + id
                                        + ": episodes, resolved after "
                                        + Durations.format(rule.resolveAfter()));
        DataStream<DeadLetter> lateAtRule =
                matches.getSideOutput(late)
                        .map(new LateAtRule(rule))
                        .returns(DeadLetter.class)
                        .uid(RuleUids.late(id))
                        .name("Rule " + id + ": late events");
        return new RuleStreams(alerts, lateAtRule);
    }
}
