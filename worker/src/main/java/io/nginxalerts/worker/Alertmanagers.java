package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import redis.clients.jedis.RedisClient;

/**
 * What the Alertmanager outputs of one worker share: the mapping, the {@link ResendSchedule} and
 * the firing alerts in Redis.
 *
 * <p>The hash {@code <list>:firing} holds, per fingerprint, the latest firing record delivered; the
 * worker adds it after every output accepted a firing record and removes it once the resolved
 * record was accepted, in both cases before it acknowledges the record, so a crash in between only
 * repeats the step. Re-sending works from it: every {@code --alertmanager.resend-every} the worker
 * reads it again ({@code HGETALL}), so a restarted worker, or another worker of the same list, goes
 * on re-sending what was firing; and before it re-sends, it checks that the alerts are still in it
 * ({@code HMGET}), so no worker re-fires an episode that another worker has just resolved.
 */
final class Alertmanagers {
    private static final Logger LOG = Logger.getLogger(Alertmanagers.class.getName());

    /** Alerts per re-send request. */
    static final int BATCH = 200;

    private final AlertmanagerPayload payload;
    private final ResendSchedule schedule;
    private final Retry backoff;
    private final List<AlertmanagerOutput> outputs = new ArrayList<>();
    private AtomicIntegerArray failures = new AtomicIntegerArray(0);
    private volatile Metrics metrics = new Metrics();

    Alertmanagers(AlertmanagerPayload payload, ResendSchedule schedule, Retry backoff) {
        this.payload = payload;
        this.schedule = schedule;
        this.backoff = backoff;
    }

    /** Adds the next target's output (targets are numbered in the order they were added). */
    AlertmanagerOutput add(URI url, HttpPoster poster) {
        AlertmanagerOutput output = new AlertmanagerOutput(url, outputs.size(), poster, this);
        outputs.add(output);
        failures = new AtomicIntegerArray(outputs.size());
        return output;
    }

    AlertmanagerPayload payload() {
        return payload;
    }

    ResendSchedule schedule() {
        return schedule;
    }

    List<AlertmanagerOutput> outputs() {
        return List.copyOf(outputs);
    }

    /** Counters go to the worker's metrics from now on. */
    void useMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    /** The pause before re-sending to a target again after its consecutive failures. */
    Duration retryIn(int target) {
        return backoff.delayAfter(Math.max(1, failures.get(target)));
    }

    void dropped(List<Alert> alerts) {
        for (Alert a : alerts) {
            metrics.alertmanagerDropped.increment();
            LOG.warning(
                    () ->
                            "more firing alerts than --alertmanager.max-firing: no longer"
                                    + " re-sending "
                                    + a.rule()
                                    + " "
                                    + a.key()
                                    + " (fingerprint "
                                    + a.fingerprint()
                                    + "); Alertmanager resolves it after its resolve_timeout");
        }
    }

    /**
     * Before the acknowledgement: a firing record every output accepted is stored under its
     * fingerprint; a resolved record removes it (also when an output refused it for good).
     */
    void delivered(RedisGuard redis, RedisKeys keys, Alert alert, String value) {
        redis.call(
                RedisGuard.Mode.FINISH,
                c ->
                        alert.resolved()
                                ? c.hdel(keys.firing(), alert.fingerprint())
                                : c.hset(keys.firing(), alert.fingerprint(), value));
    }

    /**
     * One round of the re-send loop (every second): reads the stored firing alerts when due, then
     * re-sends to each Alertmanager what is due there. Never throws for Redis or HTTP failures:
     * what failed is tried again on a later round.
     */
    void tick(RedisGuard redis, RedisKeys keys, LongSupplier clock) {
        if (schedule.syncDue()) {
            long readAt = clock.getAsLong();
            redis.tryOnce(c -> c.hgetAll(keys.firing()))
                    .ifPresent(stored -> sync(redis, keys, stored, readAt));
        }
        for (AlertmanagerOutput output : outputs) {
            try {
                List<Alert> sent = output.resendDue(due -> stillFiring(redis, keys, due));
                if (!sent.isEmpty()) {
                    failures.set(output.target(), 0);
                    metrics.alertmanagerResent.add(sent.size());
                }
            } catch (DeliveryException e) {
                int n = failures.incrementAndGet(output.target());
                metrics.alertmanagerResendFailures.increment();
                LOG.warning(
                        () ->
                                "re-sending firing alerts failed ("
                                        + n
                                        + " time(s) in a row, trying again in at most "
                                        + "--alertmanager.resend-every): "
                                        + e.getMessage());
            }
        }
        metrics.alertmanagerFiring.set(schedule.size());
    }

    private void sync(RedisGuard redis, RedisKeys keys, Map<String, String> stored, long readAt) {
        Map<String, Alert> alerts = new LinkedHashMap<>();
        List<String> unreadable = new ArrayList<>();
        stored.forEach(
                (fp, value) -> {
                    try {
                        Alert a = AlertCodec.decode(value);
                        if (a.resolved() || !a.fingerprint().equals(fp)) {
                            unreadable.add(fp);
                        } else {
                            alerts.put(fp, a);
                        }
                    } catch (RuntimeException e) {
                        unreadable.add(fp);
                    }
                });
        List<Alert> excess = schedule.excess(alerts);
        excess.forEach(a -> alerts.remove(a.fingerprint()));
        List<String> remove = new ArrayList<>(unreadable);
        excess.forEach(a -> remove.add(a.fingerprint()));
        if (!remove.isEmpty()) {
            redis.tryOnce(c -> c.hdel(keys.firing(), remove.toArray(String[]::new)));
        }
        if (!unreadable.isEmpty()) {
            LOG.warning(
                    () ->
                            "removed "
                                    + unreadable.size()
                                    + " value(s) that are not firing alerts from "
                                    + keys.firing());
        }
        dropped(excess);
        dropped(schedule.sync(alerts, readAt));
    }

    /** The alerts whose fingerprint is still stored; the others are forgotten. */
    private List<Alert> stillFiring(RedisGuard redis, RedisKeys keys, List<Alert> due) {
        String[] fps = due.stream().map(Alert::fingerprint).toArray(String[]::new);
        List<String> stored =
                redis.<List<String>>tryOnce((RedisClient c) -> c.hmget(keys.firing(), fps))
                        .orElse(null);
        if (stored == null) {
            // Redis is unreachable: re-send anyway, or Alertmanager resolves them by itself.
            return due;
        }
        List<Alert> open = new ArrayList<>(due.size());
        Map<String, Boolean> gone = new HashMap<>();
        for (int i = 0; i < due.size(); i++) {
            if (stored.get(i) != null) {
                open.add(due.get(i));
            } else {
                gone.put(fps[i], true);
            }
        }
        gone.keySet().forEach(schedule::resolved);
        return open;
    }
}
