package io.nginxalerts.job.rules;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.job.Counters;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a record through only once event time has really passed its deadline: a firing (or update)
 * record of a rule that fires on absence ({@link Rule#firesOnAbsence()}: a silence rule, or a
 * sequence whose last step is absent), and a resolved record of any rule. Other records pass
 * straight through. The end of a bounded input is no evidence of absence, nor of a rule's condition
 * having stopped: a brute force in the last minute of a file has no known outcome, and an alert
 * still firing when the file ends stays unresolved.
 *
 * <p>The deadline of a record: for a firing record of a silence rule {@code silentSince +
 * silent_for}, of an absent sequence {@code firstSeen + within} (when CEP's pending match timed
 * out); for a resolved record its {@code ends_at}, plus {@code within} for an absent sequence (a
 * match that would have kept the episode open is known only that much after its {@code lastSeen});
 * a silence episode's {@code ends_at} is the time of an event that was read, so it is always
 * reached.
 *
 * <p>Records of one episode ({@code fingerprint}) leave in the order they came: a record waits
 * behind a held record of its fingerprint even when its own deadline has passed, so a consumer
 * never sees a new episode's firing before the previous episode's resolved record.
 *
 * <p>How it decides. An upstream operator emits an absence alert when a watermark reaches its
 * deadline, and emits it <em>before</em> it forwards that watermark; so the alert reaches this
 * operator before the watermark that made it. The gate therefore holds absence alerts until its own
 * watermark (the least over its inputs) reaches their deadline:
 *
 * <ul>
 *   <li>a real watermark ({@code < Long.MAX_VALUE}: the events' own time, or the idle flush's in a
 *       streaming job) at or past the deadline lets the alert through, stamped with its deadline;
 *   <li>the end-of-input watermark ({@code Long.MAX_VALUE}) says nothing about time: the gate holds
 *       it back and waits until both inputs have ended. Its second input carries the largest event
 *       timestamp each {@link LargestEventTime} subtask saw in the whole input (sent once at its
 *       end). Then an alert passes if that largest timestamp is at or past its deadline (some event
 *       of the input was that late, so the events' own time got there), and is dropped otherwise.
 *       Only then is the end-of-input watermark forwarded.
 * </ul>
 *
 * An alert that arrives when the gate's watermark has already passed its deadline (CEP can hold a
 * completed match back behind an earlier partial one) passes at once.
 *
 * <p>Dropped firing records are counted in the metric {@code
 * nginx_alerts.absence_undecided_at_end}, dropped resolved records in {@code
 * nginx_alerts.resolved_undecided_at_end} (and the accumulators of the same names, and per rule
 * {@link #ruleUndecided}, for backtest's summary), and logged once with their number.
 *
 * <p>Runs at parallelism 1 (alerts are few). Held alerts and the largest event time are kept in
 * operator state, so a restore neither loses nor repeats a decision.
 */
public final class EndOfInputGate extends AbstractStreamOperator<Alert>
        implements TwoInputStreamOperator<Alert, Long, Alert>, BoundedMultiInput {
    private static final long serialVersionUID = 1L;

    public static final String LARGEST_EVENT_TIME_UID = "largest-event-time";
    public static final String UID = "end-of-input-gate";
    public static final String UNDECIDED_METRIC = "absence_undecided_at_end";
    public static final String RESOLVED_UNDECIDED_METRIC = "resolved_undecided_at_end";

    private static final Logger LOG = LoggerFactory.getLogger(EndOfInputGate.class);

    /** When an absence alert of a rule becomes true: a time of the alert plus a span. */
    record Deadline(boolean fromSilentSince, long afterMillis) implements Serializable {
        long of(Alert alert) {
            long since =
                    fromSilentSince && alert.silentSince() != null
                            ? alert.silentSince()
                            : alert.firstSeen();
            long deadline = since + afterMillis;
            // Saturate instead of overflowing into the past.
            return deadline < since ? Long.MAX_VALUE : deadline;
        }
    }

    private final Map<String, Deadline> deadlines;

    /** Per rule, what is added to a resolved record's {@code ends_at} to give its deadline. */
    private final Map<String, Long> resolvedDelays;

    private transient List<Alert> held;
    private transient ListState<Alert> heldState;
    private transient long largestEventTime;
    private transient ListState<Long> largestEventTimeState;
    private transient long realWatermark;
    private transient Watermark heldEndOfInput;
    private transient boolean alertsEnded;
    private transient boolean eventTimesEnded;
    private transient boolean decided;
    private transient Counter undecidedMetric;
    private transient LongCounter undecidedAccumulator;
    private transient Counter resolvedUndecidedMetric;
    private transient LongCounter resolvedUndecidedAccumulator;

    public EndOfInputGate(List<Rule> rules) {
        Map<String, Deadline> byRule = new HashMap<>();
        Map<String, Long> delays = new HashMap<>();
        for (Rule rule : rules) {
            Deadline deadline = deadline(rule);
            if (deadline != null) {
                byRule.put(rule.id(), deadline);
            }
            delays.put(rule.id(), resolvedDelay(rule));
        }
        this.deadlines = byRule;
        this.resolvedDelays = delays;
    }

    /**
     * The alerts passed through an {@link EndOfInputGate} (the largest event time tracked on {@code
     * events}): every rule's resolved records need it.
     */
    public static DataStream<Alert> apply(
            DataStream<AccessEvent> events, DataStream<Alert> alerts, List<Rule> rules) {
        DataStream<Long> largest =
                events.transform("Largest event time", Types.LONG, new LargestEventTime())
                        .uid(LARGEST_EVENT_TIME_UID);
        return alerts.connect(largest)
                .transform(
                        "End of input: absence and resolved records need event time past their"
                                + " deadline",
                        TypeInformation.of(Alert.class),
                        new EndOfInputGate(rules))
                .uid(UID)
                .setParallelism(1)
                .setMaxParallelism(1);
    }

    /**
     * What is added to a resolved record's {@code ends_at}: {@code within} for an absent sequence
     * (its matches come that long after their lastSeen), 0 for any other rule.
     */
    static long resolvedDelay(Rule rule) {
        if (rule.firesOnAbsence() && !(rule.kind() instanceof RuleKind.Silence)) {
            return rule.alertDelay().toMillis();
        }
        return 0;
    }

    /** The deadline rule of a rule that fires on absence, or null for any other rule. */
    static Deadline deadline(Rule rule) {
        if (!rule.firesOnAbsence()) {
            return null;
        }
        if (rule.kind() instanceof RuleKind.Silence silence) {
            return new Deadline(true, silence.silentFor().toMillis());
        }
        return new Deadline(false, rule.within().toMillis());
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        heldState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "held-absence-alerts", TypeInformation.of(Alert.class)));
        held = new ArrayList<>();
        for (Alert alert : heldState.get()) {
            held.add(alert);
        }
        largestEventTimeState =
                context.getOperatorStateStore()
                        .getListState(new ListStateDescriptor<>("largest-event-time", Long.class));
        largestEventTime = Long.MIN_VALUE;
        for (Long t : largestEventTimeState.get()) {
            if (t != null) {
                largestEventTime = Math.max(largestEventTime, t);
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        realWatermark = Long.MIN_VALUE;
        undecidedMetric = getMetricGroup().addGroup("nginx_alerts").counter(UNDECIDED_METRIC);
        undecidedAccumulator = new LongCounter();
        getRuntimeContext().addAccumulator(UNDECIDED_METRIC, undecidedAccumulator);
        resolvedUndecidedMetric =
                getMetricGroup().addGroup("nginx_alerts").counter(RESOLVED_UNDECIDED_METRIC);
        resolvedUndecidedAccumulator = new LongCounter();
        getRuntimeContext().addAccumulator(RESOLVED_UNDECIDED_METRIC, resolvedUndecidedAccumulator);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        heldState.update(held);
        largestEventTimeState.update(List.of(largestEventTime));
    }

    @Override
    public void processElement1(StreamRecord<Alert> element) {
        Alert alert = element.getValue();
        long deadline = deadlineOf(alert);
        boolean blocked = !decided && holds(alert.fingerprint());
        if (deadline == Long.MIN_VALUE && !blocked) {
            output.collect(element);
        } else if (deadline <= reached() && !blocked) {
            output.collect(new StreamRecord<>(alert, deadline));
        } else if (decided) {
            // The input has ended: nothing can still show that time got there.
            dropUndecided(alert);
        } else {
            held.add(alert);
        }
    }

    /** True if a record of this episode is held: later ones wait behind it. */
    private boolean holds(String fingerprint) {
        for (Alert alert : held) {
            if (alert.fingerprint().equals(fingerprint)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void processElement2(StreamRecord<Long> element) {
        largestEventTime = Math.max(largestEventTime, element.getValue());
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() == Long.MAX_VALUE) {
            // Not evidence of time: decided when both inputs have ended, then forwarded.
            heldEndOfInput = mark;
            decideIfEnded();
            return;
        }
        realWatermark = Math.max(realWatermark, mark.getTimestamp());
        release(realWatermark);
        super.processWatermark(mark);
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) {
            alertsEnded = true;
        } else {
            eventTimesEnded = true;
        }
        decideIfEnded();
    }

    @Override
    public void finish() throws Exception {
        // Both inputs have ended by now (endInput comes first); nothing may stay held.
        alertsEnded = true;
        eventTimesEnded = true;
        decideIfEnded();
        super.finish();
    }

    /** Number of absence alerts dropped at the end of input so far (the metric's value). */
    long undecidedAtEnd() {
        return undecidedMetric.getCount();
    }

    /** Number of resolved records dropped at the end of input so far (the metric's value). */
    long resolvedUndecidedAtEnd() {
        return resolvedUndecidedMetric.getCount();
    }

    private void decideIfEnded() throws Exception {
        if (decided || !alertsEnded || !eventTimesEnded) {
            return;
        }
        decided = true;
        // Some event of the input was at or past these deadlines: event time got there. The
        // rest are dropped, and no longer hold back later records of their episode.
        List<Alert> left = release(reached(), true);
        for (Alert alert : left) {
            dropUndecided(alert);
        }
        int undecided = left.size();
        if (undecided > 0) {
            LOG.info(
                    "{} absence or resolved record(s) dropped at the end of the input: no event"
                            + " reached their deadline, so whether the awaited events came (or the"
                            + " condition stopped) is unknown",
                    undecided);
        }
        if (heldEndOfInput != null) {
            super.processWatermark(heldEndOfInput);
            heldEndOfInput = null;
        }
    }

    /**
     * How far event time has really got: the last real watermark, and once the input has ended the
     * largest event timestamp of the whole input.
     */
    private long reached() {
        return decided ? Math.max(realWatermark, largestEventTime) : realWatermark;
    }

    private void dropUndecided(Alert alert) {
        // Per rule too, so that backtest's table counts what was written.
        if (alert.resolved()) {
            resolvedUndecidedMetric.inc();
            resolvedUndecidedAccumulator.add(1L);
            getRuntimeContext().getLongCounter(ruleUndecided(alert.rule(), true)).add(1L);
        } else {
            undecidedMetric.inc();
            undecidedAccumulator.add(1L);
            getRuntimeContext().getLongCounter(ruleUndecided(alert.rule(), false)).add(1L);
        }
    }

    /**
     * The accumulator that counts a rule's records dropped at the end of input: {@code
     * rule.<id>.undecided} (firing records of absence rules) or {@code
     * rule.<id>.resolved_undecided}.
     */
    public static String ruleUndecided(String rule, boolean resolved) {
        return Counters.ruleAccumulator(rule, resolved ? "resolved_undecided" : "undecided");
    }

    /**
     * The record's deadline; {@link Long#MIN_VALUE} for a record that needs no gate (a firing
     * record of a rule that does not fire on absence, or of a rule restored from a checkpoint taken
     * with other rules).
     */
    private long deadlineOf(Alert alert) {
        if (alert.resolved()) {
            Long delay = resolvedDelays.get(alert.rule());
            long end = alert.endsAt();
            long deadline = end + (delay == null ? 0 : delay);
            return deadline < end ? Long.MAX_VALUE : deadline;
        }
        Deadline deadline = deadlines.get(alert.rule());
        return deadline == null ? Long.MIN_VALUE : deadline.of(alert);
    }

    private void release(long time) {
        release(time, false);
    }

    /**
     * Emits the held records whose deadline is at or before {@code time} and that wait behind no
     * held record of their episode, in order of deadline (a record's taken as at least that of the
     * records of its episode before it, so an episode's records keep their order).
     *
     * @param last the input has ended: records not due are dropped by the caller and hold nothing
     *     back
     * @return the records left held
     */
    private List<Alert> release(long time, boolean last) {
        if (held.isEmpty()) {
            return held;
        }
        record Due(Alert alert, long at) {}
        List<Due> due = new ArrayList<>();
        Map<String, Long> previous = new HashMap<>();
        Set<String> blocked = new HashSet<>();
        for (Iterator<Alert> it = held.iterator(); it.hasNext(); ) {
            Alert alert = it.next();
            long deadline = deadlineOf(alert);
            if (deadline <= time && !blocked.contains(alert.fingerprint())) {
                long at = Math.max(deadline, previous.getOrDefault(alert.fingerprint(), deadline));
                previous.put(alert.fingerprint(), at);
                due.add(new Due(alert, at));
                it.remove();
            } else if (!last) {
                blocked.add(alert.fingerprint());
            }
        }
        due.sort(Comparator.comparingLong(Due::at));
        for (Due d : due) {
            output.collect(new StreamRecord<>(d.alert(), d.at()));
        }
        if (last) {
            List<Alert> left = new ArrayList<>(held);
            held.clear();
            return left;
        }
        return held;
    }
}
