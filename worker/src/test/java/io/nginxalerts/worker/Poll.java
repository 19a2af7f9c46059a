package io.nginxalerts.worker;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline (tests never sleep a fixed time to wait for a result). */
final class Poll {
    private Poll() {}

    static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            // A short pause between checks, not a guess of how long the work takes.
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    static <T> T until(
            Duration timeout, String what, Supplier<T> value, java.util.function.Predicate<T> ok) {
        Object[] last = new Object[1];
        until(
                timeout,
                what,
                () -> {
                    T v = value.get();
                    last[0] = v;
                    return ok.test(v);
                });
        @SuppressWarnings("unchecked")
        T result = (T) last[0];
        return result;
    }
}
