package io.nginxalerts.core.rules;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An Aho-Corasick automaton over ASCII entries, compiled to a dense transition table: {@link
 * #containsAny} reads each character of the text once with one array load, whatever the number of
 * entries. It answers exactly what "the text contains one of the entries" means; a text character
 * outside ASCII cannot be part of an entry, so it sends the automaton back to its start.
 *
 * <p>Why not the library trie alone: its transitions are hash maps of boxed characters, which cost
 * about ten times as much per character, and list rules read every event's agent and URL.
 */
final class AsciiAutomaton {
    private static final int ALPHABET = 128;

    /** {@code next[state * ALPHABET + c]}: the state after reading {@code c}. */
    private final int[] next;

    /** Whether reaching a state means an entry ends here (itself or through a suffix). */
    private final boolean[] accepting;

    private AsciiAutomaton(int[] next, boolean[] accepting) {
        this.next = next;
        this.accepting = accepting;
    }

    /** True if every entry is non-empty ASCII, so {@link #of} can compile them. */
    static boolean accepts(List<String> entries) {
        for (String entry : entries) {
            if (entry.isEmpty()) {
                return false;
            }
            for (int i = 0; i < entry.length(); i++) {
                if (entry.charAt(i) >= ALPHABET) {
                    return false;
                }
            }
        }
        return !entries.isEmpty();
    }

    /** The automaton of these entries; they must pass {@link #accepts}. */
    static AsciiAutomaton of(List<String> entries) {
        if (!accepts(entries)) {
            throw new IllegalArgumentException("entries must be non-empty ASCII");
        }
        // The trie first: goto[state][c], -1 for none.
        List<int[]> gotos = new ArrayList<>();
        List<Boolean> ends = new ArrayList<>();
        gotos.add(newRow());
        ends.add(false);
        for (String entry : entries) {
            int state = 0;
            for (int i = 0; i < entry.length(); i++) {
                int c = entry.charAt(i);
                int to = gotos.get(state)[c];
                if (to < 0) {
                    to = gotos.size();
                    gotos.add(newRow());
                    ends.add(false);
                    gotos.get(state)[c] = to;
                }
                state = to;
            }
            ends.set(state, true);
        }
        int states = gotos.size();
        int[] next = new int[states * ALPHABET];
        boolean[] accepting = new boolean[states];
        int[] fail = new int[states];
        for (int s = 0; s < states; s++) {
            accepting[s] = ends.get(s);
        }
        // Breadth first, so a state's failure state is complete before the state's own row.
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < ALPHABET; c++) {
            int to = gotos.get(0)[c];
            if (to < 0) {
                next[c] = 0;
            } else {
                next[c] = to;
                fail[to] = 0;
                queue.add(to);
            }
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            accepting[s] |= accepting[fail[s]];
            int[] row = gotos.get(s);
            for (int c = 0; c < ALPHABET; c++) {
                int to = row[c];
                if (to < 0) {
                    next[s * ALPHABET + c] = next[fail[s] * ALPHABET + c];
                } else {
                    next[s * ALPHABET + c] = to;
                    fail[to] = next[fail[s] * ALPHABET + c];
                    queue.add(to);
                }
            }
        }
        return new AsciiAutomaton(next, accepting);
    }

    private static int[] newRow() {
        int[] row = new int[ALPHABET];
        Arrays.fill(row, -1);
        return row;
    }

    /** True if {@code text} contains at least one of the entries. */
    boolean containsAny(String text) {
        int state = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            state = c < ALPHABET ? next[state * ALPHABET + c] : 0;
            if (accepting[state]) {
                return true;
            }
        }
        return false;
    }
}
