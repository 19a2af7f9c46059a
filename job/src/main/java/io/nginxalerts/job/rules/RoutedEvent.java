package io.nginxalerts.job.rules;

import io.nginxalerts.core.event.AccessEvent;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * An event on its way to one {@link RuleGroup}'s operator: its key under the group's {@code
 * group_by}, and which of the group's rules it takes part in (bit i of {@code rules} for the
 * group's rule i). It travels and waits in state in the hand-written form of {@link
 * RoutedEventSerializer} (through {@link RoutedEventTypeInfo}, which {@code
 * TypeInformation.of(RoutedEvent.class)} finds by the annotation), without reflection or Kryo.
 */
@TypeInfo(RoutedEventTypeInfo.Factory.class)
public final class RoutedEvent {
    /** The event's key under the group's {@code group_by} ({@code Rule#keyOf}). */
    public String key;

    public AccessEvent event;

    /** Bit i (word i / 64, bit i % 64) is set if the group's rule i matched. */
    public long[] rules;

    /**
     * {@link RuleGroup#layout()} of the rule list the bits refer to: events that waited in a
     * savepoint taken with another rule list are matched again.
     */
    public int layout;

    public RoutedEvent() {}

    public RoutedEvent(String key, AccessEvent event, long[] rules, int layout) {
        this.key = key;
        this.event = event;
        this.rules = rules;
        this.layout = layout;
    }

    /** True if the group's rule {@code i} matched. */
    public boolean matched(int i) {
        int word = i >>> 6;
        return word < rules.length && (rules[word] & (1L << (i & 63))) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutedEvent r
                && layout == r.layout
                && Objects.equals(key, r.key)
                && Objects.equals(event, r.event)
                && Arrays.equals(rules, r.rules);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, event, Arrays.hashCode(rules), layout);
    }

    @Override
    public String toString() {
        return "RoutedEvent[key=" + key + ", rules=" + Arrays.toString(rules) + ", " + event + "]";
    }
}
