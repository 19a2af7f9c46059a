package io.nginxalerts.job.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** The state bound every keyed sliding-window operator keeps, checked the same way for each. */
public final class QuietKeys {
    private QuietKeys() {}

    /** Moves event time of the operator under test. */
    public interface Watermarks {
        void advanceTo(long t) throws Exception;
    }

    /** What {@link #assertStateDrains} reads of the operator under test. */
    public interface Counts {
        int keyedStateEntries();

        int timers();
    }

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
        assertStateDrains(
                harness::processWatermark,
                new Counts() {
                    @Override
                    public int keyedStateEntries() {
                        return harness.numKeyedStateEntries();
                    }

                    @Override
                    public int timers() {
                        return harness.numEventTimeTimers();
                    }
                },
                clients,
                last,
                within);
    }

    /** As above, for a {@link GroupHarness}; {@code within}: the longest span state is kept. */
    public static void assertStateDrains(GroupHarness harness, int clients, long last, long within)
            throws Exception {
        assertStateDrains(
                harness::watermark,
                new Counts() {
                    @Override
                    public int keyedStateEntries() {
                        return harness.keyedStateEntries();
                    }

                    @Override
                    public int timers() {
                        return harness.timers();
                    }
                },
                clients,
                last,
                within);
    }

    /** The group's operator holds nothing: no keyed state and no timer. */
    public static void assertNothingLeft(GroupHarness harness) {
        assertThat(harness.keyedStateEntries()).isZero();
        assertThat(harness.timers()).isZero();
    }

    private static void assertStateDrains(
            Watermarks watermarks, Counts counts, int clients, long last, long within)
            throws Exception {
        assertThat(counts.keyedStateEntries())
                .as("events wait in state until the watermark passes them")
                .isGreaterThanOrEqualTo(clients);
        assertThat(counts.timers()).isGreaterThanOrEqualTo(clients);

        watermarks.advanceTo(last);
        assertThat(counts.keyedStateEntries())
                .as("partial windows are held until they expire")
                .isPositive();
        assertThat(counts.timers()).isPositive();

        watermarks.advanceTo(last + within);
        assertThat(counts.keyedStateEntries()).isZero();
        assertThat(counts.timers()).isZero();
    }
}
