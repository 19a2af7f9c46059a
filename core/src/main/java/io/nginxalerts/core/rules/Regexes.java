package io.nginxalerts.core.rules;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Compiles user regexes with RE2/J, whose matching is linear in the text for every pattern (no
 * catastrophic backtracking). RE2/J does expand counted repetition, though, so {@code
 * ((a{1000}){1000}){1000}} would exhaust the heap while compiling: patterns are capped in length
 * and in their expanded size first.
 */
final class Regexes {
    static final int MAX_LENGTH = 1000;
    static final long MAX_EXPANDED_SIZE = 10_000;

    private Regexes() {}

    /**
     * The compiled pattern.
     *
     * @throws IllegalArgumentException with a message fit for a rule error
     */
    static Pattern compile(String regex) {
        if (regex.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "regex is longer than " + MAX_LENGTH + " characters");
        }
        if (expandedSize(regex) > MAX_EXPANDED_SIZE) {
            throw new IllegalArgumentException(
                    "regex repeats too much: its expanded size is over "
                            + MAX_EXPANDED_SIZE
                            + " (nested {n} counts multiply)");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            if ("stack underflow".equals(e.getPattern())) {
                // RE2/J's word for a ')' without its '(' (Go's RE2 says "unexpected )").
                throw new IllegalArgumentException("bad regex: unexpected ) without a (");
            }
            throw new IllegalArgumentException(
                    "bad regex: " + e.getDescription() + " at '" + e.getPattern() + "'");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad regex: " + e.getMessage());
        }
    }

    /**
     * An upper bound on the number of atoms the pattern expands to: every counted repetition
     * multiplies the size of what it repeats by its largest count. Rough but conservative; it only
     * needs to tell ordinary patterns from repetition bombs. Syntax errors are left to RE2/J.
     */
    static long expandedSize(String regex) {
        // sums[d] = size so far of the group open at depth d; last = size of the previous atom.
        long[] sums = new long[regex.length() + 2];
        int depth = 0;
        long last = 0;
        int i = 0;
        int n = regex.length();
        while (i < n) {
            char c = regex.charAt(i);
            switch (c) {
                case '\\':
                    if (i + 1 < n && regex.charAt(i + 1) == 'Q') {
                        int end = regex.indexOf("\\E", i + 2);
                        end = end < 0 ? n : end;
                        last = Math.max(1, end - (i + 2));
                        i = end + 2;
                    } else {
                        i = skipEscape(regex, i);
                        last = 1;
                    }
                    sums[depth] = cap(sums[depth] + last);
                    continue;
                case '[':
                    i = skipClass(regex, i);
                    last = 1;
                    sums[depth] = cap(sums[depth] + 1);
                    continue;
                case '(':
                    depth++;
                    sums[depth] = 0;
                    last = 0;
                    i++;
                    continue;
                case ')':
                    if (depth > 0) {
                        last = Math.max(1, sums[depth]);
                        depth--;
                        sums[depth] = cap(sums[depth] + last);
                    }
                    i++;
                    continue;
                case '{':
                    {
                        int close = regex.indexOf('}', i);
                        long count = close < 0 ? -1 : repeatCount(regex.substring(i + 1, close));
                        if (count >= 0) {
                            // The atom is already counted once; add the other copies.
                            long grown = times(last, Math.max(1, count));
                            sums[depth] = cap(sums[depth] + grown - last);
                            last = grown;
                            i = close + 1;
                            continue;
                        }
                        // Not a repeat: a literal brace.
                        last = 1;
                        sums[depth] = cap(sums[depth] + 1);
                        i++;
                        continue;
                    }
                default:
                    last = 1;
                    sums[depth] = cap(sums[depth] + 1);
                    i++;
            }
        }
        long total = 0;
        for (int d = 0; d <= depth; d++) {
            total = cap(total + sums[d]);
        }
        return total;
    }

    /** The largest count of {@code n}, {@code n,} or {@code n,m} (unbounded: n + 1), else -1. */
    private static long repeatCount(String body) {
        int comma = body.indexOf(',');
        String low = comma < 0 ? body : body.substring(0, comma);
        String high = comma < 0 ? body : body.substring(comma + 1);
        if (!isSmallNumber(low) || !(high.isEmpty() || isSmallNumber(high))) {
            return -1;
        }
        return high.isEmpty() ? Long.parseLong(low) + 1 : Long.parseLong(high);
    }

    static boolean isSmallNumber(String s) {
        if (s.isEmpty() || s.length() > 6) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Index after an escape such as {@code \d}, {@code \pL}, {@code \p{Greek}}, {@code \x{41}}. */
    private static int skipEscape(String regex, int i) {
        int next = i + 2;
        if (next - 1 < regex.length()) {
            char kind = regex.charAt(i + 1);
            if ((kind == 'p' || kind == 'P' || kind == 'x')
                    && next < regex.length()
                    && regex.charAt(next) == '{') {
                int close = regex.indexOf('}', next);
                return close < 0 ? regex.length() : close + 1;
            }
        }
        return Math.min(next, regex.length());
    }

    /**
     * Index after a character class {@code [...]}, allowing {@code []...]} and {@code [:alpha:]}.
     */
    static int skipClass(String regex, int i) {
        int n = regex.length();
        int j = i + 1;
        if (j < n && regex.charAt(j) == '^') {
            j++;
        }
        if (j < n && regex.charAt(j) == ']') {
            j++;
        }
        while (j < n) {
            char c = regex.charAt(j);
            if (c == '\\') {
                j = skipEscape(regex, j);
            } else if (c == '[' && j + 1 < n && regex.charAt(j + 1) == ':') {
                int close = regex.indexOf(":]", j + 2);
                j = close < 0 ? j + 1 : close + 2;
            } else if (c == ']') {
                return j + 1;
            } else {
                j++;
            }
        }
        return n;
    }

    private static long times(long a, long b) {
        return a > (Long.MAX_VALUE / 4) / b ? Long.MAX_VALUE / 4 : a * b;
    }

    private static long cap(long value) {
        return Math.min(value, Long.MAX_VALUE / 4);
    }
}
