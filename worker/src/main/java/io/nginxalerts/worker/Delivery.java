package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Delivers one alert to every output, retrying the outputs that failed (and only those, so an
 * output that accepted is not sent the alert twice) with exponential backoff and jitter, or the
 * receiver's Retry-After (capped). Stops at a permanent failure, after {@code maxAttempts}
 * attempts, or when the worker is asked to stop while waiting to retry.
 */
final class Delivery {
    private static final Logger LOG = Logger.getLogger(Delivery.class.getName());

    /** How the delivery of one alert ended. */
    record Outcome(Status status, int attempts, String lastError) {
        enum Status {
            DELIVERED,
            FAILED,
            /** The worker is stopping; the alert stays in the processing list. */
            ABORTED
        }
    }

    private final List<Output> outputs;
    private final int maxAttempts;
    private final Retry backoff;
    private final Duration retryAfterMax;
    private final Metrics metrics;
    private final CountDownLatch stopping;

    Delivery(
            List<Output> outputs,
            int maxAttempts,
            Retry backoff,
            Duration retryAfterMax,
            Metrics metrics,
            CountDownLatch stopping) {
        this.outputs = List.copyOf(outputs);
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.retryAfterMax = retryAfterMax;
        this.metrics = metrics;
        this.stopping = stopping;
    }

    Outcome deliver(Alert alert, String json) {
        Set<Output> pending = new LinkedHashSet<>(outputs);
        String lastError = null;
        for (int attempt = 1; ; attempt++) {
            boolean permanent = false;
            Duration askedDelay = null;
            List<String> errors = new ArrayList<>();
            for (Output output : List.copyOf(pending)) {
                try {
                    output.deliver(alert, json);
                    pending.remove(output);
                } catch (DeliveryException e) {
                    errors.add(e.getMessage());
                    permanent |= !e.retryable();
                    if (e.retryAfter() != null) {
                        Duration capped = min(e.retryAfter(), retryAfterMax);
                        askedDelay = askedDelay == null ? capped : max(askedDelay, capped);
                    }
                } catch (RuntimeException e) {
                    // A bug in an output must not stop the worker; count it as a failed attempt.
                    errors.add(output.describe() + ": " + e);
                }
            }
            if (pending.isEmpty()) {
                return new Outcome(Outcome.Status.DELIVERED, attempt, null);
            }
            lastError = String.join("; ", errors);
            if (permanent || attempt >= maxAttempts) {
                return new Outcome(Outcome.Status.FAILED, attempt, lastError);
            }
            if (stopping.getCount() == 0) {
                return new Outcome(Outcome.Status.ABORTED, attempt, lastError);
            }
            metrics.retries.increment();
            Duration delay = askedDelay != null ? askedDelay : backoff.delayAfter(attempt);
            final int failed = attempt;
            final String error = lastError;
            LOG.info(
                    () ->
                            "alert "
                                    + alert.id()
                                    + " attempt "
                                    + failed
                                    + "/"
                                    + maxAttempts
                                    + " failed ("
                                    + error
                                    + "); retrying in "
                                    + delay.toMillis()
                                    + "ms");
            try {
                if (stopping.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
                    return new Outcome(Outcome.Status.ABORTED, attempt, lastError);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(Outcome.Status.ABORTED, attempt, lastError);
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
