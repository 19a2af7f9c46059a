package io.nginxalerts.worker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Runs Redis commands for one worker and rides out outages: a failed command is retried with
 * backoff until it succeeds, so no step of the alert protocol is skipped. An outage is logged once
 * when it starts and once when it ends, not per retry.
 *
 * <p>Once the worker is stopping, waiting commands ({@link Mode#WAIT}) give up at once; commands
 * that finish an alert ({@link Mode#FINISH}) keep trying for the shutdown grace period, so an alert
 * delivered just before SIGTERM is still acknowledged if Redis allows.
 */
final class RedisGuard {
    private static final Logger LOG = Logger.getLogger(RedisGuard.class.getName());

    enum Mode {
        /** Give up as soon as the worker is stopping (popping the next alert). */
        WAIT,
        /** Keep trying until the shutdown grace period ends (acknowledging an alert in hand). */
        FINISH
    }

    /** Thrown instead of retrying further because the worker is stopping. */
    static final class StoppedException extends RuntimeException {
        StoppedException() {
            super("worker stopping", null, false, false);
        }
    }

    private final RedisClient client;
    private final String target;
    private final Retry backoff;
    private final Metrics metrics;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final AtomicLong failures = new AtomicLong();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile long outageStartNanos;
    private volatile long finishDeadlineNanos = Long.MAX_VALUE;

    RedisGuard(RedisClient client, String maskedTarget, Retry backoff, Metrics metrics) {
        this.client = client;
        this.target = maskedTarget;
        this.backoff = backoff;
        this.metrics = metrics;
    }

    /** Makes waiting commands give up; finishing commands get {@code grace} more. */
    void stop(Duration grace) {
        finishDeadlineNanos = System.nanoTime() + grace.toNanos();
        stopping.countDown();
    }

    boolean isStopping() {
        return stopping.getCount() == 0;
    }

    /** Whether the last command succeeded. */
    boolean isUp() {
        return up.get();
    }

    /** How many commands have failed so far; a change means a reply may have been lost. */
    long failures() {
        return failures.get();
    }

    /**
     * Runs the command until it succeeds.
     *
     * @throws StoppedException if the worker stops before it succeeded
     */
    <T> T call(Mode mode, Function<RedisClient, T> command) {
        for (int attempt = 1; ; attempt++) {
            checkStopped(mode);
            try {
                T result = command.apply(client);
                recovered();
                return result;
            } catch (JedisException e) {
                failed(e, attempt);
                if (attempt > 1) {
                    pause(mode, backoff.delayAfter(attempt - 1));
                }
            }
        }
    }

    /**
     * Runs the command, once more at once if it failed (the first failure may be a pooled
     * connection broken by a Redis restart); empty if Redis failed (background tasks try again on
     * their next tick).
     */
    <T> Optional<T> tryOnce(Function<RedisClient, T> command) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                T result = command.apply(client);
                recovered();
                return Optional.ofNullable(result);
            } catch (JedisException e) {
                failed(e, attempt);
            }
        }
        return Optional.empty();
    }

    /** PING without retries, for /health. */
    boolean ping() {
        try {
            client.ping();
            return true;
        } catch (JedisException e) {
            return false;
        }
    }

    private void checkStopped(Mode mode) {
        if (mode == Mode.WAIT && isStopping()) {
            throw new StoppedException();
        }
        if (mode == Mode.FINISH && System.nanoTime() - finishDeadlineNanos > 0) {
            throw new StoppedException();
        }
    }

    private void failed(JedisException e, int attempt) {
        failures.incrementAndGet();
        // Idle pooled connections are most likely broken as well (Redis restarted); drop them so
        // the next command opens a fresh one instead of failing again.
        client.getPool().clear();
        // A single failure is often just a stale connection, and the immediate retry succeeds:
        // only a second failure in a row is an outage worth a log line.
        if (attempt > 1 && up.compareAndSet(true, false)) {
            outageStartNanos = System.nanoTime();
            metrics.redisOutages.increment();
            LOG.warning(
                    () ->
                            "Redis at "
                                    + target
                                    + " is unavailable ("
                                    + describe(e)
                                    + "); retrying with backoff, nothing is lost");
        } else {
            LOG.log(Level.FINE, "Redis command failed: {0}", describe(e));
        }
    }

    private void recovered() {
        if (!up.get() && up.compareAndSet(false, true)) {
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageStartNanos);
            LOG.info(() -> "Redis at " + target + " is available again after " + seconds + "s");
        }
    }

    private void pause(Mode mode, Duration delay) {
        if (mode == Mode.WAIT) {
            try {
                stopping.await(delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoppedException();
            }
        } else {
            // Not woken by stop: acknowledging the alert in hand is worth the grace period.
            LockSupport.parkNanos(delay.toNanos());
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null) {
            message = message + ": " + cause.getMessage();
        }
        return Secrets.mask(e.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }
}
