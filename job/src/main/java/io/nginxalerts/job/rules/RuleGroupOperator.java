package io.nginxalerts.job.rules;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.Lifecycle;
import io.nginxalerts.core.detect.Detector;
import io.nginxalerts.core.detect.DetectorContext;
import io.nginxalerts.core.detect.Detectors;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.job.Counters;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Every non-sequence rule of one {@code group_by} ({@link RuleGroup}) in one keyed operator: each
 * rule's {@link Detector} per key, and the rule's episodes ({@link Lifecycle}), behind one {@code
 * keyBy} on the group's key. Input: {@link RoutedEvent}s from {@link GroupRouter} (the rules that
 * matched are already known) and, broadcast, the router's running minimum event time.
 *
 * <p>Event time, as the CEP operator keeps it (so threshold rules give CEP's alerts exactly):
 *
 * <ul>
 *   <li>an event at or behind the current watermark is late: it goes to {@link RuleGroup#lateTag()}
 *       (and from there to the dead letters) and takes part in nothing;
 *   <li>other events wait in state until the watermark passes their timestamp and are then
 *       processed in timestamp order, equal timestamps in arrival order. They wait in buckets of
 *       the {@link #TIMER_GRID} (an event at {@code ts} in the bucket of the first grid point
 *       {@code T >= ts}), with one timer per bucket and key rather than per timestamp: timers were
 *       most of this operator's cost, and a grid point is passed within one watermark interval of
 *       the event's own time anyway;
 *   <li>at a timer {@code T}: each event of the bucket at {@code T}, in timestamp order, for each
 *       rule it matched, advances that rule's state to the event's time {@code ts} and is given to
 *       it; then every rule state whose {@link Detector#nextTimer} is at or before {@code T} is
 *       advanced to {@code T}; then every open episode whose {@link Lifecycle#timer} is at or
 *       before {@code T} is resolved; states that are empty afterwards are dropped; one timer is
 *       set at the grid point of the earliest {@link Detector#nextTimer} left. That is a rule's
 *       next deadline that emits (a silence), or else when its state would be empty: expiries that
 *       emit nothing wait for the key's next event or for that time, which gives the same alerts
 *       with one timer per quiet spell of a busy key instead of one per expiring event. Per rule
 *       this is the order of its own events, deadlines and episode ends in event time, as with a
 *       timer per timestamp: a rule's deadline before an event of that rule is passed by advancing
 *       to the event's time first (advancing is the same whether it stops at each deadline or
 *       passes several at once), and a match at or after its open episode's end resolves that
 *       episode before it opens the next ({@link Lifecycle#onMatch}). Rules are independent, so the
 *       order between two rules' outputs within a bucket does not matter.
 * </ul>
 *
 * <p>State per key, every entry cleared by a timer: the waiting events ({@code MapState<Long,
 * List<RoutedEvent>>}, cleared at their bucket's grid point); the key's {@link KeyRules} ({@code
 * rules}, Kryo, one value: each rule's detector state in the slot of its namespace {@code
 * id#fingerprint}, dropped when empty, which a detector reaches by its deadlines; the time of the
 * key's pending deadline timer; the number of its open episodes), cleared when none of these is
 * left; per rule the open episode ({@link Lifecycle.Episode} and the time of its one timer, {@code
 * MapState<String, OpenEpisode>} under the same namespace), cleared by a timer at the grid point of
 * its {@link Lifecycle#timer} ({@code lastMatch + resolve_after} plus the rule's {@link
 * Rule#alertDelay()}: a match of a rule that fires on absence is given up to that long after its
 * {@code lastSeen}, and must still find its episode open). A detector state or episode under a
 * namespace that no rule of the group has any more (a rule changed or removed before a savepoint
 * restore) is dropped the next time the key's timer fires, and every key with state has a timer,
 * restored with the savepoint.
 *
 * <p>Episodes, as {@link AlertLifecycle}: a detector's match goes to the rule's {@link Lifecycle},
 * which gives the firing, update and resolved records; a silence detector's {@link
 * DetectorContext#conditionCleared} resolves the key's open silence episode. Metrics per rule,
 * under the names {@link AlertLifecycle} uses: {@code matches}, {@code alerts}, {@code suppressed},
 * {@code updates}, {@code resolved}, and {@code evicted} for first-seen rules.
 *
 * <p>{@code inputStart} (first-seen rules learn until it plus {@code learn_for}) is the minimum of
 * the router's broadcast minima, kept in broadcast state. It is exact, the same at any parallelism
 * and in any run over the same input: a router subtask emits its minimum when an event lowers it,
 * and that event is not late there, so its time {@code t} is ahead of that subtask's watermark. The
 * record travels on the broadcast channel ahead of any later watermark of the same subtask, and
 * this operator's watermark is the minimum over its input channels, so it cannot pass {@code t}
 * before the record has arrived. A timer at {@code T} therefore sees the minimum of every event at
 * or before {@code T}, and no event read later can be earlier than {@code T} without being late.
 * (The one exception is the idleness of a source partition: an idle channel does not hold the
 * watermark back; its first events after it resumes may be late here, see {@link LateAtGroup}.)
 */
public final class RuleGroupOperator
        extends KeyedBroadcastProcessFunction<String, RoutedEvent, Long, Alert> {
    private static final long serialVersionUID = 1L;

    /** The broadcast state holding the minimum event time under {@link #INPUT_START_KEY}. */
    public static final MapStateDescriptor<String, Long> INPUT_START =
            new MapStateDescriptor<>("input-start", Types.STRING, Types.LONG);

    private static final String INPUT_START_KEY = "min";

    /**
     * The grid of this operator's timers (event time): 200 ms, the default watermark interval, so a
     * bucket's timer fires at most one watermark later than its events' own timers would have.
     */
    public static final long TIMER_GRID = 200;

    private final RuleGroup group;
    private final OutputTag<RoutedEvent> late;
    private final List<Detector<?>> detectors;
    private final List<Lifecycle> lifecycles;
    private final long grid;
    private final boolean readsInputStart;

    private transient MapState<Long, List<RoutedEvent>> waiting;
    private transient ValueState<Object> keyRules;
    private transient MapState<String, OpenEpisode> episodes;
    private transient String[] namespaces;
    private transient Map<String, Integer> index;
    private transient int layout;
    private transient Counters[] matches;
    private transient Counters[] alerts;
    private transient Counters[] suppressed;
    private transient Counters[] updates;
    private transient Counters[] resolved;
    private transient Counters[] evicted;
    private transient RuleContext detectorContext;

    private static final java.util.Comparator<RoutedEvent> BY_TIME =
            java.util.Comparator.comparingLong(r -> r.event.timestamp());

    /**
     * @param group the rules (each must have a detector: {@link Detectors#forRule})
     */
    public RuleGroupOperator(RuleGroup group) {
        this(group, TIMER_GRID);
    }

    /**
     * @param grid the timer grid in event-time millis (at least 1); 1 gives a timer per timestamp,
     *     which tests driving single timestamps with watermarks use
     */
    public RuleGroupOperator(RuleGroup group, long grid) {
        if (grid < 1) {
            throw new IllegalArgumentException("timer grid " + grid + " ms is not positive");
        }
        this.group = group;
        this.grid = grid;
        this.readsInputStart =
                group.rules().stream().anyMatch(r -> r.kind() instanceof RuleKind.FirstSeen);
        this.late = group.lateTag();
        List<Detector<?>> list = new ArrayList<>();
        List<Lifecycle> episodeMachines = new ArrayList<>();
        for (Rule rule : group.rules()) {
            list.add(Detectors.forRule(rule));
            episodeMachines.add(new Lifecycle(rule));
        }
        this.detectors = List.copyOf(list);
        this.lifecycles = List.copyOf(episodeMachines);
    }

    @Override
    public void open(OpenContext openContext) {
        TypeInformation<List<RoutedEvent>> events =
                new ListTypeInfo<>(TypeInformation.of(RoutedEvent.class));
        waiting =
                getRuntimeContext()
                        .getMapState(new MapStateDescriptor<>("waiting", Types.LONG, events));
        keyRules =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("rules", DetectorStateType.INSTANCE));
        episodes =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "episodes",
                                        Types.STRING,
                                        TypeInformation.of(OpenEpisode.class)));
        int n = group.rules().size();
        namespaces = new String[n];
        index = new HashMap<>();
        matches = new Counters[n];
        alerts = new Counters[n];
        suppressed = new Counters[n];
        updates = new Counters[n];
        resolved = new Counters[n];
        evicted = new Counters[n];
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("nginx_alerts");
        for (int i = 0; i < n; i++) {
            Rule rule = group.rules().get(i);
            namespaces[i] = group.namespace(i);
            index.put(namespaces[i], i);
            MetricGroup ruleMetrics = metrics.addGroup("rule", rule.id());
            String id = rule.id();
            matches[i] = Counters.forRule(getRuntimeContext(), ruleMetrics, id, "matches");
            alerts[i] = Counters.forRule(getRuntimeContext(), ruleMetrics, id, "alerts");
            suppressed[i] = Counters.forRule(getRuntimeContext(), ruleMetrics, id, "suppressed");
            updates[i] = Counters.forRule(getRuntimeContext(), ruleMetrics, id, "updates");
            resolved[i] = Counters.forRule(getRuntimeContext(), ruleMetrics, id, "resolved");
            if (rule.kind() instanceof RuleKind.FirstSeen) {
                evicted[i] = Counters.forRule(getRuntimeContext(), ruleMetrics, id, "evicted");
            }
        }
        layout = group.layout();
        detectorContext = new RuleContext();
    }

    @Override
    public void processElement(RoutedEvent routed, ReadOnlyContext ctx, Collector<Alert> out)
            throws Exception {
        long ts = ctx.timestamp();
        if (ts <= ctx.timerService().currentWatermark()) {
            ctx.output(late, routed);
            return;
        }
        long bucket = gridPoint(ts);
        List<RoutedEvent> inBucket = waiting.get(bucket);
        if (inBucket == null) {
            inBucket = new ArrayList<>(2);
            // One timer per bucket: it fires once the watermark has passed all its events.
            ctx.timerService().registerEventTimeTimer(bucket);
        }
        inBucket.add(routed);
        waiting.put(bucket, inBucket);
    }

    /**
     * Sorts a bucket's events by timestamp, equal timestamps in arrival order. A busy key's bucket
     * holds hundreds of events out of order (a client with a tenth of the traffic, jitter of
     * seconds), where a comparator sort over the events was a sixth of this operator's time: the
     * events are sorted by a primitive key instead, time since the bucket's earliest event and
     * arrival index in one long.
     */
    static void sortByTime(List<RoutedEvent> events) {
        int n = events.size();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        boolean sorted = true;
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            long t = events.get(i).event.timestamp();
            sorted &= t >= previous;
            previous = t;
            min = Math.min(min, t);
            max = Math.max(max, t);
        }
        if (sorted) {
            return;
        }
        if (n >= 1 << INDEX_BITS || max - min >= 1L << (63 - INDEX_BITS)) {
            // Not a bucket of this operator's grid: the general, stable sort.
            events.sort(BY_TIME);
            return;
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((events.get(i).event.timestamp() - min) << INDEX_BITS) | i;
        }
        java.util.Arrays.sort(keys);
        RoutedEvent[] arrived = events.toArray(new RoutedEvent[0]);
        for (int i = 0; i < n; i++) {
            events.set(i, arrived[(int) (keys[i] & ((1L << INDEX_BITS) - 1))]);
        }
    }

    /** Bits of a bucket sort key for the arrival index: up to 2^24 events per bucket. */
    private static final int INDEX_BITS = 24;

    /** The first point of the grid at or after {@code t}. */
    private long gridPoint(long t) {
        if (grid == 1) {
            return t;
        }
        long r = Math.floorMod(t, grid);
        return r == 0 || t > Long.MAX_VALUE - grid ? t : t - r + grid;
    }

    @Override
    public void processBroadcastElement(Long min, Context ctx, Collector<Alert> out)
            throws Exception {
        BroadcastState<String, Long> start = ctx.getBroadcastState(INPUT_START);
        Long current = start.get(INPUT_START_KEY);
        if (current == null || min < current) {
            start.put(INPUT_START_KEY, min);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onTimer(long now, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Long min = null;
        if (readsInputStart) {
            // Only first-seen rules read it; the lookup costs more than many a detector call.
            ReadOnlyBroadcastState<String, Long> start = ctx.getBroadcastState(INPUT_START);
            min = start.get(INPUT_START_KEY);
        }
        RuleContext dc = detectorContext;
        dc.begin(ctx.timerService(), out, min == null ? Long.MIN_VALUE : min, now);

        int n = namespaces.length;
        KeyRules stored = (KeyRules) keyRules.value();
        // A new value does not know the key's episodes (a key restored from a savepoint taken
        // before this value existed may have some): they are counted below.
        boolean episodesKnown = stored != null;
        KeyRules kr =
                stored == null
                        ? new KeyRules(layout, namespaces)
                        : stored.alignedWith(layout, namespaces);
        // Re-slotted under a changed rule list: the states of removed or changed rules are gone.
        boolean dirty = kr != stored;
        dc.keyRules = kr;
        int episodesBefore = kr.openEpisodes;
        Object[] live = kr.states;
        boolean[] touched = new boolean[n];

        List<RoutedEvent> ready = waiting.get(now);
        if (ready != null) {
            waiting.remove(now);
            sortByTime(ready);
            for (RoutedEvent routed : ready) {
                long ts = routed.event.timestamp();
                long[] bits = routed.layout == layout ? routed.rules : group.match(routed.event);
                if (bits == null) {
                    continue;
                }
                RoutedEvent event =
                        bits == routed.rules
                                ? routed
                                : new RoutedEvent(routed.key, routed.event, bits, layout);
                for (int i = 0; i < n; i++) {
                    if (!event.matched(i)) {
                        continue;
                    }
                    Detector<Object> detector = (Detector<Object>) detectors.get(i);
                    if (live[i] == null) {
                        live[i] = detector.newState();
                    }
                    dc.rule = i;
                    detector.advance(live[i], ts, dc);
                    detector.onEvent(live[i], event.event, ts, dc);
                    touched[i] = true;
                }
            }
        }

        // Deadlines up to the grid point, after the bucket's events: those of a rule before one
        // of its events were passed above, when that event advanced the rule to its own time.
        // Only states whose nextTimer is due: an expiry that emits nothing may wait.
        for (int i = 0; i < n; i++) {
            if (live[i] == null) {
                continue;
            }
            Detector<Object> detector = (Detector<Object>) detectors.get(i);
            if (detector.nextTimer(live[i]) <= now) {
                dc.rule = i;
                detector.advance(live[i], now, dc);
                touched[i] = true;
            }
        }

        // Episodes whose timer is due (this one, or earlier) are resolved after the bucket's
        // events and the detectors' deadlines: a match of the bucket before an episode's end
        // still extends it, and one at or after its end resolved it already (Lifecycle.onMatch).
        // Episodes of rules the group no longer has are dropped. Removed by key, not through the
        // iterator: the heap backend drops a key's map only when remove() empties it.
        List<String> ended = null;
        List<Map.Entry<String, OpenEpisode>> rearm = null;
        int seen = 0;
        boolean countEpisodes = !episodesKnown || kr.openEpisodes > 0;
        // A key with no open episode (most keys) skips the lookup.
        Iterable<Map.Entry<String, OpenEpisode>> toCheck =
                countEpisodes ? episodes.entries() : java.util.Collections.emptyList();
        for (Map.Entry<String, OpenEpisode> open : toCheck) {
            seen++;
            Integer i = index.get(open.getKey());
            if (i != null) {
                Lifecycle lifecycle = lifecycles.get(i);
                Lifecycle.Episode episode = open.getValue().episode();
                long due = lifecycle.timer(episode);
                if (due > now) {
                    if (open.getValue().timer() <= now) {
                        // Its timer was this one (or passed): the episode was extended since.
                        if (rearm == null) {
                            rearm = new ArrayList<>(2);
                        }
                        rearm.add(open);
                    }
                    continue;
                }
                dc.rule = i;
                dc.emitAll(lifecycle.onTimer(episode, now, dc.processingTime()));
            }
            if (ended == null) {
                ended = new ArrayList<>(2);
            }
            ended.add(open.getKey());
        }
        if (ended != null) {
            for (String namespace : ended) {
                episodes.remove(namespace);
            }
        }
        if (countEpisodes) {
            // Written back below if it differs from the stored count.
            kr.openEpisodes = seen - (ended == null ? 0 : ended.size());
        }
        if (rearm != null) {
            for (Map.Entry<String, OpenEpisode> open : rearm) {
                Lifecycle.Episode episode = open.getValue().episode();
                long due = gridPoint(lifecycles.get(index.get(open.getKey())).timer(episode));
                ctx.timerService().registerEventTimeTimer(due);
                episodes.put(open.getKey(), new OpenEpisode(episode, due));
            }
        }

        long next = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if (live[i] == null) {
                continue;
            }
            Detector<Object> detector = (Detector<Object>) detectors.get(i);
            if (detector.isEmpty(live[i])) {
                live[i] = null;
                dirty = true;
                continue;
            }
            dirty |= touched[i];
            next = Math.min(next, detector.nextTimer(live[i]));
        }
        // One deadline timer per key at a time: a later deadline waits for the pending timer,
        // which sets the next one when it fires. A timer per call instead left a stale timer
        // behind for every bucket of a busy key, each firing for nothing. Timers are never
        // deleted: a bucket or episode timer may share the pending timer's time.
        long pending = kr.deadlineTimer > now ? kr.deadlineTimer : Long.MIN_VALUE;
        if (next != Long.MAX_VALUE) {
            // A deadline at or before now would be a detector's mistake; never spin on it.
            long at = gridPoint(Math.max(next, now + 1));
            if (pending == Long.MIN_VALUE || at < pending) {
                ctx.timerService().registerEventTimeTimer(at);
                pending = at;
            }
        } else {
            // Nothing left to wait for: a pending timer fires for nothing, once.
            pending = Long.MIN_VALUE;
        }
        if (pending != kr.deadlineTimer) {
            kr.deadlineTimer = pending;
            dirty = true;
        }
        dirty |= kr.openEpisodes != episodesBefore;
        if (kr.isEmpty()) {
            if (stored != null) {
                keyRules.clear();
            }
        } else if (dirty || stored == null) {
            // Written back even though the heap backend hands out the live object: other backends
            // (RocksDB) keep only what is written.
            keyRules.update(kr);
        }
        dc.end();
    }

    /** The {@link DetectorContext} of the rule being called: episodes, metrics, output. */
    private final class RuleContext implements DetectorContext {
        int rule;

        /** The key's rules being run: {@link #store} counts its episodes there. */
        KeyRules keyRules;

        private TimerService timers;
        private Collector<Alert> out;
        private long inputStart;
        private long now;

        void begin(TimerService timers, Collector<Alert> out, long inputStart, long now) {
            this.timers = timers;
            this.out = out;
            this.inputStart = inputStart;
            this.now = now;
        }

        void end() {
            timers = null;
            out = null;
        }

        @Override
        public void emit(Alert alert) {
            matches[rule].inc();
            try {
                OpenEpisode open = episodes.get(namespaces[rule]);
                Lifecycle.Outcome outcome =
                        lifecycles
                                .get(rule)
                                .onMatch(
                                        open == null ? null : open.episode(),
                                        alert,
                                        processingTime());
                if (outcome.extended()) {
                    suppressed[rule].inc();
                }
                emitAll(outcome);
                store(open, outcome.episode());
            } catch (Exception e) {
                throw new IllegalStateException("episode state of " + namespaces[rule], e);
            }
        }

        @Override
        public void conditionCleared(long time) {
            try {
                OpenEpisode open = episodes.get(namespaces[rule]);
                if (open == null) {
                    return;
                }
                Lifecycle.Outcome outcome =
                        lifecycles.get(rule).onCleared(open.episode(), time, processingTime());
                emitAll(outcome);
                store(open, outcome.episode());
            } catch (Exception e) {
                throw new IllegalStateException("episode state of " + namespaces[rule], e);
            }
        }

        /** Emits the outcome's records and counts them; the caller stores its episode. */
        void emitAll(Lifecycle.Outcome outcome) {
            for (Alert record : outcome.records()) {
                if (record.resolved()) {
                    resolved[rule].inc();
                } else if (outcome.extended()) {
                    updates[rule].inc();
                } else {
                    alerts[rule].inc();
                }
                out.collect(record);
            }
        }

        /**
         * Stores the rule's episode after a call. One timer per episode: an episode's {@link
         * Lifecycle#timer} only moves later, so a timer still ahead ({@code > now}) of the previous
         * episode is kept, and when it fires early the episode is re-armed there (in {@link
         * #onTimer}), instead of a timer per match.
         */
        private void store(OpenEpisode previous, Lifecycle.Episode next) throws Exception {
            if (next == null) {
                episodes.remove(namespaces[rule]);
                if (previous != null) {
                    keyRules.openEpisodes--;
                }
                return;
            }
            if (previous == null) {
                keyRules.openEpisodes++;
            }
            long timer;
            if (previous != null && previous.timer() > now) {
                timer = previous.timer();
            } else {
                // On the grid, as every timer here: one between grid points would run before
                // the earlier events of its bucket.
                timer = gridPoint(lifecycles.get(rule).timer(next));
                timers.registerEventTimeTimer(timer);
            }
            episodes.put(namespaces[rule], new OpenEpisode(next, timer));
        }

        @Override
        public long processingTime() {
            return timers.currentProcessingTime();
        }

        @Override
        public long inputStart() {
            return inputStart;
        }

        @Override
        public void evicted() {
            if (evicted[rule] != null) {
                evicted[rule].inc();
            }
        }
    }

    /**
     * A rule's open episode for a key and the event time of the timer registered for it: at or
     * before the episode's {@link Lifecycle#timer}, re-armed there when it fires first.
     */
    public record OpenEpisode(Lifecycle.Episode episode, long timer) implements Serializable {}
}
