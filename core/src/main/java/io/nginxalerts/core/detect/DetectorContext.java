package io.nginxalerts.core.detect;

import io.nginxalerts.core.alert.Alert;

/**
 * What a {@link Detector} may ask of and hand to its caller while it processes one call. The Flink
 * operator implements it with its collector, metrics and broadcast state; reference and unit tests
 * with plain lists.
 */
public interface DetectorContext {

    /** An alert of the rule for the current key; the caller suppresses and stamps it. */
    void emit(Alert alert);

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
