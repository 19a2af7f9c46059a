package io.nginxalerts.core.rules;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Conditions.CompareOp;
import io.nginxalerts.core.rules.Conditions.TextOp;
import io.nginxalerts.core.rules.YamlNode.Entry;
import io.nginxalerts.core.rules.YamlNode.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compiles a {@code match} mapping into a {@link Condition}, reporting every problem it finds.
 *
 * <p>Grammar: a match is a non-empty mapping whose entries are ANDed; an entry is {@code any:
 * [match, ...]}, {@code all: [match, ...]}, {@code not: match}, or {@code field: test}. A field
 * test is a value (equality on the text form; for {@code status} also a class such as {@code 4xx}),
 * a list of values (any of them), or a mapping of operators (all of them): {@code equals} (as a
 * value or a list of values), {@code prefix}, {@code suffix}, {@code contains} (a text or a list of
 * texts, any of them), {@code regex}, {@code gt}, {@code gte}, {@code lt}, {@code lte}, {@code
 * cidr} (a network or a list) and {@code not} (a field test). {@code equals}, {@code prefix},
 * {@code suffix} and {@code contains} also take {@code {file: path}}, the entries of a list file
 * ({@link ListFiles}), compiled to one {@link Conditions.ListMatch}. On a decoded field (lower-case
 * by definition) a value or entry with upper-case letters is a problem, since it never matches.
 */
final class MatchCompiler {
    static final List<String> OPERATORS =
            List.of(
                    "equals",
                    "prefix",
                    "suffix",
                    "contains",
                    "regex",
                    "gt",
                    "gte",
                    "lt",
                    "lte",
                    "cidr",
                    "not");

    private final Problems problems;
    private final ListFiles lists;

    /** The list files read so far, by the name written, with their entries (for fingerprints). */
    private final Map<String, List<String>> listsRead = new TreeMap<>();

    MatchCompiler(Problems problems, ListFiles lists) {
        this.problems = problems;
        this.lists = lists;
    }

    /** The list files that the matches compiled so far name, by name, with their entries. */
    Map<String, List<String>> listsRead() {
        return Collections.unmodifiableMap(listsRead);
    }

    /**
     * The condition for a {@code match} value, or {@code null} if it has problems (all of them
     * reported).
     *
     * @param line the line of the key that holds the match, for problems with the whole of it
     * @param what how messages name it, e.g. {@code 'match'}
     */
    Condition match(YamlNode node, int line, String what) {
        if (node.kind != Kind.MAP) {
            problems.add(
                    line,
                    what + " must be a mapping of fields to conditions, found " + node.describe());
            return null;
        }
        if (node.entries.isEmpty()) {
            problems.add(line, what + " must not be empty");
            return null;
        }
        List<Condition> parts = new ArrayList<>();
        boolean ok = true;
        for (Entry entry : node.entries.values()) {
            Condition part = entry(entry);
            ok &= part != null;
            parts.add(part);
        }
        return ok ? Conditions.allOf(parts) : null;
    }

    private Condition entry(Entry entry) {
        String key = entry.key();
        YamlNode value = entry.value();
        switch (key) {
            case "any":
            case "all":
                {
                    if (value.kind != Kind.LIST || value.items.isEmpty()) {
                        problems.add(
                                entry.line(),
                                "'"
                                        + key
                                        + "' must be a non-empty list of match mappings, found "
                                        + value.describe());
                        return null;
                    }
                    List<Condition> parts = new ArrayList<>();
                    boolean ok = true;
                    for (YamlNode item : value.items) {
                        Condition part = match(item, item.line, "each item of '" + key + "'");
                        ok &= part != null;
                        parts.add(part);
                    }
                    if (!ok) {
                        return null;
                    }
                    return key.equals("any") ? Conditions.anyOf(parts) : Conditions.allOf(parts);
                }
            case "not":
                {
                    Condition inner = match(value, entry.line(), "'not'");
                    return inner == null ? null : new Conditions.Not(inner);
                }
            default:
                {
                    EventField field = RuleFieldNames.resolve(key);
                    if (field == null) {
                        problems.add(
                                entry.line(),
                                "unknown field '"
                                        + key
                                        + "'; allowed: "
                                        + RuleFieldNames.allowedNames());
                        return null;
                    }
                    return fieldTest(field, value, entry.line());
                }
        }
    }

