package io.nginxalerts.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, checking every 50 ms: the tests' one way to wait. */
public final class Poll {
    private static final long INTERVAL_NANOS = Duration.ofMillis(50).toNanos();

    private Poll() {}

    /**
     * Waits until {@code condition} holds, or fails with an {@link AssertionError} naming {@code
     * what} after {@code timeout}.
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }

    /**
     * Reads {@code probe} until {@code done} accepts its value and returns it, or fails with an
     * {@link AssertionError} naming {@code what} (and the last value) after {@code timeout}.
     */
    public static <T> T until(Duration timeout, String what, Supplier<T> probe, Predicate<T> done) {
        T value = until(timeout, probe, done);
        if (!done.test(value)) {
            throw new AssertionError(
                    "timed out after " + timeout + " waiting for " + what + "; last: " + value);
        }
        return value;
    }

    /**
     * Reads {@code probe} until {@code done} accepts its value or {@code timeout} passes, and
     * returns the last value read (the caller asserts on it, so a timeout fails with the actual
     * state in the message).
     */
    public static <T> T until(Duration timeout, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(INTERVAL_NANOS);
            value = probe.get();
        }
        return value;
    }
}
