package io.nginxalerts.core.rules;

import io.nginxalerts.core.rules.YamlNode.Entry;
import io.nginxalerts.core.rules.YamlNode.Kind;
import io.nginxalerts.core.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Validates and compiles one rule file; {@link RuleLoader} is the public face. */
final class RuleParser {
    static final List<String> RULE_KEYS =
            List.of(
                    "id",
                    "description",
                    "severity",
                    "group_by",
                    "match",
                    "threshold",
                    "distinct",
                    "sequence",
                    "within",
                    "suppress");
    static final List<String> STEP_KEYS = List.of("match", "at_least");
    static final String ID_PATTERN = "[a-z0-9][a-z0-9-]{0,63}";
    static final int MAX_COUNT = 10_000;
    static final Duration MAX_WITHIN = Duration.ofDays(1);

    /** Suppression keeps a timestamp per rule and key for this long; a bound keeps that small. */
    static final Duration MAX_SUPPRESS = Duration.ofDays(7);

    static final List<String> DEFAULT_GROUP_BY = List.of("clientip");

    /**
     * The outcome for one file. {@code rule} is null if the file has problems; {@code id} is set
     * whenever the file had a well-formed id, so that duplicate ids are reported even then.
     */
    record Parsed(Rule rule, String id, int idLine) {}

    private final Problems problems;
    private final MatchCompiler matches;

    private RuleParser(Problems problems, ListFiles lists) {
        this.problems = problems;
        this.matches = new MatchCompiler(problems, lists);
    }

    /** Parses one file that names no list files; as {@link #parse(String, Problems, ListFiles)}. */
    static Parsed parse(String yamlText, Problems problems) {
        return parse(yamlText, problems, ListFiles.NONE);
    }

    /**
     * Parses one file; every problem goes to {@code problems}. Never throws.
     *
     * @param lists where the list files that conditions name are read from
     */
    static Parsed parse(String yamlText, Problems problems, ListFiles lists) {
        int before = problems.count();
        try {
            return new RuleParser(problems, lists).parse(yamlText, before);
        } catch (RuntimeException | StackOverflowError e) {
            // A bug here must not take the loader down with anything but a RuleException.
            problems.add(1, "cannot load this rule (internal error: " + e + ")");
            return new Parsed(null, null, 0);
        }
    }

    private Parsed parse(String yamlText, int before) {
        YamlNode root = YamlNode.read(stripBom(yamlText), problems);
        if (root == null) {
            return new Parsed(null, null, 0);
        }
        if (root.kind != Kind.MAP) {
            problems.add(
                    root.line,
                    "a rule file must be a mapping with the keys "
                            + String.join(", ", RULE_KEYS)
                            + "; found "
                            + root.describe());
            return new Parsed(null, null, 0);
        }
        for (Entry entry : root.entries.values()) {
            if (!RULE_KEYS.contains(entry.key())) {
                problems.add(entry.line(), unknownKey(entry.key(), "", RULE_KEYS));
            }
        }

        String id = text(root, "id", true);
        int idLine = 0;
        if (id != null) {
            idLine = root.entries.get("id").value().line;
            if (!isValidId(id)) {
                problems.add(idLine, "id '" + id + "' must match " + ID_PATTERN);
                id = null;
            } else {
                checkFileName(id, idLine);
            }
        }
        String description = text(root, "description", false);
        Severity severity = severity(root);
        List<String> groupBy = groupBy(root);
        Duration within = duration(root, "within", true, MAX_WITHIN);
        if (within != null && within.isZero()) {
            problems.add(root.entries.get("within").value().line, "within must be more than 0");
            within = null;
        }
        Duration suppress = duration(root, "suppress", false, MAX_SUPPRESS);
        List<Step> steps = steps(root);
        String distinct = distinct(root, steps);

        if (problems.count() > before) {
            return new Parsed(null, id, idLine);
        }
        Rule rule =
                new Rule(
                        id,
                        description,
                        severity,
                        groupBy,
                        steps,
                        within,
                        suppress != null ? suppress : within,
                        problems.source(),
                        distinct != null
                                ? new RuleKind.Distinct(distinct)
                                : steps.size() > 1 ? new RuleKind.Sequence() : new RuleKind.Count(),
                        "");
        return new Parsed(rule, id, idLine);
    }