    private Condition fieldTest(EventField field, YamlNode value, int line) {
        String name = field.fieldName();
        switch (value.kind) {
            case NULL:
                problems.add(line, "field '" + name + "' needs a value");
                return null;
            case SCALAR:
                return equalTo(field, List.of(value));
            case LIST:
                {
                    if (value.items.isEmpty()) {
                        problems.add(line, "the list for '" + name + "' must not be empty");
                        return null;
                    }
                    for (YamlNode item : value.items) {
                        if (item.kind != Kind.SCALAR) {
                            problems.add(
                                    item.line,
                                    "the list for '"
                                            + name
                                            + "' may only hold values, found "
                                            + item.describe());
                            return null;
                        }
                    }
                    return equalTo(field, value.items);
                }
            default:
                return operators(field, value, line);
        }
    }

    private Condition equalTo(EventField field, List<YamlNode> values) {
        List<String> texts = new ArrayList<>();
        boolean ok = true;
        for (YamlNode value : values) {
            String text = value.text;
            if (field.is(AccessEvent.Field.STATUS)) {
                if (!Conditions.StatusIn.isStatusCode(text)
                        && !Conditions.StatusIn.isStatusClass(text)) {
                    problems.add(
                            value.line,
                            "status '" + text + "' must be a code like 404 or a class like 4xx");
                    ok = false;
                }
                text = text.toLowerCase(Locale.ROOT);
            }
            texts.add(text);
        }
        if (!ok || !lowerCaseFor(field, texts, values.get(0).line, "the value")) {
            return null;
        }
        if (field.is(AccessEvent.Field.STATUS)) {
            return new Conditions.StatusIn(texts);
        }
        if (texts.size() == 1) {
            return new Conditions.TextEquals(field, texts.get(0));
        }
        return new Conditions.TextIn(field, java.util.Set.copyOf(new LinkedHashSet<>(texts)));
    }

    private Condition operators(EventField field, YamlNode map, int line) {
        String name = field.fieldName();
        if (map.entries.isEmpty()) {
            problems.add(line, "the conditions for '" + name + "' must not be empty");
            return null;
        }
        List<Condition> parts = new ArrayList<>();
        boolean ok = true;
        for (Entry entry : map.entries.values()) {
            Condition part = operator(field, entry);
            ok &= part != null;
            parts.add(part);
        }
        return ok ? Conditions.allOf(parts) : null;
    }

    private Condition operator(EventField field, Entry entry) {
        YamlNode value = entry.value();
        String op = entry.key();
        switch (op) {
            case "equals":
                return value.kind == Kind.MAP
                        ? listFile(field, TextOp.EQUALS, entry)
                        : fieldTest(field, value, entry.line());
            case "prefix":
                return textMatch(field, TextOp.PREFIX, entry);
            case "suffix":
                return textMatch(field, TextOp.SUFFIX, entry);
            case "contains":
                return textMatch(field, TextOp.CONTAINS, entry);
            case "regex":
                {
                    if (value.kind != Kind.SCALAR) {
                        problems.add(
                                entry.line(),
                                "'regex' must be a text value, found " + value.describe());
                        return null;
                    }
                    try {
                        return new Conditions.RegexFind(field, Regexes.compile(value.text));
                    } catch (IllegalArgumentException e) {
                        problems.add(value.line, e.getMessage());
                        return null;
                    }
                }
            case "gt":
                return compare(field, CompareOp.GT, entry);
            case "gte":
                return compare(field, CompareOp.GTE, entry);
            case "lt":
                return compare(field, CompareOp.LT, entry);
            case "lte":
                return compare(field, CompareOp.LTE, entry);
            case "cidr":
                return cidr(field, entry);
            case "not":
                {
                    Condition inner = fieldTest(field, value, entry.line());
                    return inner == null ? null : new Conditions.Not(inner);
                }
            default:
                problems.add(
                        entry.line(),
                        "unknown operator '"
                                + op
                                + "' for field '"
                                + field.fieldName()
                                + "'; allowed: "
                                + String.join(", ", OPERATORS));
                return null;
        }
    }

