package io.nginxalerts.core.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, checking every few milliseconds. */
public final class Poll {
    private static final long INTERVAL_NANOS = Duration.ofMillis(50).toNanos();

    private Poll() {}

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