    /** A scalar value as text; null (after reporting, if it was required or malformed) if none. */
    private String text(YamlNode map, String key, boolean required) {
        Entry entry = map.entries.get(key);
        if (entry == null) {
            if (required) {
                problems.add(1, "missing required key '" + key + "'");
            }
            return null;
        }
        YamlNode value = entry.value();
        if (value.kind == Kind.NULL && !required) {
            return null;
        }
        if (value.kind != Kind.SCALAR) {
            problems.add(
                    value.line, "'" + key + "' must be a text value, found " + value.describe());
            return null;
        }
        return value.text;
    }

    private Severity severity(YamlNode root) {
        String text = text(root, "severity", true);
        if (text == null) {
            return null;
        }
        for (Severity severity : Severity.values()) {
            if (severity.code().equals(text)) {
                return severity;
            }
        }
        problems.add(
                root.entries.get("severity").value().line,
                "severity '" + text + "' must be one of info, warning, critical");
        return null;
    }

    private List<String> groupBy(YamlNode root) {
        Entry entry = root.entries.get("group_by");
        if (entry == null) {
            return DEFAULT_GROUP_BY;
        }
        YamlNode value = entry.value();
        List<YamlNode> items;
        if (value.kind == Kind.SCALAR) {
            items = List.of(value);
        } else if (value.kind == Kind.LIST) {
            items = value.items;
        } else {
            problems.add(
                    entry.line(),
                    "'group_by' must be a list of field names, found " + value.describe());
            return null;
        }
        if (items.isEmpty()) {
            problems.add(entry.line(), "group_by must not be empty");
            return null;
        }
        List<String> fields = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlNode item : items) {
            if (item.kind != Kind.SCALAR) {
                problems.add(
                        item.line,
                        "'group_by' must be a list of field names, found " + item.describe());
            } else if (RuleFieldNames.resolve(item.text) == null) {
                problems.add(
                        item.line,
                        "unknown field '"
                                + item.text
                                + "'; allowed: "
                                + RuleFieldNames.allowedNames());
            } else if (!seen.add(item.text)) {
                problems.add(item.line, "group_by lists '" + item.text + "' twice");
            } else {
                fields.add(item.text);
            }
        }
        return fields.size() == items.size() ? fields : null;
    }

    private Duration duration(YamlNode root, String key, boolean required, Duration max) {
        String text = text(root, key, required);
        if (text == null) {
            return null;
        }
        int line = root.entries.get(key).value().line;
        Duration duration = Durations.tryParse(text);
        if (duration == null) {
            problems.add(
                    line,
                    key
                            + " '"
                            + text
                            + "' is not a duration; write a whole number and one unit: 500ms,"
                            + " 30s, 10m, 2h or 1d");
            return null;
        }
        if (duration.compareTo(max) > 0) {
            problems.add(
                    line, key + " must be at most " + Durations.format(max) + ", found " + text);
            return null;
        }
        return duration;
    }

    private List<Step> steps(YamlNode root) {
        Entry match = root.entries.get("match");
        Entry threshold = root.entries.get("threshold");
        Entry sequence = root.entries.get("sequence");
        if (sequence != null && (match != null || threshold != null)) {
            problems.add(
                    sequence.line(), "use either match (with threshold) or sequence, not both");
            return null;
        }
        if (sequence != null) {
            return sequence(sequence);
        }
        if (match == null) {
            if (threshold != null) {
                problems.add(threshold.line(), "'threshold' needs a 'match'");
            } else {
                problems.add(1, "missing 'match' (with 'threshold') or 'sequence'");
            }
            return null;
        }
        Condition condition = matches.match(match.value(), match.line(), "'match'");
        int count = threshold == null ? 1 : count(threshold);
        if (condition == null || count == 0) {
            return null;
        }
        return List.of(new Step(condition, count));
    }

    /**
     * The field a distinct rule counts, or null (after reporting, if {@code distinct} is there but
     * wrong). {@code steps} is what {@link #steps} returned, null if it reported a problem.
     */
    private String distinct(YamlNode root, List<Step> steps) {
        Entry entry = root.entries.get("distinct");
        if (entry == null) {
            return null;
        }
        YamlNode value = entry.value();
        if (root.entries.containsKey("sequence")) {
            problems.add(
                    entry.line(),
                    "'distinct' counts the values of one match; it cannot be used with"
                            + " 'sequence'");
            return null;
        }
        String field = null;
        if (value.kind != Kind.SCALAR) {
            problems.add(
                    value.line, "'distinct' must be one field name, found " + value.describe());
        } else if (RuleFieldNames.resolve(value.text) == null) {
            problems.add(
                    value.line,
                    "unknown field '"
                            + value.text
                            + "'; allowed: "
                            + RuleFieldNames.allowedNames());
        } else {
            field = value.text;
        }
        Entry threshold = root.entries.get("threshold");
        if (threshold == null) {
            problems.add(
                    entry.line(),
                    "'distinct' needs a 'threshold': how many different values fire the rule"
                            + " (at least 2)");
            return null;
        }
        if (steps != null && steps.get(0).atLeast() < 2) {
            problems.add(
                    threshold.value().line,
                    "threshold must be at least 2 with 'distinct' (one value is always distinct),"
                            + " found "
                            + threshold.value().describe());
            return null;
        }
        return field;
    }

    private List<Step> sequence(Entry sequence) {
        YamlNode value = sequence.value();
        if (value.kind != Kind.LIST) {
            problems.add(
                    sequence.line(),
                    "'sequence' must be a list of steps, found " + value.describe());
            return null;
        }
        if (value.items.size() < 2) {
            problems.add(
                    sequence.line(),
                    "a sequence needs at least 2 steps, found "
                            + value.items.size()
                            + "; use match and threshold for a single step");
        }
        List<Step> steps = new ArrayList<>();
        boolean ok = value.items.size() >= 2;
        for (YamlNode item : value.items) {
            Step step = step(item);
            ok &= step != null;
            steps.add(step);
        }
        return ok ? steps : null;
    }

    private Step step(YamlNode item) {
        if (item.kind != Kind.MAP) {
            problems.add(
                    item.line,
                    "a sequence step must be a mapping with "
                            + String.join(" and ", STEP_KEYS)
                            + ", found "
                            + item.describe());
            return null;
        }
        boolean ok = true;
        for (Entry entry : item.entries.values()) {
            if (!STEP_KEYS.contains(entry.key())) {
                problems.add(
                        entry.line(), unknownKey(entry.key(), " in a sequence step", STEP_KEYS));
                ok = false;
            }
        }
        Entry match = item.entries.get("match");
        Entry atLeast = item.entries.get("at_least");
        Condition condition = null;
        if (match == null) {
            problems.add(item.line, "missing required key 'match' in a sequence step");
        } else {
            condition = matches.match(match.value(), match.line(), "'match'");
        }
        int count = atLeast == null ? 1 : count(atLeast);
        if (!ok || condition == null || count == 0) {
            return null;
        }
        return new Step(condition, count);
    }

    /** A count from 1 to {@link #MAX_COUNT}, or 0 after reporting. */
    private int count(Entry entry) {
        YamlNode value = entry.value();
        String text = value.kind == Kind.SCALAR ? value.text : null;
        if (text != null
                && !text.isEmpty()
                && text.length() <= 5
                && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int count = Integer.parseInt(text);
            if (count >= 1 && count <= MAX_COUNT) {
                return count;
            }
        }
        problems.add(
                value.line,
                entry.key()
                        + " must be a whole number from 1 to "
                        + MAX_COUNT
                        + ", found "
                        + value.describe());
        return 0;
    }

    private void checkFileName(String id, int idLine) {
        String source = problems.source();
        String name =
                source.substring(Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\')) + 1);
        String extension = name.endsWith(".yaml") ? ".yaml" : name.endsWith(".yml") ? ".yml" : null;
        // parse() may be given a name that is not a file (e.g. "<inline>"): nothing to compare.
        if (extension == null) {
            return;
        }
        String base = name.substring(0, name.length() - extension.length());
        if (!base.equals(id)) {
            problems.add(
                    idLine,
                    "id '"
                            + id
                            + "' does not match the file name '"
                            + name
                            + "'; rename the file to "
                            + id
                            + extension);
        }
    }

    static boolean isValidId(String id) {
        if (id.isEmpty() || id.length() > 64) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String unknownKey(String key, String where, List<String> allowed) {
        return "unknown key '" + key + "'" + where + "; allowed: " + String.join(", ", allowed);
    }

    private static String stripBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
