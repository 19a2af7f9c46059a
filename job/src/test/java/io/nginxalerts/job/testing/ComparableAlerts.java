package io.nginxalerts.job.testing;

import io.nginxalerts.core.alert.Alert;
import java.util.Comparator;
import java.util.List;

/** Alerts made comparable across runs: what differs between two correct runs is taken out. */
public final class ComparableAlerts {
    private ComparableAlerts() {}

    /** The alerts without their wall-clock detection time, ordered by rule, last_seen and id. */
    public static List<Alert> of(List<Alert> alerts) {
        return alerts.stream()
                .map(
                        a ->
                                new Alert(
                                        a.id(),
                                        a.rule(),
                                        a.severity(),
                                        a.key(),
                                        a.count(),
                                        a.firstSeen(),
                                        a.lastSeen(),
                                        0L,
                                        a.summary(),
                                        a.description(),
                                        a.evidence(),
                                        a.schema(),
                                        a.distinctCount()))
                .sorted(
                        Comparator.comparing(Alert::rule)
                                .thenComparing(Alert::lastSeen)
                                .thenComparing(Alert::id))
                .toList();
    }
}
