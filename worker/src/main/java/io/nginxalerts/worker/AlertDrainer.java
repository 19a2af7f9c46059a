package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.time.Durations;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.args.ListDirection;

/**
 * One worker: drains the alert list and delivers every alert to all outputs.
 *
 * <p>Guarantees, given the same worker id across restarts:
 *
 * <ul>
 *   <li><b>Nothing is lost.</b> An alert moves atomically (BLMOVE, RIGHT to LEFT) from the alert
 *       list into this worker's processing list and leaves it only atomically with its outcome:
 *       marked delivered, or pushed to the dead list. After a crash the restarted worker handles
 *       its processing list first; if it never comes back, a live worker moves the alerts back once
 *       the heartbeat expired. Redis outages are ridden out with backoff.
 *   <li><b>FIFO</b> with the job's LPUSH, per worker (several workers interleave).
 *   <li><b>No duplicate delivery within the dedup TTL</b> (see {@link Dedup}), except when the
 *       worker dies between an output's 2xx and the acknowledgement in Redis: then the alert is
 *       delivered again, which is why webhooks get an {@code Idempotency-Key}.
 *   <li><b>Nothing is dropped silently.</b> Values that are not alerts, and alerts still failing
 *       after {@code --max-attempts}, go to the dead list with the reason.
 * </ul>
 *
 * <p>{@link #stop()} lets the alert in hand finish (an HTTP request in flight completes; no new
 * retry is started) and makes {@link #run()} return within about {@link
 * WorkerSettings#POP_TIMEOUT}.
 */
