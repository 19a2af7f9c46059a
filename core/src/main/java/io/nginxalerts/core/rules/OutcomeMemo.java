package io.nginxalerts.core.rules;

import java.util.function.Predicate;

/**
 * The last outcomes of one costly text test, by text: a direct-mapped table of 1024 slots, each the
 * last text that hashed there and its outcome. Real traffic repeats its user agents, referers and
 * many paths, so most texts are answered by a hash and an {@code equals} instead of a regex or an
 * automaton.
 *
 * <p>Guarantee: {@link #test} answers exactly what the test answers for the text (a slot only
 * answers for a text equal to the one it holds). Texts over 256 characters (rare, mostly attacks)
 * are not remembered. Safe to share between threads: a slot holds one immutable pair, written with
 * a single reference store, so a reader sees a whole pair or another one, never a text with another
 * text's outcome (a race costs only a repeated test).
 */
final class OutcomeMemo {
    private static final int SLOTS = 1024;
    private static final int MAX_REMEMBERED_LENGTH = 256;

    private final Remembered[] slots = new Remembered[SLOTS];

    private record Remembered(String text, boolean outcome) {}

    boolean test(String text, Predicate<String> test) {
        if (text.length() > MAX_REMEMBERED_LENGTH) {
            return test.test(text);
        }
        int h = text.hashCode();
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        Remembered known = slots[slot];
        if (known != null && known.text().equals(text)) {
            return known.outcome();
        }
        boolean outcome = test.test(text);
        slots[slot] = new Remembered(text, outcome);
        return outcome;
    }
}
