package io.nginxalerts.worker;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The worker's counters, shown per interval in the log and as Prometheus counters on {@code
 * /metrics}. Thread-safe; counters only grow.
 */
final class Metrics {
    final LongAdder delivered = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder deadInvalid = new LongAdder();
    final LongAdder deadUndeliverable = new LongAdder();
    final LongAdder redelivered = new LongAdder();
    final LongAdder reclaimed = new LongAdder();
    final LongAdder redisOutages = new LongAdder();
    final LongAdder alertmanagerResent = new LongAdder();
    final LongAdder alertmanagerResendFailures = new LongAdder();
    final LongAdder alertmanagerDropped = new LongAdder();
    final AtomicLong alertmanagerFiring = new AtomicLong();

    /** A point-in-time copy, to log the difference between two of them. */
    record Snapshot(
            long delivered,
            long duplicates,
            long retries,
            long dead,
            long redelivered,
            long reclaimed) {
        String since(Snapshot before) {
            return String.format(
                    "delivered=%d duplicates=%d retries=%d dead=%d redelivered=%d reclaimed=%d",
                    delivered - before.delivered,
                    duplicates - before.duplicates,
                    retries - before.retries,
                    dead - before.dead,
                    redelivered - before.redelivered,
                    reclaimed - before.reclaimed);
        }
    }

    Snapshot snapshot() {
        return new Snapshot(
                delivered.sum(),
                duplicates.sum(),
                retries.sum(),
                deadInvalid.sum() + deadUndeliverable.sum(),
                redelivered.sum(),
                reclaimed.sum());
    }

    /** Prometheus text exposition format 0.0.4. */
    String prometheus(boolean redisUp) {
        StringBuilder sb = new StringBuilder(1024);
        counter(sb, "delivered", "Alerts delivered to every output.", delivered.sum());
        counter(
                sb,
                "duplicates",
                "Alerts dropped because their id was already delivered.",
                duplicates.sum());
        counter(sb, "retries", "Delivery attempts that failed and were retried.", retries.sum());
        String dead = "nginx_alerts_worker_dead_total";
        sb.append("# HELP ").append(dead).append(" Values moved to the dead list.\n");
        sb.append("# TYPE ").append(dead).append(" counter\n");
        sb.append(dead).append("{reason=\"invalid\"} ").append(deadInvalid.sum()).append('\n');
        sb.append(dead)
                .append("{reason=\"undeliverable\"} ")
                .append(deadUndeliverable.sum())
                .append('\n');
        counter(
                sb,
                "redelivered",
                "Alerts found in this worker's processing list (after a crash) and handled again.",
                redelivered.sum());
        counter(
                sb,
                "reclaimed",
                "Alerts moved back to the alert list from workers whose heartbeat expired.",
                reclaimed.sum());
        counter(sb, "redis_outages", "Times Redis became unreachable.", redisOutages.sum());
        counter(
                sb,
                "alertmanager_resent",
                "Firing alerts re-sent to an Alertmanager (so it does not resolve them itself).",
                alertmanagerResent.sum());
        counter(
                sb,
                "alertmanager_resend_failures",
                "Re-send rounds to an Alertmanager that failed (tried again later).",
                alertmanagerResendFailures.sum());
        counter(
                sb,
                "alertmanager_dropped",
                "Firing alerts no longer re-sent because of --alertmanager.max-firing.",
                alertmanagerDropped.sum());
        sb.append("# HELP nginx_alerts_worker_alertmanager_firing Firing alerts being re-sent.\n");
        sb.append("# TYPE nginx_alerts_worker_alertmanager_firing gauge\n");
        sb.append("nginx_alerts_worker_alertmanager_firing ")
                .append(alertmanagerFiring.get())
                .append('\n');
        sb.append("# HELP nginx_alerts_worker_redis_up 1 when the last Redis command succeeded.\n");
        sb.append("# TYPE nginx_alerts_worker_redis_up gauge\n");
        sb.append("nginx_alerts_worker_redis_up ").append(redisUp ? 1 : 0).append('\n');
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long value) {
        String full = "nginx_alerts_worker_" + name + "_total";
        sb.append("# HELP ").append(full).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(full).append(" counter\n");
        sb.append(full).append(' ').append(value).append('\n');
    }
}
