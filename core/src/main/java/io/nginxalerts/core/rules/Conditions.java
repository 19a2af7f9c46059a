package io.nginxalerts.core.rules;

import com.google.re2j.Pattern;
import io.nginxalerts.core.event.AccessEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.ahocorasick.trie.Trie;

/**
 * The compiled forms of rule conditions. Each is immutable, serializable and allocation-light; the
 * field accessor is resolved at load time. A missing field fails every test here, so that under
 * {@link Not} it passes. {@code toString()} gives a readable form of the condition for logs.
 */
final class Conditions {
    private Conditions() {}

    static Condition allOf(List<Condition> parts) {
        return parts.size() == 1 ? parts.get(0) : new AllOf(List.copyOf(parts));
    }

    static Condition anyOf(List<Condition> parts) {
        return parts.size() == 1 ? parts.get(0) : new AnyOf(List.copyOf(parts));
    }

    /** Every part holds. */
    record AllOf(List<Condition> parts) implements Condition {
        @Override
        public boolean test(AccessEvent event) {
            for (int i = 0; i < parts.size(); i++) {
                if (!parts.get(i).test(event)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return parts.stream()
                    .map(Object::toString)
                    .collect(Collectors.joining(" and ", "(", ")"));
        }
    }

    /** At least one part holds. */
    record AnyOf(List<Condition> parts) implements Condition {
        @Override
        public boolean test(AccessEvent event) {
            for (int i = 0; i < parts.size(); i++) {
                if (parts.get(i).test(event)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return parts.stream()
                    .map(Object::toString)
                    .collect(Collectors.joining(" or ", "(", ")"));
        }
    }

    record Not(Condition inner) implements Condition {
        @Override
        public boolean test(AccessEvent event) {
            return !inner.test(event);
        }

        @Override
        public String toString() {
            return "not " + inner;
        }
    }

    /** The field's text equals {@code value}. */
    record TextEquals(EventField field, String value) implements Condition {
        @Override
        public boolean test(AccessEvent event) {
            return value.equals(field.text(event));
        }

        @Override
        public String toString() {
            return field.fieldName() + " = " + quote(value);
        }
    }

    /** The field's text is one of {@code values}. */
    record TextIn(EventField field, Set<String> values) implements Condition {
        @Override
        public boolean test(AccessEvent event) {
            String text = field.text(event);
            return text != null && values.contains(text);
        }

        @Override
        public String toString() {
            return field.fieldName()
                    + " in "
                    + values.stream()
                            .sorted()
                            .map(Conditions::quote)
                            .collect(Collectors.joining(", ", "[", "]"));
        }
    }

    /**
     * The status code is in a set of codes and classes. A 1024-bit set makes this one array read,
     * with no text conversion of the status.
     */
    static final class StatusIn implements Condition {
        private static final long serialVersionUID = 1L;

        private final long[] bits = new long[16];
        private final String text;

        /**
         * @param values codes 100..999 or classes {@code 1xx}..{@code 5xx}, already validated
         */
        StatusIn(List<String> values) {
            for (String value : values) {
                if (isStatusClass(value)) {
                    int base = (value.charAt(0) - '0') * 100;
                    for (int code = base; code < base + 100; code++) {
                        set(code);
                    }
                } else {
                    set(Integer.parseInt(value));
                }
            }
            this.text =
                    values.size() == 1
                            ? "status = " + values.get(0).toLowerCase(Locale.ROOT)
                            : "status in " + values.toString().toLowerCase(Locale.ROOT);
        }

        private void set(int code) {
            bits[code >>> 6] |= 1L << code;
        }

        @Override
        public boolean test(AccessEvent event) {
            int status = event.status();
            return status > 0 && status < 1024 && (bits[status >>> 6] & (1L << status)) != 0;
        }

        @Override
        public String toString() {
            return text;
        }

        static boolean isStatusClass(String value) {
            return value.length() == 3
                    && value.charAt(0) >= '1'
                    && value.charAt(0) <= '5'
                    && (value.charAt(1) == 'x' || value.charAt(1) == 'X')
                    && (value.charAt(2) == 'x' || value.charAt(2) == 'X');
        }

        static boolean isStatusCode(String value) {
            return value.length() == 3
                    && value.charAt(0) >= '1'
                    && value.charAt(0) <= '9'
                    && value.charAt(1) >= '0'
                    && value.charAt(1) <= '9'
                    && value.charAt(2) >= '0'
                    && value.charAt(2) <= '9';
        }
    }

    enum TextOp {
        EQUALS,
        PREFIX,
        SUFFIX,
        CONTAINS;

        boolean test(String text, String value) {
            switch (this) {
                case EQUALS:
                    return text.equals(value);
                case PREFIX:
                    return text.startsWith(value);
                case SUFFIX:
                    return text.endsWith(value);
                default:
                    return text.contains(value);
            }
        }
    }

    /** The field's text starts with, ends with or contains one of {@code values}. */
    record TextMatch(EventField field, TextOp op, List<String> values) implements Condition {
        @Override
        public boolean test(AccessEvent event) {
            String text = field.text(event);
            if (text == null) {
                return false;
            }
            for (int i = 0; i < values.size(); i++) {
                if (op.test(text, values.get(i))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            String name = op.name().toLowerCase(Locale.ROOT);
            return values.size() == 1
                    ? field.fieldName() + " " + name + " " + quote(values.get(0))
                    : field.fieldName()
                            + " "
                            + name
                            + " any of "
                            + values.stream()
                                    .map(Conditions::quote)
                                    .collect(Collectors.joining(", ", "[", "]"));
        }
    }

    /**
     * The field's text equals, starts with, ends with or contains one of the entries of a list file
     * ({@link ListFiles}): exactly what {@link TextMatch} with the same entries answers, at a cost
     * that hardly grows with the number of entries. {@code contains} runs an Aho-Corasick automaton
     * (one pass over the text for all entries), {@code prefix} and {@code suffix} walk a character
     * trie from the text's start or end, {@code equals} is a hash lookup.
     *
     * <p>Only the entries are serialized; the matcher is rebuilt from them on first use after
     * deserialization (a transient field), as the automaton is not serializable. Building it twice
     * in a race is harmless: both results answer the same.
     */
    static final class ListMatch implements Condition {
        private static final long serialVersionUID = 1L;

        private final EventField field;
        private final TextOp op;
        private final String file;
        private final List<String> entries;

        private transient volatile Predicate<String> matcher;

        /** For {@code contains}: an automaton pass over a user agent costs more than a lookup. */
        private transient OutcomeMemo remembered;

        /**
         * @param file the list file as the rule names it, for messages
         * @param entries non-empty, without empty entries
         */
        ListMatch(EventField field, TextOp op, String file, List<String> entries) {
            this.field = field;
            this.op = op;
            this.file = file;
            this.entries = List.copyOf(entries);
        }

        @Override
        public boolean test(AccessEvent event) {
            String text = field.text(event);
            if (text == null) {
                return false;
            }
            Predicate<String> m = matcher;
            if (m == null) {
                m = build(op, entries);
                matcher = m;
            }
            if (op != TextOp.CONTAINS) {
                return m.test(text);
            }
            OutcomeMemo memo = remembered;
            if (memo == null) {
                memo = new OutcomeMemo();
                remembered = memo;
            }
            return memo.test(text, m);
        }

        private static Predicate<String> build(TextOp op, List<String> entries) {
            switch (op) {
                case EQUALS:
                    return Set.copyOf(entries)::contains;
                case PREFIX:
                    {
                        CharTrie trie = CharTrie.of(entries, false);
                        return text -> trie.holdsAnEnd(text, false);
                    }
                case SUFFIX:
                    {
                        CharTrie trie = CharTrie.of(entries, true);
                        return text -> trie.holdsAnEnd(text, true);
                    }
                default:
                    {
                        if (AsciiAutomaton.accepts(entries)) {
                            return AsciiAutomaton.of(entries)::containsAny;
                        }
                        Trie trie = Trie.builder().addKeywords(entries).build();
                        return trie::containsMatch;
                    }
            }
        }

        EventField field() {
            return field;
        }

        List<String> entries() {
            return entries;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ListMatch other
                    && field.equals(other.field)
                    && op == other.op
                    && file.equals(other.file)
                    && entries.equals(other.entries);
        }

        @Override
        public int hashCode() {
            return ((field.hashCode() * 31 + op.hashCode()) * 31 + file.hashCode()) * 31
                    + entries.hashCode();
        }

        @Override
        public String toString() {
            return field.fieldName()
                    + " "
                    + op.name().toLowerCase(Locale.ROOT)
                    + " any of "
                    + file
                    + " ("
                    + entries.size()
                    + (entries.size() == 1 ? " entry)" : " entries)");
        }
    }

    /** A trie of texts read forwards or backwards, for prefix and suffix lists. */
    static final class CharTrie {
        private final char[] keys;
        private final CharTrie[] children;
        private final boolean terminal;

        private CharTrie(char[] keys, CharTrie[] children, boolean terminal) {
            this.keys = keys;
            this.children = children;
            this.terminal = terminal;
        }

        /**
         * @param reversed whether to store each text from its last character to its first
         */
        static CharTrie of(List<String> texts, boolean reversed) {
            TreeSet<String> distinct = new TreeSet<>();
            for (String text : texts) {
                distinct.add(reversed ? new StringBuilder(text).reverse().toString() : text);
            }
            List<String> sorted = new ArrayList<>(distinct);
            return build(sorted, 0, sorted.size(), 0);
        }

        /**
         * The node for {@code sorted[from, to)}, which all share their first {@code depth} chars.
         */
        private static CharTrie build(List<String> sorted, int from, int to, int depth) {
            boolean terminal = false;
            // Sorted: the one text that ends at this depth (if any) comes first.
            if (from < to && sorted.get(from).length() == depth) {
                terminal = true;
                from++;
            }
            List<Character> keys = new ArrayList<>();
            List<CharTrie> children = new ArrayList<>();
            int i = from;
            while (i < to) {
                char c = sorted.get(i).charAt(depth);
                int j = i;
                while (j < to && sorted.get(j).charAt(depth) == c) {
                    j++;
                }
                keys.add(c);
                children.add(build(sorted, i, j, depth + 1));
                i = j;
            }
            char[] keyArray = new char[keys.size()];
            for (int k = 0; k < keyArray.length; k++) {
                keyArray[k] = keys.get(k);
            }
            return new CharTrie(keyArray, children.toArray(new CharTrie[0]), terminal);
        }

        /**
         * Whether some text of the trie is a prefix of {@code text} (read from its end when {@code
         * fromEnd}, i.e. a suffix).
         */
        boolean holdsAnEnd(String text, boolean fromEnd) {
            CharTrie node = this;
            int n = text.length();
            for (int i = 0; ; i++) {
                if (node.terminal) {
                    return true;
                }
                if (i == n) {
                    return false;
                }
                char c = fromEnd ? text.charAt(n - 1 - i) : text.charAt(i);
                int k = Arrays.binarySearch(node.keys, c);
                if (k < 0) {
                    return false;
                }
                node = node.children[k];
            }
        }
    }

    /**
     * RE2/J (linear time, whatever the pattern) finds {@code pattern} somewhere in the text.
     *
     * <p>RE2/J's automaton costs about a microsecond per field, the largest per-event cost of the
     * job, while web traffic repeats the same user agents and paths over and over. So each instance
     * remembers the answer for recently seen texts in a small direct-mapped table: the answer is a
     * pure function of the text, so a hit gives exactly what the regex would. Slots hold immutable
     * entries, so threads sharing an instance at worst miss, never see a wrong answer; the table is
     * transient (rebuilt empty after serialization).
     *
     * <p>For a text not in the table, a {@link RegexPrefilter} answers "no match" when the text
     * contains none of the literals every match needs (no "..", no scanner name), which is most
     * traffic and costs a scan of the text; only the rest reaches the regex.
     */
    static final class RegexFind implements Condition {
        private static final long serialVersionUID = 1L;
        private final EventField field;
        private final Pattern pattern;

        /** Null when the pattern has no literal worth checking first. */
        private final RegexPrefilter prefilter;

        private transient OutcomeMemo remembered;

        RegexFind(EventField field, Pattern pattern) {
            this.field = field;
            this.pattern = pattern;
            this.prefilter = RegexPrefilter.of(pattern.pattern());
        }

        EventField field() {
            return field;
        }

        Pattern pattern() {
            return pattern;
        }

        @Override
        public boolean test(AccessEvent event) {
            String text = field.text(event);
            if (text == null) {
                return false;
            }
            OutcomeMemo memo = remembered;
            if (memo == null) {
                memo = new OutcomeMemo();
                remembered = memo;
            }
            return memo.test(text, this::find);
        }

        private boolean find(String text) {
            // Most texts contain none of the literals a match needs: a scan instead of the NFA.
            return (prefilter == null || prefilter.mayMatch(text)) && pattern.matcher(text).find();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RegexFind other
                    && field.equals(other.field)
                    && pattern.pattern().equals(other.pattern.pattern())
                    && pattern.flags() == other.pattern.flags();
        }

        @Override
        public int hashCode() {
            return field.hashCode() * 31 + pattern.pattern().hashCode();
        }

        @Override
        public String toString() {
            return field.fieldName() + " ~ /" + pattern.pattern() + "/";
        }
    }

    enum CompareOp {
        GT(">"),
        GTE(">="),
        LT("<"),
        LTE("<=");

        final String symbol;

        CompareOp(String symbol) {
            this.symbol = symbol;
        }
    }

    /** The field, as a number, compares to {@code bound}; never true for a non-number (NaN). */
    record Compare(EventField field, CompareOp op, double bound) implements Condition {
        @Override
        public boolean test(AccessEvent event) {
            double value = field.number(event);
            switch (op) {
                case GT:
                    return value > bound;
                case GTE:
                    return value >= bound;
                case LT:
                    return value < bound;
                default:
                    return value <= bound;
            }
        }

        @Override
        public String toString() {
            return field.fieldName() + " " + op.symbol + " " + bound;
        }
    }

    /** The field is an IP address inside one of {@code nets}. */
    record InNetworks(EventField field, List<IpNet> nets) implements Condition {
        @Override
        public boolean test(AccessEvent event) {
            byte[] address = IpNet.parseAddress(field.text(event));
            if (address == null) {
                return false;
            }
            for (int i = 0; i < nets.size(); i++) {
                if (nets.get(i).contains(address)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return field.fieldName() + " in " + nets;
        }
    }

    static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
