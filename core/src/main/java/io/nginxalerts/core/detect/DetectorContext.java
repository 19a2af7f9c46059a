package io.nginxalerts.core.detect;

import io.nginxalerts.core.alert.Alert;

/**
 * What a {@link Detector} may ask of and hand to its caller while it processes one call. The Flink
 * operator implements it with its collector, metrics and broadcast state; reference and unit tests
 * with plain lists.
 */
public interface DetectorContext {

    /**
     * A match of the rule for the current key; the caller's episode state machine ({@link
     * io.nginxalerts.core.alert.Lifecycle}) decides which records it becomes.
     */
    void emit(Alert alert);

    /**
     * The rule's condition stopped holding for the current key at event time {@code time}: for a
     * silence rule, the key was heard again. Ends an open silence episode; a no-op by default.
     */
    default void conditionCleared(long time) {}

    /** Wall-clock millis, written as the alert's {@code detectedAt}. */
    long processingTime();

    /**
     * The earliest event time the job has read (of any event, matching or not, any key), or {@link
     * Long#MIN_VALUE} if none yet. First-seen rules learn until this plus {@code learn_for}.
     */
    long inputStart();

    /** A first-seen rule dropped a value because a key held {@code max_values}. */
    void evicted();
}
