package io.nginxalerts.core.rules;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@link RegexPrefilter}s of every regex condition of a rule set that reads the same field,
 * checked in one scan of the field's text instead of one scan per regex. A rule set has many
 * payload regexes over {@code url_decoded} (SQL injection, XSS, traversal, command injection,
 * template injection, remote file inclusion, JNDI, ...); each prefilter's own scan of the URL was
 * the largest cost of the conditions.
 *
 * <p>Guarantee: {@link #mayMatch}{@code (text, i)} answers exactly what the i-th prefilter's {@link
 * RegexPrefilter#mayMatch} answers: true if the text has a character outside ASCII, or contains one
 * of that prefilter's literals ignoring ASCII case. The last text's answers are kept (compared by
 * identity: the conditions of one event ask about the same string in turn) as one immutable pair,
 * so sharing an instance between threads costs at most a repeated scan.
 */
final class SharedPrefilters implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Lower-case ASCII literals of all prefilters, each once. */
    private final String[] literals;

    /** For each literal, the prefilters (bits) that have it. */
    private final long[][] owners;

    /**
     * The literals (indices) by their first two characters, at {@code 128 * a + b}; null where no
     * literal starts so. An array, not a map: the lookup runs for every character pair of the text
     * that starts a literal, and a boxed map lookup there was a quarter of the router's time.
     */
    private final int[][] byPair = new int[128 * 128][];

    /**
     * Bit {@code 128 * a + b} set when some literal starts with a and b: 2 KB that stay in the
     * cache, read for every character pair before the 128 KB {@link #byPair} is touched.
     */
    private final long[] firstPairs = new long[128 * 128 / 64];

    private final int words;

    private transient volatile Scanned last;

    private record Scanned(String text, long[] bits) {}

    private SharedPrefilters(List<RegexPrefilter> prefilters) {
        words = (prefilters.size() + 63) >>> 6;
        Map<String, long[]> owned = new LinkedHashMap<>();
        for (int p = 0; p < prefilters.size(); p++) {
            for (String l : prefilters.get(p).literals()) {
                owned.computeIfAbsent(l, k -> new long[words])[p >>> 6] |= 1L << (p & 63);
            }
        }
        literals = owned.keySet().toArray(new String[0]);
        owners = owned.values().toArray(new long[0][]);
        Map<Integer, List<Integer>> pairs = new HashMap<>();
        for (int i = 0; i < literals.length; i++) {
            int pair = (literals[i].charAt(0) << 7) | literals[i].charAt(1);
            firstPairs[pair >> 6] |= 1L << (pair & 63);
            pairs.computeIfAbsent(pair, k -> new ArrayList<>()).add(i);
        }
        pairs.forEach((pair, list) -> byPair[pair] = list.stream().mapToInt(x -> x).toArray());
    }

    /**
     * Gives every regex condition reachable from these conditions that has a prefilter its share of
     * one {@link SharedPrefilters} per field it reads (fields with one such regex keep their own
     * prefilter).
     */
    static void share(List<Condition> roots) {
        Map<Conditions.RegexFind, Boolean> seen = new IdentityHashMap<>();
        Map<EventField, List<Conditions.RegexFind>> byField = new LinkedHashMap<>();
        Consumer<Condition> collect =
                new Consumer<>() {
                    @Override
                    public void accept(Condition c) {
                        if (c instanceof Conditions.AllOf all) {
                            all.parts().forEach(this);
                        } else if (c instanceof Conditions.AnyOf any) {
                            any.parts().forEach(this);
                        } else if (c instanceof Conditions.Not not) {
                            accept(not.inner());
                        } else if (c instanceof Conditions.RegexFind find
                                && find.prefilter() != null
                                && seen.put(find, Boolean.TRUE) == null) {
                            byField.computeIfAbsent(find.field(), f -> new ArrayList<>()).add(find);
                        }
                    }
                };
        roots.forEach(collect);
        for (List<Conditions.RegexFind> finds : byField.values()) {
            if (finds.size() < 2) {
                continue;
            }
            List<RegexPrefilter> prefilters = new ArrayList<>();
            for (Conditions.RegexFind f : finds) {
                prefilters.add(f.prefilter());
            }
            SharedPrefilters shared = new SharedPrefilters(prefilters);
            for (int i = 0; i < finds.size(); i++) {
                finds.get(i).share(shared, i);
            }
        }
    }

    /** What the i-th prefilter's {@link RegexPrefilter#mayMatch} answers for the text. */
    boolean mayMatch(String text, int i) {
        Scanned s = last;
        if (s == null || s.text() != text) {
            s = new Scanned(text, scan(text));
            last = s;
        }
        return (s.bits()[i >>> 6] & (1L << (i & 63))) != 0;
    }

    private long[] scan(String text) {
        long[] bits = new long[words];
        int n = text.length();
        if (n == 0) {
            return bits;
        }
        char c = text.charAt(0);
        if (c >= 128) {
            return all(bits);
        }
        char previous = RegexPrefilter.lower(c);
        for (int i = 1; i < n; i++) {
            c = text.charAt(i);
            if (c >= 128) {
                // RegexPrefilter passes any text with a non-ASCII character to the regex.
                return all(bits);
            }
            char lc = RegexPrefilter.lower(c);
            int pair = (previous << 7) | lc;
            if ((firstPairs[pair >> 6] & (1L << (pair & 63))) != 0) {
                for (int l : byPair[pair]) {
                    if (RegexPrefilter.startsWithIgnoringCase(text, i - 1, literals[l])) {
                        long[] own = owners[l];
                        for (int w = 0; w < words; w++) {
                            bits[w] |= own[w];
                        }
                    }
                }
            }
            previous = lc;
        }
        return bits;
    }

    private long[] all(long[] bits) {
        java.util.Arrays.fill(bits, -1L);
        return bits;
    }
}
