package io.nginxalerts.core.alert;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import java.io.Serializable;
import java.util.List;

/**
 * The episode state machine of one rule, per key, in plain Java: which alert records a rule's
 * matches become. The Flink operators (the CEP rules' lifecycle function and the rule groups'
 * operator) hold one {@link Episode} per rule and key and call this; the references and unit tests
 * call it too.
 *
 * <p>A <b>match</b> is a candidate alert of the rule for a key (what a detector or CEP gives). Per
 * rule and key:
 *
 * <ul>
 *   <li>a match when no episode is open opens one and is emitted as its <b>firing</b> record;
 *   <li>a match while an episode is open, with {@code lastSeen < lastMatch + resolve_after}, emits
 *       nothing and extends the episode: {@code lastMatch = max(lastMatch, lastSeen)}, {@code count
 *       += its count}; with {@code update_every} set, it emits an <b>update</b> ({@link
 *       Alert#updated}: the episode's count and last match so far) if its {@code lastSeen} is at
 *       least {@code update_every} after the firing's or the previous update's;
 *   <li>when event time reaches {@link #timer} ({@code lastMatch + resolve_after +} the rule's
 *       {@link Rule#alertDelay()}, the longest a match can come after its {@code lastSeen}) with no
 *       newer match, the episode is <b>resolved</b> ({@link Alert#resolvedAt} with {@code ends_at =
 *       lastMatch + resolve_after}) and closed; a match with {@code lastSeen >= lastMatch +
 *       resolve_after} that comes before that (an absence rule's match comes late) resolves the
 *       open episode the same way and opens a new one;
 *   <li>a silence rule is different: its condition holds for as long as the key stays silent, so
 *       its episode is resolved when the key is heard again ({@link #onCleared}, {@code ends_at} =
 *       that event's time). If the key is not heard within {@code resolve_after} after the silence
 *       fired, the episode is forgotten without a record (it is still silent; the state must not
 *       grow with every key that went away for good).
 * </ul>
 *
 * The episode's {@code count} is the number of events of all its matches (detectors reset when they
 * fire, so matches share no events; a first-seen match is one new value). Every record has its own
 * id, derived from the firing's: a consumer deduplicates by id and links an episode's records by
 * their common {@code fingerprint}.
 */
public final class Lifecycle implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The state of an open episode of one rule and key.
     *
     * @param firing the episode's firing record
     * @param lastMatch the largest {@code lastSeen} of its matches
     * @param count the events of its matches so far
     * @param updates the update records emitted so far
     * @param lastUpdate the {@code lastSeen} of the firing or of the latest update
     */
    public record Episode(Alert firing, long lastMatch, int count, int updates, long lastUpdate)
            implements Serializable {}

    /**
     * What a call gives.
     *
     * @param records the records to emit, in this order
     * @param episode the episode afterwards, {@code null} when none is open
     * @param extended true if the match joined an open episode (it made no firing record)
     */
    public record Outcome(List<Alert> records, Episode episode, boolean extended) {
        /** The number of resolved records among {@link #records}. */
        public int resolvedCount() {
            int n = 0;
            for (Alert a : records) {
                if (a.resolved()) {
                    n++;
                }
            }
            return n;
        }
    }

    private final long resolveAfter;
    private final long updateEvery;
    private final long delay;
    private final boolean silence;

    public Lifecycle(Rule rule) {
        this.resolveAfter = rule.resolveAfter().toMillis();
        this.updateEvery = rule.updateEvery().toMillis();
        this.delay = rule.alertDelay().toMillis();
        this.silence = rule.kind() instanceof RuleKind.Silence;
    }

    /** A match of the rule for the key; {@code now} is the wall clock of the records. */
    public Outcome onMatch(Episode open, Alert match, long now) {
        if (open == null) {
            return opened(match, null);
        }
        if (match.lastSeen() >= endsAt(open)) {
            // The open episode ended before this match; its timer has not fired yet because the
            // match came late (absence rules) or ahead of the watermark that fires it.
            return opened(match, resolve(open, now));
        }
        long lastMatch = Math.max(open.lastMatch(), match.lastSeen());
        int count = saturatedAdd(open.count(), match.count());
        if (updateEvery > 0 && match.lastSeen() - open.lastUpdate() >= updateEvery) {
            int seq = open.updates() + 1;
            Alert update = open.firing().updated(count, lastMatch, seq, now);
            return new Outcome(
                    List.of(update),
                    new Episode(open.firing(), lastMatch, count, seq, match.lastSeen()),
                    true);
        }
        return new Outcome(
                List.of(),
                new Episode(open.firing(), lastMatch, count, open.updates(), open.lastUpdate()),
                true);
    }

    /**
     * Event time has reached {@code time}: resolves the episode if {@code time >= }{@link #timer}
     * (a silence rule's is forgotten instead), else leaves it as it is.
     */
    public Outcome onTimer(Episode open, long time, long now) {
        if (open == null || time < timer(open)) {
            return new Outcome(List.of(), open, false);
        }
        if (silence) {
            return new Outcome(List.of(), null, false);
        }
        return new Outcome(List.of(resolve(open, now)), null, false);
    }

    /**
     * A silence rule's key was heard again at {@code time}: resolves its open episode there, or, if
     * {@code time} is at or after the episode's {@link #timer}, forgets it without a record, as
     * {@link #onTimer} at that time would have. For every other rule (whose condition is judged by
     * its matches alone) nothing happens.
     */
    public Outcome onCleared(Episode open, long time, long now) {
        if (open == null || !silence) {
            return new Outcome(List.of(), open, false);
        }
        if (time >= timer(open)) {
            // Heard only after the episode's timer: it was forgotten then (onTimer), whether or
            // not that timer has fired yet (the rule group runs a bucket's events first).
            return new Outcome(List.of(), null, false);
        }
        return new Outcome(List.of(open.firing().resolvedAt(time, now)), null, false);
    }

    /** The event time at which the episode is resolved if no match comes before. */
    public long timer(Episode open) {
        return saturated(saturated(open.lastMatch(), resolveAfter), delay);
    }

    /** The {@code ends_at} of the episode if it is resolved by time: lastMatch + resolve_after. */
    public long endsAt(Episode open) {
        return saturated(open.lastMatch(), resolveAfter);
    }

    private Alert resolve(Episode open, long now) {
        return open.firing().resolvedAt(endsAt(open), now);
    }

    private static Outcome opened(Alert match, Alert resolvedBefore) {
        Episode episode = new Episode(match, match.lastSeen(), match.count(), 0, match.lastSeen());
        return new Outcome(
                resolvedBefore == null ? List.of(match) : List.of(resolvedBefore, match),
                episode,
                false);
    }

    private static long saturated(long t, long span) {
        long sum = t + span;
        return sum < t ? Long.MAX_VALUE : sum;
    }

    private static int saturatedAdd(int a, int b) {
        long sum = (long) a + b;
        return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
    }
}