    private Condition textMatch(EventField field, TextOp op, Entry entry) {
        if (entry.value().kind == Kind.MAP) {
            return listFile(field, op, entry);
        }
        List<String> values = texts(entry, "a text value, a list of them or {file: path}");
        if (values == null || !lowerCaseFor(field, values, entry.line(), "'" + entry.key() + "'")) {
            return null;
        }
        return new Conditions.TextMatch(field, op, values);
    }

    /** {@code op: { file: path }}: the entries of a list file ({@link ListFiles}). */
    private Condition listFile(EventField field, TextOp op, Entry entry) {
        YamlNode map = entry.value();
        Entry file = map.entries.get("file");
        if (file == null || map.entries.size() != 1) {
            problems.add(
                    entry.line(),
                    "'"
                            + entry.key()
                            + "' takes a text value, a list of them or {file: path}; found a"
                            + " mapping with "
                            + String.join(", ", map.entries.keySet()));
            return null;
        }
        YamlNode path = file.value();
        if (path.kind != Kind.SCALAR || path.text.isBlank()) {
            problems.add(
                    file.line(),
                    "'file' must be the path of a list file relative to the rules directory,"
                            + " found "
                            + path.describe());
            return null;
        }
        List<String> entries = lists.read(path.text, problems, file.line());
        if (entries != null) {
            listsRead.put(path.text, entries);
        }
        if (entries == null
                || !lowerCaseFor(field, entries, file.line(), "list file '" + path.text + "'")) {
            return null;
        }
        return new Conditions.ListMatch(field, op, path.text, entries);
    }

    /**
     * Decoded fields are lower-case, so a value with upper-case letters could never match them: a
     * mistake worth stopping for, not a silent dead condition. True if all is well.
     */
    private boolean lowerCaseFor(EventField field, List<String> values, int line, String what) {
        if (!(field instanceof EventField.Decoded)) {
            return true;
        }
        List<String> upper = new ArrayList<>();
        for (String value : values) {
            if (!value.equals(value.toLowerCase(Locale.ROOT))) {
                upper.add("'" + value + "'");
            }
        }
        if (upper.isEmpty()) {
            return true;
        }
        problems.add(
                line,
                what
                        + " has upper-case letters ("
                        + String.join(", ", upper.subList(0, Math.min(3, upper.size())))
                        + (upper.size() > 3 ? ", ..." : "")
                        + "), which the lower-cased field '"
                        + field.fieldName()
                        + "' never contains; write them in lower case");
        return false;
    }

    private Condition cidr(EventField field, Entry entry) {
        List<String> values = texts(entry, "a network or a list of networks");
        if (values == null) {
            return null;
        }
        List<IpNet> nets = new ArrayList<>();
        boolean ok = true;
        for (String value : values) {
            try {
                nets.add(IpNet.parse(value));
            } catch (IllegalArgumentException e) {
                problems.add(entry.line(), "bad CIDR '" + value + "': " + e.getMessage());
                ok = false;
            }
        }
        return ok ? new Conditions.InNetworks(field, List.copyOf(nets)) : null;
    }

    /** A scalar or a non-empty list of scalars as texts; {@code null} after reporting. */
    private List<String> texts(Entry entry, String expected) {
        YamlNode value = entry.value();
        if (value.kind == Kind.SCALAR) {
            return List.of(value.text);
        }
        boolean ok = value.kind == Kind.LIST && !value.items.isEmpty();
        for (YamlNode item : value.items) {
            ok &= item.kind == Kind.SCALAR;
        }
        if (!ok) {
            problems.add(
                    entry.line(),
                    "'" + entry.key() + "' must be " + expected + ", found " + value.describe());
            return null;
        }
        List<String> texts = new ArrayList<>();
        for (YamlNode item : value.items) {
            texts.add(item.text);
        }
        return List.copyOf(texts);
    }

    private Condition compare(EventField field, CompareOp op, Entry entry) {
        YamlNode value = entry.value();
        double bound = value.kind == Kind.SCALAR ? Numbers.parse(value.text) : Double.NaN;
        if (Double.isNaN(bound) || Double.isInfinite(bound)) {
            problems.add(
                    entry.line(),
                    "'" + entry.key() + "' must be a number, found " + value.describe());
            return null;
        }
        return new Conditions.Compare(field, op, bound);
    }
}
