package io.nginxalerts.job.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** The state bound every keyed sliding-window operator keeps, checked the same way for each. */
public final class QuietKeys {
    private QuietKeys() {}

    /**
     * Checks that {@code clients} keys whose last event is at {@code last} hold waiting events and
     * timers until the watermark passes them, then partial windows until {@code within} later, and
     * then nothing at all: no keyed state and no timer.
     */
    public static void assertStateDrains(
            KeyedOneInputStreamOperatorTestHarness<String, ?, ?> harness,
            int clients,
            long last,
            long within)
            throws Exception {
        assertThat(harness.numKeyedStateEntries())
                .as("events wait in state until the watermark passes them")
                .isGreaterThanOrEqualTo(clients);
        assertThat(harness.numEventTimeTimers()).isGreaterThanOrEqualTo(clients);

        harness.processWatermark(last);
        assertThat(harness.numKeyedStateEntries())
                .as("partial windows are held until they expire")
                .isPositive();
        assertThat(harness.numEventTimeTimers()).isPositive();

        harness.processWatermark(last + within);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
