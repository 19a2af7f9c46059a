package io.nginxalerts.core.detect;

import io.nginxalerts.core.event.AccessEvent;
import java.io.Serializable;

/**
 * The per-key state machine of one non-sequence rule (threshold, distinct, ratio, value, silence,
 * first-seen), in plain Java so that the Flink operator, backtests and unit tests run the same
 * code. The operator keeps one state object per rule and key; this type holds the rule and the
 * logic, never per-key data.
 *
 * <p>The contract with the caller, for one key:
 *
 * <ul>
 *   <li>events are given in timestamp order (equal timestamps in arrival order), and only events
 *       that pass the rule's {@code match} and have every {@code group_by} field;
 *   <li>before an event at {@code t} is given, {@link #advance} is called with {@code t}: what is
 *       due at or before {@code t} (window expiry, a silence deadline) happens first, so an event
 *       exactly {@code within} after another is not in its window, and an event exactly at a
 *       silence deadline comes after the silence fired;
 *   <li>when event time passes {@link #nextDeadline} without an event, {@link #advance} is called
 *       with that time;
 *   <li>a state that is {@link #isEmpty} after a call may be dropped; {@link #newState} gives it
 *       back when the key's next event comes.
 * </ul>
 *
 * @param <S> the per-key state: a mutable object that Flink can serialize (Kryo: plain fields,
 *     arrays, {@code java.util} collections, {@link AccessEvent}s)
 */
public interface Detector<S> extends Serializable {

    /** A fresh state for a key that has none. */
    S newState();

    /**
     * Event time has reached {@code now}: drops what expired at or before it and fires what was due
     * (a silence rule's alert).
     */
    void advance(S state, long now, DetectorContext ctx);

    /** One matching event of the key at {@code ts} (already advanced to {@code ts}). */
    void onEvent(S state, AccessEvent event, long ts, DetectorContext ctx);

    /**
     * The earliest event time at which the state changes without an event (an expiry or a
     * deadline), or {@link Long#MAX_VALUE} if none: the operator sets a timer there.
     */
    long nextDeadline(S state);

    /**
     * The event time at which a caller without events must advance the state, or {@link
     * Long#MAX_VALUE}: the earliest time at which advancing emits something (a silence rule's
     * alert), or otherwise when advancing leaves the state {@link #isEmpty}. At or before {@link
     * #nextDeadline}'s time only when they are the same, never earlier.
     *
     * <p>A window's expiry before then changes nothing anyone sees: the next event advances the
     * state to its own time first, which drops the same entries, and an advance that emits nothing
     * may be late. So a caller that advances at this time instead of at every {@link #nextDeadline}
     * gives the same alerts with one timer per quiet spell of the key rather than one per expiring
     * entry (most of a busy key's timers). The default is {@link #nextDeadline}, right for a
     * detector whose every expiry may emit.
     */
    default long nextTimer(S state) {
        return nextDeadline(state);
    }

    /** True if the state holds nothing: the key can be forgotten. */
    boolean isEmpty(S state);
}
