package io.nginxalerts.job.testing;

import io.nginxalerts.core.alert.Alert;
import java.util.Comparator;
import java.util.List;

/** Alerts made comparable across runs: what differs between two correct runs is taken out. */
public final class ComparableAlerts {
    private ComparableAlerts() {}

    /**
     * The alerts without their wall-clock detection time (every other component kept: ratio,
     * aggregate, silent_since and value too), ordered by rule, last_seen, id and then their text.
     */
    public static List<Alert> of(List<Alert> alerts) {
        return alerts.stream()
                .map(a -> a.withDetectedAt(0L))
                .sorted(
                        Comparator.comparing(Alert::rule)
                                .thenComparing(Alert::lastSeen)
                                .thenComparing(Alert::id)
                                .thenComparing(Alert::toString))
                .toList();
    }
}
