package io.nginxalerts.job;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.time.Durations;
import io.nginxalerts.job.rules.AlertKeySelector;
import io.nginxalerts.job.rules.AlertSuppressor;
import io.nginxalerts.job.rules.EndOfInputGate;
import io.nginxalerts.job.rules.LateAtRule;
import io.nginxalerts.job.rules.MatchToAlert;
import io.nginxalerts.job.rules.RuleFilter;
import io.nginxalerts.job.rules.RuleKeySelector;
import io.nginxalerts.job.rules.RulePatterns;
import io.nginxalerts.job.rules.ThresholdMatcher;
import io.nginxalerts.job.rules.ThresholdOperator;
import io.nginxalerts.job.source.ParsedRecord;
import io.nginxalerts.job.time.EventTimeSettings;
import io.nginxalerts.job.time.EventTimeWatermarks;
import io.nginxalerts.job.time.IdleSourceFlush;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.cep.CEP;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * The one place where the topology is assembled: sources of log records → event time → route (dead
 * letters, late events) → per rule: filter → keyBy → CEP, sliding count or distinct count →
 * suppression → union of alerts. Sources and sinks are arguments, so the Kafka/Redis job, {@code
 * backtest} and the tests all run this same topology.
 *
 * <p>Every operator has a stable uid (so savepoints map state back after upgrades and rule changes:
 * a kept rule keeps its state, a new rule starts empty, a removed rule's state can be dropped with
 * {@code --allowNonRestoredState}) and a readable name for the web UI.
 */
public final class Pipeline {
    public static final String IDLE_FLUSH_UID = "idle-source-flush";
    public static final String ROUTE_UID = "route-records";
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
        for (Rule rule : rules) {
            RuleStreams ruleStreams = ruleAlerts(events, rule, thresholds);
            alerts = alerts == null ? ruleStreams.alerts() : alerts.union(ruleStreams.alerts());
            deadLetters = deadLetters.union(ruleStreams.late());
        }
        // The end of a bounded input is no evidence of absence (silence, absent sequence steps).
        alerts = EndOfInputGate.apply(events, alerts, rules);
        return new Streams(alerts, deadLetters, events.getSideOutput(RouteRecords.LATE));
    }

    private record RuleStreams(DataStream<Alert> alerts, DataStream<DeadLetter> late) {}

    private static RuleStreams ruleAlerts(
            DataStream<AccessEvent> events, Rule rule, ThresholdOperator thresholds) {
        String id = rule.id();
        DataStream<AccessEvent> relevant =
                events.filter(new RuleFilter(rule))
                        .uid("rule-" + id + "-filter")
                        .name("Rule " + id + ": filter");
        // Route drops events behind its own watermark, but the watermark here can be ahead of it:
        // while a source subtask is idle it does not hold this one back, and when it resumes its
        // events may be behind. CEP would drop those silently; they become dead letters instead.
        OutputTag<AccessEvent> late =
                new OutputTag<>("rule-" + id + "-late", TypeInformation.of(AccessEvent.class));
        KeyedStream<AccessEvent, String> keyed = relevant.keyBy(new RuleKeySelector(rule));
        SingleOutputStreamOperator<Alert> matches;
        if (rule.isDistinct()) {
            // No CEP form: a pattern cannot say "n different values", so distinct rules always
            // run on the sliding count, whatever the threshold operator.
            matches =
                    keyed.process(new ThresholdMatcher(rule, late))
                            .returns(Alert.class)
                            .uid("rule-" + id + "-distinct")
                            .name("Rule " + id + ": " + describe(rule));
        } else if (rule.isSequence() || thresholds == ThresholdOperator.CEP) {
            matches =
                    CEP.pattern(keyed, RulePatterns.compile(rule))
                            .inEventTime()
                            .sideOutputLateData(late)
                            .process(new MatchToAlert(rule), TypeInformation.of(Alert.class))
                            .uid("rule-" + id + "-cep")
                            .name("Rule " + id + ": CEP " + describe(rule));
        } else {
            // Another uid than the CEP operator's: the two keep different state, so a savepoint
            // taken with one cannot be restored into the other by accident.
            matches =
                    keyed.process(new ThresholdMatcher(rule, late))
                            .returns(Alert.class)
                            .uid("rule-" + id + "-count")
                            .name("Rule " + id + ": count " + describe(rule));
        }
        // CEP output stays on the subtask of its key, so it can be treated as keyed by the same
        // key without another network shuffle.
        DataStream<Alert> alerts =
                DataStreamUtils.reinterpretAsKeyedStream(matches, new AlertKeySelector(rule))
                        .process(new AlertSuppressor(rule))
                        .returns(Alert.class)
                        .uid("rule-" + id + "-suppress")
                        .name("Rule " + id + ": suppress " + Durations.format(rule.suppress()));
        DataStream<DeadLetter> lateAtRule =
                matches.getSideOutput(late)
                        .map(new LateAtRule(rule))
                        .returns(DeadLetter.class)
                        .uid("rule-" + id + "-late")
                        .name("Rule " + id + ": late events");
        return new RuleStreams(alerts, lateAtRule);
    }

    private static String describe(Rule rule) {
        if (rule.isDistinct()) {
            return "distinct "
                    + rule.distinct()
                    + " ≥ "
                    + rule.steps().get(0).atLeast()
                    + " within "
                    + Durations.format(rule.within());
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < rule.steps().size(); i++) {
            if (i > 0) {
                s.append(" → ");
            }
            s.append(rule.steps().get(i).atLeast()).append('×');
        }
        return s.append(" within ").append(Durations.format(rule.within())).toString();
    }
}
