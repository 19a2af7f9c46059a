package io.nginxalerts.testing.reference;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.detect.LogBuckets;
import io.nginxalerts.core.detect.NumericValues;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The definitions of the non-sequence rule kinds (threshold, distinct, ratio, value, silence,
 * first_seen) evaluated literally, as the design note "Rule engine v2" states them, to check the
 * detectors and the Flink operator against. Nothing incremental, nothing clever: every window is
 * scanned again at every event, percentiles sort the bucketed values.
 *
 * <p>Per rule and key, over the events that pass the rule's {@code match} and have every {@code
 * group_by} field, in timestamp order (equal timestamps in arrival order). The window at event
 * {@code e} (time {@code t}) is the key's events up to {@code e} with {@code t - ts < within},
 * after the last event that fired the rule for the key (threshold, distinct, ratio and value rules
 * reset when they fire; silence and first_seen do not).
 *
 * <p>A silence alert's deadline is {@code silentSince + silent_for} ({@link #deadline}); it is
 * given only if the deadline is at or before {@code maxEventTime}: the end of a bounded input is no
 * evidence of silence. Alerts carry {@code detectedAt} 0 and are candidates, not records ({@link
 * #records} turns them into episodes; {@link #suppressed} is the old suppression). They come per
 * key (keys in order of their first event in arrival order), each key's in the order they fire.
 */
public final class ReferenceEvaluator {
    private ReferenceEvaluator() {}

    /** The alerts of a rule and how many values a first-seen rule evicted. */
    public record Result(List<Alert> alerts, long evictions) {}

    /**
     * The alerts of {@code rule} on a bounded input: event time starts at its earliest event and
     * ends at its latest, so a silence whose deadline no event reached is not given.
     *
     * @param events the whole input (every event, matching or not), in arrival order
     */
    public static List<Alert> alerts(Rule rule, List<AccessEvent> events) {
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (AccessEvent e : events) {
            start = Math.min(start, e.timestamp());
            end = Math.max(end, e.timestamp());
        }
        return evaluate(rule, events, events.isEmpty() ? Long.MIN_VALUE : start, end).alerts();
    }

    /**
     * The alerts of {@code rule}.
     *
     * @param events the events, in arrival order
     * @param inputStart the earliest event time the job read (first-seen rules learn from there)
     * @param maxEventTime how far event time got: silences with a later deadline are not given
     *     ({@link Long#MAX_VALUE} gives them all)
     */
    public static Result evaluate(
            Rule rule, List<AccessEvent> events, long inputStart, long maxEventTime) {
        List<Alert> alerts = new ArrayList<>();
        long evictions = 0;
        for (List<AccessEvent> ordered : byKey(rule, events).values()) {
            RuleKind kind = rule.kind();
            if (kind instanceof RuleKind.Count) {
                alerts.addAll(threshold(rule, ordered));
            } else if (kind instanceof RuleKind.Distinct) {
                alerts.addAll(distinct(rule, ordered));
            } else if (kind instanceof RuleKind.Ratio ratio) {
                alerts.addAll(ratio(rule, ratio, ordered));
            } else if (kind instanceof RuleKind.Value value) {
                alerts.addAll(value(rule, value, ordered));
            } else if (kind instanceof RuleKind.Silence silence) {
                for (Alert alert : silence(rule, silence, ordered)) {
                    if (deadline(rule, alert) <= maxEventTime) {
                        alerts.add(alert);
                    }
                }
            } else if (kind instanceof RuleKind.FirstSeen firstSeen) {
                long[] evicted = new long[1];
                alerts.addAll(firstSeen(rule, firstSeen, ordered, inputStart, evicted));
                evictions += evicted[0];
            } else {
                throw new IllegalArgumentException(
                        "rule " + rule.id() + " is a sequence: no reference here");
            }
        }
        return new Result(alerts, evictions);
    }

    /** When a silence alert fires: {@code silentSince + silent_for}. */
    public static long deadline(Rule rule, Alert alert) {
        return alert.silentSince() + ((RuleKind.Silence) rule.kind()).silentFor().toMillis();
    }

    /**
     * The alerts left after suppression: per key, an alert whose {@code lastSeen} is before the
     * previous given alert's {@code lastSeen + suppress} is dropped.
     */
    public static List<Alert> suppressed(Rule rule, List<Alert> alerts) {
        long span = rule.suppress().toMillis();
        Map<Map<String, String>, Long> until = new HashMap<>();
        List<Alert> kept = new ArrayList<>();
        for (Alert alert : alerts) {
            Long previous = until.get(alert.key());
            if (span > 0 && previous != null && alert.lastSeen() < previous) {
                continue;
            }
            until.put(alert.key(), alert.lastSeen() + span);
            kept.add(alert);
        }
        return kept;
    }

    /**
     * The records of {@code rule} on a bounded input as the job gives them: its candidates turned
     * into episodes ({@link #episodes}; a silence rule's by {@link #silenceEpisodes}).
     *
     * @param events the whole input, in arrival order
     */
    public static List<Alert> records(Rule rule, List<AccessEvent> events) {
        long largest = Long.MIN_VALUE;
        for (AccessEvent e : events) {
            largest = Math.max(largest, e.timestamp());
        }
        List<Alert> candidates = alerts(rule, events);
        if (rule.kind() instanceof RuleKind.Silence) {
            return silenceEpisodes(rule, candidates, events);
        }
        return episodes(rule, candidates, a -> Long.MIN_VALUE, largest);
    }

    /**
     * The episode definition, literally: per key, the candidates sorted by {@code lastSeen}
     * (stable); an episode is a maximal chain of candidates each less than {@code resolve_after}
     * after the previous one. Its firing record is its first candidate (given if {@code
     * deadline(first) <= largest}: an absence rule's candidate needs event time past its deadline);
     * with {@code update_every}, a later candidate at least {@code update_every} after the firing
     * or the previous update gives an update with the count of the episode's candidates so far; its
     * resolved record ({@code first.resolvedAt(last + resolve_after)}) is given if {@code last +
     * resolve_after + delay <= largest}, where delay is {@code within} for an absent sequence (a
     * candidate that extends it is known that much after its lastSeen) and 0 otherwise: the end of
     * a bounded input is no evidence. Records carry {@code detectedAt} 0.
     *
     * @param candidates every candidate, decided or not (an undecided one still extends)
     */
    public static List<Alert> episodes(
            Rule rule,
            List<Alert> candidates,
            java.util.function.ToLongFunction<Alert> deadline,
            long largest) {
        long resolveAfter = rule.resolveAfter().toMillis();
        long updateEvery = rule.updateEvery().toMillis();
        long delay =
                rule.firesOnAbsence() && !(rule.kind() instanceof RuleKind.Silence)
                        ? rule.alertDelay().toMillis()
                        : 0;
        Map<Map<String, String>, List<Alert>> byKey = new LinkedHashMap<>();
        for (Alert a : candidates) {
            byKey.computeIfAbsent(a.key(), k -> new ArrayList<>()).add(a);
        }
        List<Alert> records = new ArrayList<>();
        for (List<Alert> key : byKey.values()) {
            List<Alert> sorted = new ArrayList<>(key);
            sorted.sort(Comparator.comparingLong(Alert::lastSeen));
            int i = 0;
            while (i < sorted.size()) {
                Alert first = sorted.get(i);
                boolean firstGiven = deadline.applyAsLong(first) <= largest;
                if (firstGiven) {
                    records.add(first);
                }
                long last = first.lastSeen();
                long count = first.count();
                long lastUpdate = first.lastSeen();
                int updates = 0;
                int j = i + 1;
                while (j < sorted.size() && sorted.get(j).lastSeen() - last < resolveAfter) {
                    Alert next = sorted.get(j);
                    last = Math.max(last, next.lastSeen());
                    count += next.count();
                    if (updateEvery > 0 && next.lastSeen() - lastUpdate >= updateEvery) {
                        updates++;
                        lastUpdate = next.lastSeen();
                        Alert update =
                                first.updated(
                                        (int) Math.min(count, Integer.MAX_VALUE), last, updates, 0);
                        if (firstGiven && deadline.applyAsLong(next) <= largest) {
                            records.add(update);
                        }
                    }
                    j++;
                }
                long endsAt = last + resolveAfter;
                if (firstGiven && endsAt + delay <= largest) {
                    records.add(first.resolvedAt(endsAt, 0));
                }
                i = j;
            }
        }
        return records;
    }

    /**
     * A silence rule's episodes: each silence candidate is an episode of its own; it is resolved at
     * the key's first matching event at or after its deadline ({@code silentSince + silent_for}) if
     * that event is before {@code deadline + resolve_after}, and otherwise forgotten without a
     * record.
     */
    public static List<Alert> silenceEpisodes(
            Rule rule, List<Alert> candidates, List<AccessEvent> events) {
        long resolveAfter = rule.resolveAfter().toMillis();
        Map<String, List<AccessEvent>> byKey = byKey(rule, events);
        Map<Map<String, String>, List<AccessEvent>> byFields = new HashMap<>();
        for (List<AccessEvent> ordered : byKey.values()) {
            byFields.put(rule.keyFields(ordered.get(0)), ordered);
        }
        List<Alert> records = new ArrayList<>();
        for (Alert silence : candidates) {
            records.add(silence);
            long due = deadline(rule, silence);
            for (AccessEvent e : byFields.getOrDefault(silence.key(), List.of())) {
                if (e.timestamp() >= due) {
                    if (e.timestamp() < due + resolveAfter) {
                        records.add(silence.resolvedAt(e.timestamp(), 0));
                    }
                    break;
                }
            }
        }
        return records;
    }

    /** The matching events with a key, per key, each in timestamp order (stable). */
    static Map<String, List<AccessEvent>> byKey(Rule rule, List<AccessEvent> events) {
        Map<String, List<AccessEvent>> byKey = new LinkedHashMap<>();
        for (AccessEvent e : events) {
            String key = rule.keyOf(e);
            if (key != null && rule.steps().get(0).condition().test(e)) {
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
            }
        }
        // List.sort is stable: equal timestamps keep their arrival order.
        byKey.values().forEach(l -> l.sort(Comparator.comparingLong(AccessEvent::timestamp)));
        return byKey;
    }

    /** The window at index i: indexes after {@code after} with {@code t - ts < within}. */
    private static List<AccessEvent> window(
            List<AccessEvent> ordered, int after, int i, long within) {
        long now = ordered.get(i).timestamp();
        // The events are in timestamp order, so those with now - ts < within are a suffix up to i:
        // find where it starts instead of testing every event since the last match, which made
        // a busy key quadratic (the corpus and benign-traffic scorers run whole rule sets).
        int low = after + 1;
        int high = i;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (now - ordered.get(mid).timestamp() < within) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return new ArrayList<>(ordered.subList(low, i + 1));
    }

    private static <T> List<T> last5(List<T> list) {
        return new ArrayList<>(
                list.subList(Math.max(0, list.size() - Alert.MAX_EVIDENCE), list.size()));
    }

    static List<Alert> threshold(Rule rule, List<AccessEvent> ordered) {
        long within = rule.within().toMillis();
        int n = rule.steps().get(0).atLeast();
        List<Alert> alerts = new ArrayList<>();
        int lastFired = -1;
        for (int i = 0; i < ordered.size(); i++) {
            List<AccessEvent> window = window(ordered, lastFired, i, within);
            if (window.size() >= n) {
                alerts.add(Alerts.fromMatch(rule, window, 0L));
                lastFired = i;
            }
        }
        return alerts;
    }

    /**
     * A distinct rule's match is the latest event of each value in the window, in processing order
     * (the order the job's operator gives its evidence in).
     */
    static List<Alert> distinct(Rule rule, List<AccessEvent> keyEvents) {
        List<AccessEvent> ordered = new ArrayList<>();
        for (AccessEvent e : keyEvents) {
            if (rule.distinctValue(e) != null) {
                ordered.add(e);
            }
        }
        long within = rule.within().toMillis();
        int n = rule.steps().get(0).atLeast();
        List<Alert> alerts = new ArrayList<>();
        int lastFired = -1;
        for (int i = 0; i < ordered.size(); i++) {
            List<AccessEvent> window = window(ordered, lastFired, i, within);
            Map<String, AccessEvent> latest = new HashMap<>();
            for (AccessEvent e : window) {
                latest.put(rule.distinctValue(e), e);
            }
            if (latest.size() >= n) {
                List<AccessEvent> match = new ArrayList<>();
                for (AccessEvent e : window) {
                    if (latest.get(rule.distinctValue(e)) == e) {
                        match.add(e);
                    }
                }
                alerts.add(Alerts.fromMatch(rule, match, 0L));
                lastFired = i;
            }
        }
        return alerts;
    }

    static List<Alert> ratio(Rule rule, RuleKind.Ratio kind, List<AccessEvent> ordered) {
        long within = rule.within().toMillis();
        BigDecimal atLeast = BigDecimal.valueOf(kind.atLeast());
        List<Alert> alerts = new ArrayList<>();
        int lastFired = -1;
        for (int i = 0; i < ordered.size(); i++) {
            List<AccessEvent> window = window(ordered, lastFired, i, within);
            List<AccessEvent> hits = new ArrayList<>();
            for (AccessEvent e : window) {
                if (kind.of().test(e)) {
                    hits.add(e);
                }
            }
            int size = window.size();
            boolean reaches =
                    BigDecimal.valueOf(hits.size())
                                    .compareTo(atLeast.multiply(BigDecimal.valueOf(size)))
                            >= 0;
            if (size >= kind.minEvents() && reaches) {
                alerts.add(
                        Alerts.ratio(
                                rule,
                                last5(hits),
                                hits.size(),
                                size,
                                window.get(0).timestamp(),
                                ordered.get(i).timestamp(),
                                0L));
                lastFired = i;
            }
        }
        return alerts;
    }

    static List<Alert> value(Rule rule, RuleKind.Value kind, List<AccessEvent> keyEvents) {
        List<AccessEvent> ordered = new ArrayList<>();
        for (AccessEvent e : keyEvents) {
            if (NumericValues.of(e, kind.field()) != NumericValues.NONE) {
                ordered.add(e);
            }
        }
        long within = rule.within().toMillis();
        List<Alert> alerts = new ArrayList<>();
        int lastFired = -1;
        for (int i = 0; i < ordered.size(); i++) {
            List<AccessEvent> window = window(ordered, lastFired, i, within);
            if (window.size() < kind.minEvents()) {
                continue;
            }
            List<Long> values = new ArrayList<>();
            for (AccessEvent e : window) {
                values.add(NumericValues.of(e, kind.field()));
            }
            double aggregate = aggregate(kind.aggregate(), values);
            if (kind.comparison().holds(aggregate, kind.bound())) {
                alerts.add(
                        Alerts.value(
                                rule,
                                last5(window),
                                window.size(),
                                aggregate,
                                window.get(0).timestamp(),
                                ordered.get(i).timestamp(),
                                0L));
                lastFired = i;
            }
        }
        return alerts;
    }

    /** The aggregate of values in thousandths, by its definition. */
    static double aggregate(RuleKind.Aggregate aggregate, List<Long> values) {
        switch (aggregate) {
            case AVG:
                long sum = 0;
                for (long v : values) {
                    sum += v;
                }
                return NumericValues.average(sum, values.size());
            case MAX:
                return NumericValues.toDouble(Collections.max(values));
            case MIN:
                return NumericValues.toDouble(Collections.min(values));
            default:
                List<Long> buckets = new ArrayList<>();
                for (long v : values) {
                    buckets.add(LogBuckets.key(v));
                }
                Collections.sort(buckets);
                // Nearest rank: ceil(p/100 * n), 1-based.
                int rank =
                        BigDecimal.valueOf(aggregate.percentile())
                                .multiply(BigDecimal.valueOf(values.size()))
                                .divide(BigDecimal.valueOf(100), 0, java.math.RoundingMode.CEILING)
                                .intValueExact();
                return LogBuckets.value(buckets.get(Math.max(rank, 1) - 1));
        }
    }

    /**
     * Each event after which the key has no event before {@code t + silent_for} (the next event, in
     * processing order, is at or after that, or there is none) fires if its window without reset
     * holds at least {@code min_events}. Of several events at one timestamp only the last can be
     * followed by a gap.
     */
    static List<Alert> silence(Rule rule, RuleKind.Silence kind, List<AccessEvent> ordered) {
        long within = rule.within().toMillis();
        long silentFor = kind.silentFor().toMillis();
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            long t = ordered.get(i).timestamp();
            boolean gap =
                    i == ordered.size() - 1 || ordered.get(i + 1).timestamp() >= t + silentFor;
            if (!gap) {
                continue;
            }
            List<AccessEvent> window = window(ordered, -1, i, within);
            if (window.size() >= kind.minEvents()) {
                alerts.add(
                        Alerts.silence(
                                rule,
                                last5(window),
                                window.size(),
                                window.get(0).timestamp(),
                                t,
                                0L));
            }
        }
        return alerts;
    }

    static List<Alert> firstSeen(
            Rule rule,
            RuleKind.FirstSeen kind,
            List<AccessEvent> ordered,
            long inputStart,
            long[] evictions) {
        long within = rule.within().toMillis();
        long learnFor = kind.learnFor().toMillis();
        Map<String, Long> lastSeen = new HashMap<>();
        List<Alert> alerts = new ArrayList<>();
        for (AccessEvent e : ordered) {
            long t = e.timestamp();
            lastSeen.values().removeIf(last -> t - last >= within);
            String v = Rule.fieldText(e, kind.field());
            if (v == null) {
                continue;
            }
            if (!lastSeen.containsKey(v) && t - learnFor >= inputStart) {
                alerts.add(Alerts.firstSeen(rule, e, v, 0L));
            }
            lastSeen.put(v, t);
            while (lastSeen.size() > kind.maxValues()) {
                String oldest = null;
                for (Map.Entry<String, Long> entry : lastSeen.entrySet()) {
                    if (oldest == null
                            || entry.getValue() < lastSeen.get(oldest)
                            || (entry.getValue().equals(lastSeen.get(oldest))
                                    && entry.getKey().compareTo(oldest) < 0)) {
                        oldest = entry.getKey();
                    }
                }
                lastSeen.remove(oldest);
                evictions[0]++;
            }
        }
        return alerts;
    }
}
