package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * When to post each firing alert to each Alertmanager again. Alertmanager resolves an alert by
 * itself once it has not received it for its {@code resolve_timeout} (5 minutes by default), so a
 * firing alert is re-sent to every target {@code every} after it was last posted there, until its
 * resolved record arrives; then it is forgotten.
 *
 * <p>Pure and thread-safe: time comes from the injected clock (epoch milliseconds), nothing is
 * posted here. Targets are numbered from 0 (one per {@code --output alertmanager:URL}).
 *
 * <p>Bounded: at most {@code maxFiring} alerts are kept; beyond that the oldest episode (earliest
 * {@code first_seen}) is dropped and returned, so the caller can say so (Alertmanager then resolves
 * it by itself after its resolve timeout).
 *
 * <p>The worker keeps the firing alerts in a Redis hash too ({@link #sync}), so a restarted worker,
 * or another one, carries on re-sending them.
 */
final class ResendSchedule {
    private static final Comparator<Alert> OLDEST_FIRST =
            Comparator.comparingLong(Alert::firstSeen).thenComparing(Alert::fingerprint);

    private final Duration every;
    private final int maxFiring;
    private final int targets;
    private final LongSupplier clock;
    private final Map<String, Entry> firing = new LinkedHashMap<>();
    private long nextSync = Long.MIN_VALUE;

    private static final class Entry {
        Alert alert;
        final long addedAt;
        final long[] nextDue;

        Entry(Alert alert, long addedAt, int targets, long due) {
            this.alert = alert;
            this.addedAt = addedAt;
            this.nextDue = new long[targets];
            Arrays.fill(nextDue, due);
        }
    }

    ResendSchedule(Duration every, int maxFiring, int targets, LongSupplier clock) {
        if (every.isNegative() || every.isZero() || maxFiring < 1 || targets < 1) {
            throw new IllegalArgumentException("need every > 0, maxFiring >= 1, targets >= 1");
        }
        this.every = every;
        this.maxFiring = maxFiring;
        this.targets = targets;
        this.clock = clock;
    }

    /**
     * A firing record (or an update) was just posted to {@code target}: it is due there again
     * {@code every} from now, and on the other targets no later than that.
     *
     * @return the alerts dropped to stay within the bound (usually none)
     */
    synchronized List<Alert> fired(Alert alert, int target) {
        long now = clock.getAsLong();
        long due = now + every.toMillis();
        Entry e = firing.get(alert.fingerprint());
        if (e == null) {
            firing.put(alert.fingerprint(), new Entry(alert, now, targets, due));
        } else {
            e.alert = alert;
            e.nextDue[target] = due;
        }
        return trim();
    }

    /** The episode is over: its alert is not re-sent any more. */
    synchronized void resolved(String fingerprint) {
        firing.remove(fingerprint);
    }

    /** The alerts to post to {@code target} now, oldest episode first. */
    synchronized List<Alert> due(int target) {
        long now = clock.getAsLong();
        List<Alert> due = new ArrayList<>();
        for (Entry e : firing.values()) {
            if (e.nextDue[target] <= now) {
                due.add(e.alert);
            }
        }
        due.sort(OLDEST_FIRST);
        return due;
    }

    /** {@code target} accepted these alerts now: next time in {@code every}. */
    synchronized void sent(int target, List<Alert> alerts) {
        reschedule(target, alerts, every);
    }

    /**
     * Posting them to {@code target} failed: try again in {@code retryIn}, at most {@code every}.
     */
    synchronized void failed(int target, List<Alert> alerts, Duration retryIn) {
        reschedule(target, alerts, retryIn.compareTo(every) < 0 ? retryIn : every);
    }

    private void reschedule(int target, List<Alert> alerts, Duration in) {
        long due = clock.getAsLong() + in.toMillis();
        for (Alert a : alerts) {
            Entry e = firing.get(a.fingerprint());
            if (e != null) {
                e.nextDue[target] = due;
            }
        }
    }

    /** Whether the stored firing alerts should be read again (every {@code every}, and at once). */
    synchronized boolean syncDue() {
        return clock.getAsLong() >= nextSync;
    }

    /**
     * Makes the schedule agree with the stored firing alerts, read at {@code readAt}: an alert
     * stored but not known here (an earlier run's, another worker's) is due at once on every
     * target; one known here but no longer stored was resolved elsewhere and is forgotten, unless
     * it was added after the read began (its record may not be stored yet).
     *
     * @return the alerts dropped to stay within the bound
     */
    synchronized List<Alert> sync(Map<String, Alert> stored, long readAt) {
        long now = clock.getAsLong();
        firing.values()
                .removeIf(e -> e.addedAt < readAt && !stored.containsKey(e.alert.fingerprint()));
        stored.values().stream()
                .sorted(OLDEST_FIRST)
                .forEach(
                        a -> {
                            Entry e = firing.get(a.fingerprint());
                            if (e == null) {
                                firing.put(a.fingerprint(), new Entry(a, now, targets, now));
                            } else if (a.lastSeen() >= e.alert.lastSeen()) {
                                e.alert = a;
                            }
                        });
        nextSync = now + every.toMillis();
        return trim();
    }

    /** How many firing alerts are scheduled. */
    synchronized int size() {
        return firing.size();
    }

    /**
     * The stored alerts beyond {@code maxFiring}, oldest episodes first: the caller removes them
     * from the store.
     */
    List<Alert> excess(Map<String, Alert> stored) {
        if (stored.size() <= maxFiring) {
            return List.of();
        }
        List<Alert> all = new ArrayList<>(stored.values());
        all.sort(OLDEST_FIRST);
        return List.copyOf(all.subList(0, all.size() - maxFiring));
    }

    private List<Alert> trim() {
        if (firing.size() <= maxFiring) {
            return List.of();
        }
        Map<String, Alert> all = new HashMap<>();
        firing.forEach((fp, e) -> all.put(fp, e.alert));
        List<Alert> dropped = excess(all);
        dropped.forEach(a -> firing.remove(a.fingerprint()));
        return dropped;
    }
}
