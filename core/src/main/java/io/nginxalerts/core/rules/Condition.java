package io.nginxalerts.core.rules;

import io.nginxalerts.core.event.AccessEvent;
import java.io.Serializable;

/**
 * A test on one event, compiled from a rule's {@code match}. Implementations are immutable,
 * thread-safe, serializable (they travel inside the Flink job graph) and never throw: a missing or
 * non-numeric field simply does not match.
 */
@FunctionalInterface
public interface Condition extends Serializable {
    boolean test(AccessEvent event);
}