public final class AlertDrainer implements Runnable, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AlertDrainer.class.getName());

    /** How often the Alertmanager re-send schedule is looked at. */
    static final Duration RESEND_TICK = Duration.ofSeconds(1);

    private final WorkerSettings settings;
    private final List<Output> outputs;
    private final RedisKeys keys;
    private final String processing;
    private final Metrics metrics = new Metrics();
    private final RedisClient client;
    private final RedisGuard redis;
    private final WorkerRegistry registry;
    private final Dedup dedup;
    private final DeadList deadList;
    private final Delivery delivery;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private final ScheduledExecutorService background;

    /** The Alertmanager outputs' shared state, or null without such outputs. */
    private final Alertmanagers alertmanagers;

    /** Re-sends firing alerts to Alertmanager: HTTP must not hold up the heartbeat. */
    private final ScheduledExecutorService resender;

    private final AtomicReference<Metrics.Snapshot> lastStats =
            new AtomicReference<>(metrics.snapshot());

    public AlertDrainer(WorkerSettings settings, List<Output> outputs) {
        this.settings = settings;
        this.outputs = List.copyOf(outputs);
        this.keys = settings.keys();
        this.processing = keys.processing(settings.workerId());
        // A new token per run: claims and heartbeats of an earlier run of the same id are stale.
        String runToken = UUID.randomUUID().toString();
        this.client = RedisPool.open(settings.redis(), WorkerSettings.POP_TIMEOUT.plusSeconds(5));
        Duration maxReconnect = settings.reconnectBackoffMax();
        Duration firstReconnect =
                maxReconnect.compareTo(Duration.ofMillis(100)) < 0
                        ? maxReconnect
                        : Duration.ofMillis(100);
        this.redis =
                new RedisGuard(
                        client,
                        settings.redis().toString(),
                        new Retry(firstReconnect, maxReconnect),
                        metrics);
        this.registry =
                new WorkerRegistry(
                        keys,
                        settings.workerId(),
                        runToken,
                        settings.heartbeatTtl(),
                        redis,
                        metrics);
        this.dedup = new Dedup(keys, settings.workerId(), runToken, settings.dedupTtl());
        this.deadList = new DeadList(keys.dead(), settings.workerId());
        this.delivery =
                new Delivery(
                        outputs,
                        settings.maxAttempts(),
                        new Retry(settings.retryBackoff(), settings.retryBackoffMax()),
                        settings.retryAfterMax(),
                        metrics,
                        stopping);
        this.background = daemonScheduler("worker-" + settings.workerId() + "-heartbeat");
        this.alertmanagers =
                outputs.stream()
                        .filter(AlertmanagerOutput.class::isInstance)
                        .map(o -> ((AlertmanagerOutput) o).group())
                        .findFirst()
                        .orElse(null);
        if (alertmanagers != null) {
            alertmanagers.useMetrics(metrics);
        }
        this.resender =
                alertmanagers == null
                        ? null
                        : daemonScheduler("worker-" + settings.workerId() + "-resend");
    }

    private static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(
                r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Drains until {@link #stop()}; never throws for Redis or delivery failures. */
    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a drainer runs once");
        }
        try {
            LOG.info(this::startLine);
            registry.register();
            background.scheduleWithFixedDelay(
                    this::tickSafely, 0, registry.interval().toMillis(), TimeUnit.MILLISECONDS);
            long stats = settings.statsInterval().toMillis();
            background.scheduleAtFixedRate(this::logStats, stats, stats, TimeUnit.MILLISECONDS);
            if (resender != null) {
                resender.scheduleWithFixedDelay(
                        this::resendSafely, 0, RESEND_TICK.toMillis(), TimeUnit.MILLISECONDS);
            }
            drain();
        } catch (RedisGuard.StoppedException e) {
            // Stop requested while Redis was unreachable; what is in hand stays in Redis.
        } finally {
            background.shutdownNow();
            if (resender != null) {
                resender.shutdownNow();
            }
            if (redis.isStopping()) {
                registry.unregister();
            }
            logStats();
            LOG.info(() -> "worker " + settings.workerId() + " stopped");
            stopped.countDown();
        }
    }

    private void drain() {
        // Start with what an earlier run of this worker id left unacknowledged.
        boolean recovering = true;
        double popTimeout = WorkerSettings.POP_TIMEOUT.toMillis() / 1000.0;
        while (!redis.isStopping()) {
            String value;
            if (recovering) {
                value = redis.call(RedisGuard.Mode.WAIT, c -> c.lindex(processing, -1));
                if (value == null) {
                    recovering = false;
                    continue;
                }
                metrics.redelivered.increment();
                LOG.info("handling again an alert left unacknowledged in " + processing);
            } else {
                long failuresBefore = redis.failures();
                value =
                        redis.call(
                                RedisGuard.Mode.WAIT,
                                c ->
                                        c.blmove(
                                                keys.list(),
                                                processing,
                                                ListDirection.RIGHT,
                                                ListDirection.LEFT,
                                                popTimeout));
                // A failed BLMOVE may have moved a value whose reply was lost: look again.
                recovering = redis.failures() != failuresBefore;
                if (value == null) {
                    continue;
                }
            }
            handle(value);
        }
    }

    private void handle(String value) {
        Alert alert;
        try {
            alert = AlertCodec.decode(value);
        } catch (RuntimeException e) {
            // Jackson appends a second line with the location; the first line says enough.
            String reason =
                    "not a valid alert: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            redis.call(
                    RedisGuard.Mode.FINISH,
                    c -> {
                        deadList.move(c, processing, value, reason, null, null);
                        return null;
                    });
            metrics.deadInvalid.increment();
            LOG.warning(() -> "moved a value to " + keys.dead() + ": " + reason);
            return;
        }
        Dedup.Verdict verdict = redis.call(RedisGuard.Mode.FINISH, c -> dedup.claim(c, alert.id()));
        if (verdict == Dedup.Verdict.DUPLICATE) {
            redis.call(RedisGuard.Mode.FINISH, c -> c.lrem(processing, -1, value));
            metrics.duplicates.increment();
            LOG.fine(() -> "dropped duplicate of alert " + alert.id());
            return;
        }
        Delivery.Outcome outcome = delivery.deliver(alert, AlertCodec.encode(alert));
        switch (outcome.status()) {
            case DELIVERED -> {
                if (alertmanagers != null) {
                    // Before the acknowledgement: a crash in between repeats this step only.
                    alertmanagers.delivered(redis, keys, alert, value);
                }
                redis.call(
                        RedisGuard.Mode.FINISH,
                        c -> {
                            dedup.ackDelivered(c, alert.id(), processing, value);
                            return null;
                        });
                metrics.delivered.increment();
            }
            case FAILED -> {
                if (alertmanagers != null && alert.resolved()) {
                    // The episode is over even if an output refused its resolved record: an
                    // Alertmanager that took it must not be sent the firing alert again.
                    alertmanagers.delivered(redis, keys, alert, value);
                }
                String reason =
                        "delivery failed after "
                                + outcome.attempts()
                                + " attempt(s): "
                                + outcome.lastError();
                redis.call(
                        RedisGuard.Mode.FINISH,
                        c -> {
                            deadList.move(
                                    c,
                                    processing,
                                    value,
                                    reason,
                                    keys.seen(alert.id()),
                                    dedup.claimValue());
                            return null;
                        });
                metrics.deadUndeliverable.increment();
                LOG.warning(
                        () -> "moved alert " + alert.id() + " to " + keys.dead() + ": " + reason);
            }
            case ABORTED ->
                    LOG.info(
                            () ->
                                    "stopping: alert "
                                            + alert.id()
                                            + " stays in "
                                            + processing
                                            + " for the next run (or another worker)");
        }
    }

    /** Asks {@link #run()} to return after the alert in hand; does not wait. */
    public void stop() {
        stopping.countDown();
        redis.stop(settings.shutdownGrace());
    }

    /** Waits until {@link #run()} has returned. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True if Redis answers a PING now (for /health). */
    public boolean redisHealthy() {
        return redis.ping();
    }

    Metrics metrics() {
        return metrics;
    }

    boolean redisUp() {
        return redis.isUp();
    }

    /** Stops, waits for the loop (if it runs) and releases the Redis connections. */
    @Override
    public void close() {
        stop();
        try {
            if (started.get()) {
                awaitStopped(settings.shutdownGrace().plusSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        background.shutdownNow();
        if (resender != null) {
            resender.shutdownNow();
        }
        // A heartbeat or re-send round may be in a Redis call right now: let it end before the
        // client closes, or it fails and logs Redis as unavailable while the worker is stopping
        // (seen in the demo's shutdown, which stops Redis right after the worker).
        awaitQuietly(background);
        if (resender != null) {
            awaitQuietly(resender);
        }
        client.close();
    }

    private static void awaitQuietly(ScheduledExecutorService executor) {
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String startLine() {
        return "worker "
                + settings.workerId()
                + " reads "
                + keys.list()
                + " at "
                + settings.redis().toString()
                + " (processing list "
                + processing
                + ", dead list "
                + keys.dead()
                + ") and delivers to "
                + outputs.stream().map(Output::describe).collect(Collectors.joining(", "))
                + "; dedup "
                + Durations.format(settings.dedupTtl())
                + ", at most "
                + settings.maxAttempts()
                + " attempts";
    }

    private void resendSafely() {
        try {
            alertmanagers.tick(redis, keys, System::currentTimeMillis);
        } catch (RuntimeException e) {
            // Keep the schedule alive: what was not re-sent is due again on the next round.
            LOG.log(Level.WARNING, "re-sending to Alertmanager failed", e);
        }
    }

    private void tickSafely() {
        try {
            registry.tick();
        } catch (RuntimeException e) {
            // Keep the schedule alive: a missed tick is retried on the next one.
            LOG.log(Level.WARNING, "heartbeat failed", e);
        }
    }

    private void logStats() {
        Metrics.Snapshot now = metrics.snapshot();
        Metrics.Snapshot before = lastStats.getAndSet(now);
        LOG.info(
                () ->
                        "last "
                                + Durations.format(settings.statsInterval())
                                + ": "
                                + now.since(before));
    }
}
