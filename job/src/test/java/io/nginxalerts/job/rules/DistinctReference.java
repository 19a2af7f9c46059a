package io.nginxalerts.job.rules;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The definition of a distinct rule, evaluated literally in plain Java, to check distinct rules in
 * {@link RuleGroupOperator} (and its suppression) against. Nothing incremental, nothing clever:
 * O(n²) per key.
 *
 * <p>The definition: take the events that match the rule and have a key, per key in timestamp order
 * (equal timestamps in arrival order). At each event {@code e}, its window is the events of the key
 * processed so far (e included) with a timestamp in {@code (e.ts - within, e.ts]}, after the last
 * match (a match empties the window). If the window holds {@code threshold} or more different
 * non-null values of the {@code distinct} field, that is a match: the latest event of each value in
 * the window, in processing order. A match becomes an alert unless an earlier alert of the key
 * suppresses it ({@code lastSeen < previous.lastSeen + suppress}).
 */
final class DistinctReference {
    private DistinctReference() {}

    /**
     * @param events the events that reached the rule on time, in arrival order
     * @return the alerts, with {@code detectedAt} 0
     */
    static List<Alert> alerts(Rule rule, List<AccessEvent> events) {
        Map<String, List<AccessEvent>> byKey = new LinkedHashMap<>();
        for (AccessEvent e : events) {
            String key = rule.keyOf(e);
            if (rule.isRelevant(e) && key != null) {
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
            }
        }
        List<Alert> alerts = new ArrayList<>();
        for (List<AccessEvent> keyEvents : byKey.values()) {
            // List.sort is stable: equal timestamps keep their arrival order.
            keyEvents.sort(Comparator.comparingLong(AccessEvent::timestamp));
            Long suppressedUntil = null;
            for (List<AccessEvent> match : matches(rule, keyEvents)) {
                Alert alert = Alerts.fromMatch(rule, match, 0L);
                long span = rule.suppress().toMillis();
                if (span > 0 && suppressedUntil != null && alert.lastSeen() < suppressedUntil) {
                    continue;
                }
                suppressedUntil = alert.lastSeen() + span;
                alerts.add(alert);
            }
        }
        return alerts;
    }

    /** The matches of one key's events, given in processing order. */
    static List<List<AccessEvent>> matches(Rule rule, List<AccessEvent> ordered) {
        long within = rule.within().toMillis();
        int threshold = rule.steps().get(0).atLeast();
        List<List<AccessEvent>> matches = new ArrayList<>();
        int afterMatch = 0;
        for (int i = 0; i < ordered.size(); i++) {
            long now = ordered.get(i).timestamp();
            // Value → index of its latest event in the window.
            Map<String, Integer> latest = new HashMap<>();
            for (int j = afterMatch; j <= i; j++) {
                AccessEvent e = ordered.get(j);
                String value = rule.distinctValue(e);
                if (value != null && now - within < e.timestamp() && e.timestamp() <= now) {
                    latest.put(value, j);
                }
            }
            if (latest.size() >= threshold) {
                List<AccessEvent> match = new ArrayList<>();
                latest.values().stream().sorted().forEach(j -> match.add(ordered.get(j)));
                matches.add(match);
                afterMatch = i + 1;
            }
        }
        return matches;
    }
}
