package io.nginxalerts.core.rules;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A necessary condition for a regex to find a match, checked before the regex runs: literal strings
 * of which every match contains at least one. A text that contains none of them cannot match, so
 * the regex need not run; every other text is handed to the regex. On the usual traffic (no "..",
 * no scanner name, no ".env" in it) this turns an NFA simulation of a few microseconds into a scan
 * of the text.
 *
 * <p>Guarantee: {@link #mayMatch} is false only for texts the regex cannot find a match in. The
 * literals come from the pattern's syntax for a conservative subset of RE2 (literals, escaped
 * punctuation, groups, flags, alternation, repetition, classes and anchors, the latter two as "any
 * character" and "empty"); a pattern outside it gets no prefilter ({@link #of} returns null).
 * Literals are compared ignoring ASCII case, which only lets more texts through. A text with a
 * non-ASCII character always goes to the regex, because RE2's case folding relates some non-ASCII
 * letters to ASCII ones (the Kelvin sign and k, the long s and s).
 */
final class RegexPrefilter implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Alternatives beyond this many stop being tracked as exact strings. */
    private static final int MAX_EXACT = 16;

    /**
     * Literals shorter than this are found in nearly every text: no use filtering on them. (At
     * least 2: {@link #mayMatch} looks for a literal's first two characters.)
     */
    private static final int MIN_USEFUL_LENGTH = 2;

    /** Lower-case ASCII, none empty. */
    private final String[] literals;

    /**
     * Bit {@code 128 * a + b} set when a literal starts with the (lower-case) ASCII characters a
     * and b: a text position is looked at closer only when its first two characters start a
     * literal, which is rare even for literals that start with "/" or ".".
     */
    private final long[] firstPairs = new long[128 * 128 / 64];

    private RegexPrefilter(Set<String> literals) {
        this.literals = literals.toArray(new String[0]);
        for (String l : this.literals) {
            int pair = (l.charAt(0) << 7) | l.charAt(1);
            firstPairs[pair >> 6] |= 1L << (pair & 63);
        }
    }

    /** The literals (lower case), for tests and diagnostics. */
    List<String> literals() {
        return List.of(literals);
    }

    /**
     * The prefilter of a pattern RE2/J has compiled, or null when the pattern is outside the
     * understood subset or has no literal worth checking.
     */
    static RegexPrefilter of(String regex) {
        Node root;
        try {
            Syntax syntax = new Syntax(regex);
            root = syntax.alternation();
            if (syntax.i != regex.length()) {
                return null;
            }
        } catch (Unsupported e) {
            return null;
        }
        Set<String> required = root.required();
        if (required == null || required.isEmpty()) {
            return null;
        }
        for (String l : required) {
            if (l.length() < MIN_USEFUL_LENGTH) {
                return null;
            }
        }
        return new RegexPrefilter(required);
    }

    /** False only when the text cannot contain a match. */
    boolean mayMatch(String text) {
        int n = text.length();
        if (n == 0) {
            return false;
        }
        char c = text.charAt(0);
        if (c >= 128) {
            return true;
        }
        char previous = lower(c);
        for (int i = 1; i < n; i++) {
            c = text.charAt(i);
            if (c >= 128) {
                return true;
            }
            char lc = lower(c);
            int pair = (previous << 7) | lc;
            if ((firstPairs[pair >> 6] & (1L << (pair & 63))) != 0) {
                for (String l : literals) {
                    if (l.charAt(0) == previous
                            && l.charAt(1) == lc
                            && startsWithIgnoringCase(text, i - 1, l)) {
                        return true;
                    }
                }
            }
            previous = lc;
        }
        return false;
    }

    /** Whether {@code text} has the lower-case ASCII literal at {@code at}, ignoring ASCII case. */
    static boolean startsWithIgnoringCase(String text, int at, String lowerLiteral) {
        int m = lowerLiteral.length();
        if (at + m > text.length()) {
            return false;
        }
        for (int j = 2; j < m; j++) {
            char c = text.charAt(at + j);
            if (c >= 128 || lower(c) != lowerLiteral.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** ASCII lower case; other characters as they are. */
    static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    @Override
    public String toString() {
        return "RegexPrefilter" + Arrays.toString(literals);
    }

    /** Thrown for syntax outside the understood subset. */
    private static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported() {
            super(null, null, false, false);
        }
    }

    /**
     * A node of the pattern: what it can match, as far as the prefilter cares. {@code exact()} is
     * the set of every string the node matches (lower case) when small and known, else null; {@code
     * required()} a set of literals one of which every match contains, else null.
     */
    private interface Node {
        Set<String> exact();

        Set<String> required();
    }

    /** One character, or any of a class, or a zero-width assertion. */
    private record Atom(String literal) implements Node {
        static final Atom ANY = new Atom(null);
        static final Atom EMPTY = new Atom("");

        @Override
        public Set<String> exact() {
            return literal == null ? null : Set.of(literal);
        }

        @Override
        public Set<String> required() {
            return literal == null || literal.isEmpty() ? null : Set.of(literal);
        }
    }

    private record Repeat(Node node, int min, boolean once) implements Node {
        @Override
        public Set<String> exact() {
            // x{1} and x{1,1} match what x matches; other counts are not tracked.
            return once ? node.exact() : null;
        }

        @Override
        public Set<String> required() {
            // With a minimum of zero the empty string matches, and it contains nothing.
            return min == 0 ? null : best(node.required(), nonEmpty(node.exact()));
        }
    }

    private record Alternation(List<Node> alternatives) implements Node {
        @Override
        public Set<String> exact() {
            Set<String> all = new LinkedHashSet<>();
            for (Node a : alternatives) {
                Set<String> e = a.exact();
                if (e == null) {
                    return null;
                }
                all.addAll(e);
                if (all.size() > MAX_EXACT) {
                    return null;
                }
            }
            return all;
        }

        @Override
        public Set<String> required() {
            // A match matches one alternative: it contains one of that alternative's literals.
            Set<String> all = new LinkedHashSet<>();
            for (Node a : alternatives) {
                Set<String> r = best(a.required(), nonEmpty(a.exact()));
                if (r == null) {
                    return null;
                }
                all.addAll(r);
            }
            return all;
        }
    }

    private record Concatenation(List<Node> parts) implements Node {
        @Override
        public Set<String> exact() {
            Set<String> run = Set.of("");
            for (Node p : parts) {
                run = product(run, p.exact());
                if (run == null) {
                    return null;
                }
            }
            return run;
        }

        @Override
        public Set<String> required() {
            // Every part is matched, so each part's literals are necessary; so are the exact
            // strings of a run of parts with exact strings ("/etc/" + "passwd"). Keep the best.
            Set<String> best = null;
            Set<String> run = Set.of("");
            for (Node p : parts) {
                best = best(best, p.required());
                Set<String> exact = p.exact();
                Set<String> next = product(run, exact);
                if (next == null) {
                    // The run ends here; a part with exact strings starts the next one.
                    best = best(best, nonEmpty(run));
                    run = exact == null ? Set.of("") : exact;
                } else {
                    run = next;
                }
            }
            return best(best, nonEmpty(run));
        }
    }

    /** Every concatenation of a string of {@code a} and one of {@code b}; null if too many. */
    private static Set<String> product(Set<String> a, Set<String> b) {
        if (a == null || b == null || (long) a.size() * b.size() > MAX_EXACT) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String x : a) {
            for (String y : b) {
                out.add(x + y);
            }
        }
        return out;
    }

    /** The set, or null if it is null or contains the empty string (which requires nothing). */
    private static Set<String> nonEmpty(Set<String> s) {
        return s == null || s.contains("") ? null : s;
    }

    /** The more selective of two requirements: longer shortest literal, then fewer literals. */
    private static Set<String> best(Set<String> a, Set<String> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        int la = shortest(a);
        int lb = shortest(b);
        if (la != lb) {
            return la > lb ? a : b;
        }
        return a.size() <= b.size() ? a : b;
    }

    private static int shortest(Set<String> s) {
        int m = Integer.MAX_VALUE;
        for (String x : s) {
            m = Math.min(m, x.length());
        }
        return m;
    }

    /** A recursive-descent reader of the understood subset of RE2 syntax. */
    private static final class Syntax {
        private final String re;
        int i;

        Syntax(String re) {
            this.re = re;
        }

        Node alternation() throws Unsupported {
            List<Node> alternatives = new ArrayList<>();
            alternatives.add(concatenation());
            while (i < re.length() && re.charAt(i) == '|') {
                i++;
                alternatives.add(concatenation());
            }
            return alternatives.size() == 1
                    ? alternatives.get(0)
                    : new Alternation(List.copyOf(alternatives));
        }

        private Node concatenation() throws Unsupported {
            List<Node> parts = new ArrayList<>();
            while (i < re.length() && re.charAt(i) != '|' && re.charAt(i) != ')') {
                parts.add(repetition());
            }
            return parts.size() == 1 ? parts.get(0) : new Concatenation(List.copyOf(parts));
        }

        private Node repetition() throws Unsupported {
            Node node = atom();
            while (i < re.length()) {
                char c = re.charAt(i);
                int min;
                boolean once = false;
                if (c == '*' || c == '?') {
                    min = 0;
                    i++;
                } else if (c == '+') {
                    min = 1;
                    i++;
                } else if (c == '{') {
                    int close = re.indexOf('}', i);
                    if (close < 0) {
                        throw new Unsupported();
                    }
                    String body = re.substring(i + 1, close);
                    int comma = body.indexOf(',');
                    String low = comma < 0 ? body : body.substring(0, comma);
                    String high = comma < 0 ? body : body.substring(comma + 1);
                    if (!Regexes.isSmallNumber(low)
                            || !(high.isEmpty() || Regexes.isSmallNumber(high))) {
                        // RE2 reads such a brace as a literal; not worth following.
                        throw new Unsupported();
                    }
                    min = Integer.parseInt(low);
                    once = min == 1 && (comma < 0 || high.equals("1"));
                    i = close + 1;
                } else {
                    return node;
                }
                if (i < re.length() && re.charAt(i) == '?') {
                    i++; // non-greedy: matches the same strings
                }
                node = new Repeat(node, min, once);
            }
            return node;
        }

        private Node atom() throws Unsupported {
            char c = re.charAt(i);
            switch (c) {
                case '(':
                    return group();
                case '[':
                    return characterClass();
                case '.':
                    i++;
                    return Atom.ANY;
                case '^':
                case '$':
                    i++;
                    return Atom.EMPTY;
                case '\\':
                    return escape();
                case '*':
                case '+':
                case '?':
                case '{':
                case '}':
                case ']':
                    throw new Unsupported();
                default:
                    i++;
                    return c < 128 ? new Atom(String.valueOf(lower(c))) : Atom.ANY;
            }
        }

        private Node group() throws Unsupported {
            i++; // (
            if (re.startsWith("?", i)) {
                i++;
                if (re.startsWith("P<", i) || re.startsWith("<", i)) {
                    int close = re.indexOf('>', i);
                    if (close < 0) {
                        throw new Unsupported();
                    }
                    i = close + 1;
                } else {
                    // Flags: (?i) (?-s) (?im:...) (?:...)
                    while (i < re.length() && "imsU-".indexOf(re.charAt(i)) >= 0) {
                        i++;
                    }
                    if (i >= re.length()) {
                        throw new Unsupported();
                    }
                    if (re.charAt(i) == ')') {
                        // Flags for the rest of the group: case is ignored anyway, and the
                        // others change only what classes and anchors match. RE2/J applies a
                        // repetition right after them to the atom before: not followed.
                        i++;
                        if (i < re.length() && "*+?{".indexOf(re.charAt(i)) >= 0) {
                            throw new Unsupported();
                        }
                        return Atom.EMPTY;
                    }
                    if (re.charAt(i) != ':') {
                        throw new Unsupported();
                    }
                    i++;
                }
            }
            Node inner = alternation();
            if (i >= re.length() || re.charAt(i) != ')') {
                throw new Unsupported();
            }
            i++;
            return inner;
        }

        private Node characterClass() {
            // RE2/J compiled the pattern, so the class is closed; it matches one character.
            i = Regexes.skipClass(re, i);
            return Atom.ANY;
        }

        private Node escape() throws Unsupported {
            if (i + 1 >= re.length()) {
                throw new Unsupported();
            }
            char k = re.charAt(i + 1);
            i += 2;
            if (k < 128 && !Character.isLetterOrDigit(k)) {
                return new Atom(String.valueOf(k)); // \. \/ \\ \- ...
            }
            switch (k) {
                case 'b':
                case 'B':
                case 'A':
                case 'z':
                    return Atom.EMPTY;
                case 'd':
                case 'D':
                case 'w':
                case 'W':
                case 's':
                case 'S':
                    return Atom.ANY;
                case 'p':
                case 'P':
                    if (i < re.length() && re.charAt(i) == '{') {
                        int close = re.indexOf('}', i);
                        if (close < 0) {
                            throw new Unsupported();
                        }
                        i = close + 1;
                    } else if (i < re.length()) {
                        i++;
                    } else {
                        throw new Unsupported();
                    }
                    return Atom.ANY;
                case 'Q':
                    {
                        int end = re.indexOf("\\E", i);
                        String quoted = end < 0 ? re.substring(i) : re.substring(i, end);
                        i = end < 0 ? re.length() : end + 2;
                        List<Node> chars = new ArrayList<>();
                        for (int q = 0; q < quoted.length(); q++) {
                            char c = quoted.charAt(q);
                            chars.add(c < 128 ? new Atom(String.valueOf(lower(c))) : Atom.ANY);
                        }
                        return chars.isEmpty() ? Atom.EMPTY : new Concatenation(chars);
                    }
                default:
                    // \x41, \t, octal and the rest: possible, but not worth following.
                    throw new Unsupported();
            }
        }
    }
}
