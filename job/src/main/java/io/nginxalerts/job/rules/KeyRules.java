package io.nginxalerts.job.rules;

import java.util.HashMap;
import java.util.Map;

/**
 * One key's state of a {@link RuleGroupOperator}, other than its waiting events and open episodes:
 * each rule's detector state, the time of the key's pending deadline timer, and how many episodes
 * the key has open. One value, so a timer reads and writes the key's rules once, where a map state
 * of detector states, a value state of the timer and an iteration of the episodes were three or
 * four lookups (and, with RocksDB, two prefix scans) on every timer of every key.
 *
 * <p>Slot {@code i} belongs to the rule whose namespace is {@code namespaces[i]}; {@code layout} is
 * the {@link RuleGroup#layout()} the slots were written under. A value written under another rule
 * list (a savepoint restored with rules changed) is re-slotted by namespace and the states of rules
 * the group no longer has are dropped ({@link #alignedWith}). Serialized with Kryo ({@link
 * DetectorStateType}), as the detector states it holds: plain fields only.
 */
public final class KeyRules {
    /** {@link RuleGroup#layout()} of the rule list the slots follow. */
    int layout;

    /** The namespace of each slot's rule, {@code id#fingerprint}. */
    String[] namespaces;

    /** Each rule's detector state, or null where the rule holds nothing for the key. */
    Object[] states;

    /** The event time of the key's pending deadline timer, {@link Long#MIN_VALUE} for none. */
    long deadlineTimer = Long.MIN_VALUE;

    /** The number of the key's entries in the episodes state. */
    int openEpisodes;

    /** For Kryo. */
    public KeyRules() {}

    KeyRules(int layout, String[] namespaces) {
        this.layout = layout;
        this.namespaces = namespaces;
        this.states = new Object[namespaces.length];
    }

    /**
     * This value with its slots in the order of {@code current} ({@code layout}): itself when it
     * was written under that layout, else a copy re-slotted by namespace, without the states of
     * namespaces {@code current} does not have.
     */
    KeyRules alignedWith(int currentLayout, String[] current) {
        if (layout == currentLayout && states.length == current.length) {
            return this;
        }
        Map<String, Integer> slot = new HashMap<>();
        for (int i = 0; i < current.length; i++) {
            slot.put(current[i], i);
        }
        KeyRules aligned = new KeyRules(currentLayout, current);
        for (int i = 0; i < states.length; i++) {
            Integer to = slot.get(namespaces[i]);
            if (to != null) {
                aligned.states[to] = states[i];
            }
        }
        aligned.deadlineTimer = deadlineTimer;
        aligned.openEpisodes = openEpisodes;
        return aligned;
    }

    /** True if nothing is left: no detector state, no pending deadline, no open episode. */
    boolean isEmpty() {
        if (deadlineTimer != Long.MIN_VALUE || openEpisodes != 0) {
            return false;
        }
        for (Object state : states) {
            if (state != null) {
                return false;
            }
        }
        return true;
    }
}
