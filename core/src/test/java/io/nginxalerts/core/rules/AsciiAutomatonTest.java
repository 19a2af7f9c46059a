package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ahocorasick.trie.Trie;
import org.junit.jupiter.api.Test;

/** The dense automaton answers "contains one of the entries" exactly as a plain search does. */
class AsciiAutomatonTest {

    @Test
    void findsEntriesAnywhereIncludingOverlapsAndSuffixesOfOtherEntries() {
        AsciiAutomaton a =
                AsciiAutomaton.of(List.of("sqlmap", "nikto", "map/", "he", "she", "hers"));
        assertThat(a.containsAny("mozilla sqlmap/1.7")).isTrue();
        assertThat(a.containsAny("sqlma")).isFalse();
        // "ushers": "she" and "he" end inside "hers"; found through failure links.
        assertThat(a.containsAny("ushe")).isTrue();
        assertThat(a.containsAny("xmap/")).isTrue();
        assertThat(a.containsAny("")).isFalse();
        assertThat(a.containsAny("Ünikto")).as("non-ASCII before an entry").isTrue();
        assertThat(a.containsAny("nik\u00e9to")).as("non-ASCII inside breaks it").isFalse();
    }

    @Test
    void agreesWithTheLibraryTrieAndAPlainSearchOnRandomText() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            List<String> entries = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(20); i++) {
                entries.add(word(random, 1 + random.nextInt(5), "abc/."));
            }
            AsciiAutomaton automaton = AsciiAutomaton.of(entries);
            Trie trie = Trie.builder().addKeywords(entries).build();
            for (int t = 0; t < 50; t++) {
                String text = word(random, random.nextInt(40), "abc/.é");
                boolean plain = entries.stream().anyMatch(text::contains);
                assertThat(automaton.containsAny(text))
                        .as(entries + " in " + text)
                        .isEqualTo(plain);
                assertThat(trie.containsMatch(text)).isEqualTo(plain);
            }
        }
    }

    @Test
    void onlyNonEmptyAsciiEntriesCompile() {
        assertThat(AsciiAutomaton.accepts(List.of("a", "b/c"))).isTrue();
        assertThat(AsciiAutomaton.accepts(List.of("a", ""))).isFalse();
        assertThat(AsciiAutomaton.accepts(List.of("é"))).isFalse();
        assertThat(AsciiAutomaton.accepts(List.of())).isFalse();
    }

    /** A small alphabet, so entries and texts overlap often; texts may hold a non-ASCII one. */
    private static String word(Random random, int length, String alphabet) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
