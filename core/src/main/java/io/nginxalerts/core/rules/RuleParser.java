package io.nginxalerts.core.rules;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.YamlNode.Entry;
import io.nginxalerts.core.rules.YamlNode.Kind;
import io.nginxalerts.core.time.Durations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
                    "ratio",
                    "value",
                    "silent_for",
                    "min_events",
                    "first_seen",
                    "learn_for",
                    "max_values",
                    "sequence",
                    "within",
                    "suppress",
                    "resolve_after",
                    "update_every",
                    "allowlist");
    static final List<String> STEP_KEYS = List.of("match", "at_least", "absent");
    static final List<String> RATIO_KEYS = List.of("of", "at_least", "min_events");
    static final List<String> COMPARISON_KEYS = List.of("gt", "gte", "lt", "lte");

    /**
     * The keys added with rule engine v2 that each decide alone when a rule fires; {@code match} is
     * optional with them (default: every event). The older deciders are {@code threshold} (with
     * {@code distinct}, optionally) and {@code sequence}.
     */
    static final List<String> SINGLE_DECIDERS =
            List.of("ratio", "value", "silent_for", "first_seen");

    /** How messages name the choice of what decides when a rule fires. */
    static final String DECIDERS_TEXT =
            "threshold (with distinct to count values), ratio, value, silent_for, first_seen or"
                    + " sequence";

    /**
     * The top-level keys whose YAML decides which alerts a rule gives, in the order the {@link
     * Rule#fingerprint()} reads them; {@code id}, {@code description}, {@code severity}, {@code
     * suppress}, {@code resolve_after} and {@code update_every} are left out on purpose (they
     * change the words or the rate of alert records, not when the rule matches: a rule's detector
     * state stays valid when they change, and an open episode carries on under the new values).
     */
    static final List<String> FINGERPRINT_KEYS =
            List.of(
                    "match",
                    "threshold",
                    "distinct",
                    "ratio",
                    "value",
                    "silent_for",
                    "min_events",
                    "first_seen",
                    "learn_for",
                    "max_values",
                    "sequence",
                    "within",
                    "group_by");

    /** The top-level fields a value rule may aggregate (dotted fields are read as numbers too). */
    static final List<AccessEvent.Field> NUMERIC_FIELDS =
            List.of(
                    AccessEvent.Field.STATUS,
                    AccessEvent.Field.SIZE,
                    AccessEvent.Field.RESPONSETIME,
                    AccessEvent.Field.UPSTREAMTIME);

    /** The top-level fields whose values are times in seconds, compared with durations. */
    static final List<AccessEvent.Field> TIME_FIELDS =
            List.of(AccessEvent.Field.RESPONSETIME, AccessEvent.Field.UPSTREAMTIME);

    static final String ID_PATTERN = "[a-z0-9][a-z0-9-]{0,63}";
    static final int MAX_COUNT = 10_000;
    static final Duration MAX_WITHIN = Duration.ofDays(1);

    /**
     * A first-seen rule remembers values for {@code within} (a week is typical); its state is
     * bounded by {@code max_values}, not by the span, so it may be longer than other rules'.
     */
    static final Duration MAX_FIRST_SEEN_WITHIN = Duration.ofDays(30);

    static final Duration MAX_SILENT_FOR = Duration.ofDays(7);
    static final Duration MAX_LEARN_FOR = Duration.ofDays(30);
    static final int MAX_VALUES_LIMIT = 1_000_000;

    /** The condition of a rule without {@code match}: every event takes part. */
    static final Condition EVERY_EVENT = new Conditions.AllOf(List.of());

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
    private final SharedMatches shared;

    /** The allowlist of the load. */
    private final Allowlist allowlist;

    /** The allowlist this rule is subject to: {@link #allowlist}, or empty for allowlist: false. */
    private Allowlist applied = Allowlist.EMPTY;

    private RuleParser(
            Problems problems, ListFiles lists, SharedMatches shared, Allowlist allowlist) {
        this.problems = problems;
        this.matches = new MatchCompiler(problems, lists);
        this.shared = shared;
        this.allowlist = allowlist;
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
        return parse(yamlText, problems, lists, new SharedMatches());
    }

    /**
     * As {@link #parse(String, Problems, ListFiles)}, with a rule's {@code match} shared with the
     * other rules of the same load that write the same one.
     */
    static Parsed parse(String yamlText, Problems problems, ListFiles lists, SharedMatches shared) {
        return parse(yamlText, problems, lists, shared, Allowlist.EMPTY);
    }

    /**
     * As {@link #parse(String, Problems, ListFiles, SharedMatches)}, with the rule set's allowlist
     * ANDed into the rule's conditions unless the rule says {@code allowlist: false}.
     */
    static Parsed parse(
            String yamlText,
            Problems problems,
            ListFiles lists,
            SharedMatches shared,
            Allowlist allowlist) {
        int before = problems.count();
        try {
            return new RuleParser(problems, lists, shared, allowlist).parse(yamlText, before);
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
        applied = allowlistKey(root) ? allowlist : Allowlist.EMPTY;
        String description = text(root, "description", false);
        Severity severity = severity(root);
        List<String> groupBy = groupBy(root);
        Duration within =
                duration(
                        root,
                        "within",
                        true,
                        root.entries.containsKey("first_seen")
                                ? MAX_FIRST_SEEN_WITHIN
                                : MAX_WITHIN);
        if (within != null && within.isZero()) {
            problems.add(root.entries.get("within").value().line, "within must be more than 0");
            within = null;
        }
        Duration suppress = duration(root, "suppress", false, MAX_SUPPRESS);
        Duration resolveAfter = positiveDuration(root, "resolve_after");
        Duration updateEvery = positiveDuration(root, "update_every");
        Decided decided = decide(root);

        if (problems.count() > before || decided == null) {
            return new Parsed(null, id, idLine);
        }
        Rule rule =
                new Rule(
                        id,
                        description,
                        severity,
                        groupBy,
                        decided.steps(),
                        within,
                        suppress != null ? suppress : within,
                        problems.source(),
                        decided.kind(),
                        fingerprint(root),
                        resolveAfter,
                        updateEvery);
        return new Parsed(rule, id, idLine);
    }

    /** What decides when a rule fires: its steps and its kind. */
    private record Decided(List<Step> steps, RuleKind kind) {}

    /**
     * The steps and kind of the rule, or null after reporting: exactly one of threshold (with
     * distinct, optionally), ratio, value, silent_for, first_seen and sequence decides.
     */
    private Decided decide(YamlNode root) {
        checkCompanions(root);
        List<Entry> deciders = new ArrayList<>();
        for (Entry entry : root.entries.values()) {
            if (SINGLE_DECIDERS.contains(entry.key())) {
                deciders.add(entry);
            }
        }
        if (deciders.isEmpty()) {
            List<Step> steps = steps(root);
            String distinct = distinct(root, steps);
            if (steps == null) {
                return null;
            }
            RuleKind kind =
                    distinct != null
                            ? new RuleKind.Distinct(distinct)
                            : steps.size() > 1 ? new RuleKind.Sequence() : new RuleKind.Count();
            return new Decided(steps, kind);
        }
        Entry first = deciders.get(0);
        for (String older : List.of("distinct", "threshold", "sequence")) {
            if (root.entries.containsKey(older)) {
                first = root.entries.get(older);
                break;
            }
        }
        boolean conflict = false;
        for (Entry other : deciders) {
            if (other != first) {
                problems.add(
                        other.line(),
                        "'"
                                + other.key()
                                + "' and '"
                                + first.key()
                                + "' both decide when the rule fires; use only one of "
                                + DECIDERS_TEXT);
                conflict = true;
            }
        }
        if (conflict) {
            return null;
        }
        Entry match = root.entries.get("match");
        Condition condition = match == null ? applied.and(EVERY_EVENT) : ruleMatch(match);
        RuleKind kind =
                switch (first.key()) {
                    case "ratio" -> ratio(first);
                    case "value" -> value(first);
                    case "silent_for" -> silence(root);
                    default -> firstSeen(root, first);
                };
        if (condition == null || kind == null) {
            return null;
        }
        return new Decided(List.of(new Step(condition, 1)), kind);
    }

    /** Reports the keys that belong to one rule type used without it. */
    private void checkCompanions(YamlNode root) {
        Entry minEvents = root.entries.get("min_events");
        if (minEvents != null && !root.entries.containsKey("silent_for")) {
            String where =
                    root.entries.containsKey("ratio") || root.entries.containsKey("value")
                            ? "; a ratio or value rule takes min_events inside its mapping"
                            : "";
            problems.add(minEvents.line(), "'min_events' goes with 'silent_for'" + where);
        }
        for (String key : List.of("learn_for", "max_values")) {
            Entry entry = root.entries.get(key);
            if (entry != null && !root.entries.containsKey("first_seen")) {
                problems.add(entry.line(), "'" + key + "' goes with 'first_seen'");
            }
        }
    }

    /** {@code ratio: {of, at_least, min_events}}, or null after reporting. */
    private RuleKind ratio(Entry entry) {
        YamlNode value = entry.value();
        if (value.kind != Kind.MAP) {
            problems.add(
                    entry.line(),
                    "'ratio' must be a mapping with of, at_least and min_events, found "
                            + value.describe());
            return null;
        }
        boolean ok = unknownKeys(value, " in 'ratio'", RATIO_KEYS);
        Entry of = value.entries.get("of");
        Condition hits = null;
        if (of == null) {
            problems.add(
                    entry.line(),
                    "'ratio' needs 'of': the match that makes an event a hit, e.g. of: { status:"
                            + " 5xx }");
        } else {
            hits = matches.match(of.value(), of.line(), "'of'");
        }
        Entry atLeast = value.entries.get("at_least");
        Share share = null;
        if (atLeast == null) {
            problems.add(
                    entry.line(),
                    "'ratio' needs 'at_least': the share of hits that fires the rule, as 5% or"
                            + " 0.05");
        } else {
            share = share(atLeast.value());
        }
        int minEvents = minEvents(entry, value, "ratio", "events");
        if (!ok || hits == null || share == null || minEvents == 0) {
            return null;
        }
        return new RuleKind.Ratio(hits, share.value(), minEvents);
    }

    private Share share(YamlNode value) {
        Share share = value.kind == Kind.SCALAR ? Share.parse(value.text) : null;
        if (share == null) {
            problems.add(
                    value.line,
                    "at_least must be a share more than 0 and at most 1: a percentage such as 5%"
                            + " or 12.5% (up to 4 decimals) or a fraction such as 0.05 (up to "
                            + Share.MAX_FRACTION_DIGITS
                            + " decimals), found "
                            + value.describe());
        }
        return share;
    }

    /** The {@code min_events} inside a ratio or value mapping (required), or 0 after reporting. */
    private int minEvents(Entry entry, YamlNode map, String what, String counted) {
        Entry minEvents = map.entries.get("min_events");
        if (minEvents == null) {
            problems.add(
                    entry.line(),
                    "'"
                            + what
                            + "' needs 'min_events': how many "
                            + counted
                            + " must take part before it can fire (from 1 to "
                            + MAX_COUNT
                            + ", e.g. 100)");
            return 0;
        }
        return count(minEvents);
    }

    /**
     * {@code value: {field, <aggregate>: {<comparison>: bound}, min_events}}, or null after
     * reporting.
     */
    private RuleKind value(Entry entry) {
        YamlNode value = entry.value();
        List<String> aggregates = new ArrayList<>();
        for (RuleKind.Aggregate a : RuleKind.Aggregate.values()) {
            aggregates.add(a.key());
        }
        if (value.kind != Kind.MAP) {
            problems.add(
                    entry.line(),
                    "'value' must be a mapping with field, one of "
                            + String.join(", ", aggregates)
                            + " and min_events, found "
                            + value.describe());
            return null;
        }
        List<String> keys = new ArrayList<>(List.of("field"));
        keys.addAll(aggregates);
        keys.add("min_events");
        boolean ok = unknownKeys(value, " in 'value'", keys);

        EventField field = null;
        Entry fieldEntry = value.entries.get("field");
        if (fieldEntry == null) {
            problems.add(
                    entry.line(),
                    "'value' needs 'field': the numeric field to aggregate, e.g. field:"
                            + " upstreamtime");
        } else {
            field = numericField(fieldEntry.value());
        }

        Entry aggregateEntry = null;
        for (Entry e : value.entries.values()) {
            if (RuleKind.Aggregate.named(e.key()) == null) {
                continue;
            }
            if (aggregateEntry == null) {
                aggregateEntry = e;
            } else {
                problems.add(
                        e.line(),
                        "'value' takes one aggregate, found '"
                                + aggregateEntry.key()
                                + "' and '"
                                + e.key()
                                + "'; write one rule for each");
                ok = false;
            }
        }
        Comparison comparison = null;
        if (aggregateEntry == null) {
            problems.add(
                    entry.line(),
                    "'value' needs one aggregate: "
                            + String.join(", ", aggregates)
                            + ", e.g. p95: { gt: 2s }");
        } else {
            comparison = comparison(aggregateEntry, field);
        }
        int minEvents = minEvents(entry, value, "value", "values");
        if (!ok || field == null || comparison == null || minEvents == 0) {
            return null;
        }
        return new RuleKind.Value(
                field.fieldName(),
                RuleKind.Aggregate.named(aggregateEntry.key()),
                comparison.comparison(),
                comparison.bound(),
                minEvents);
    }

    private record Comparison(RuleKind.Comparison comparison, double bound) {}

    /** A field a value rule can read numbers from, or null after reporting. */
    private EventField numericField(YamlNode node) {
        if (node.kind != Kind.SCALAR) {
            problems.add(node.line, "'field' must be one field name, found " + node.describe());
            return null;
        }
        EventField field = RuleFieldNames.resolve(node.text);
        if (field == null) {
            problems.add(
                    node.line,
                    "unknown field '" + node.text + "'; allowed: " + RuleFieldNames.allowedNames());
            return null;
        }
        boolean numeric = field instanceof EventField.Extra;
        for (AccessEvent.Field f : NUMERIC_FIELDS) {
            numeric |= field.is(f);
        }
        if (!numeric) {
            problems.add(
                    node.line,
                    "field '"
                            + node.text
                            + "' holds text, not numbers; a value rule takes status, size,"
                            + " responsetime, upstreamtime or a dotted field whose text is a"
                            + " number (e.g. geoip.latitude)");
            return null;
        }
        return field;
    }

    /**
     * {@code <aggregate>: {gt|gte|lt|lte: bound}}, or null after reporting.
     *
     * @param field the aggregated field if it is valid, null otherwise
     */
    private Comparison comparison(Entry aggregate, EventField field) {
        String name = "'" + aggregate.key() + "'";
        YamlNode node = aggregate.value();
        if (node.kind != Kind.MAP || node.entries.isEmpty()) {
            problems.add(
                    aggregate.line(),
                    name
                            + " must be a comparison such as { gt: 2s }: one of gt, gte, lt, lte"
                            + " with a number or a duration, found "
                            + node.describe());
            return null;
        }
        boolean ok = unknownKeys(node, " in " + name, COMPARISON_KEYS);
        if (!ok) {
            return null;
        }
        if (node.entries.size() > 1) {
            List<String> found = new ArrayList<>(node.entries.keySet());
            problems.add(
                    aggregate.line(),
                    name
                            + " takes one comparison, found "
                            + String.join(" and ", found)
                            + "; write one rule for each");
            return null;
        }
        Entry only = node.entries.values().iterator().next();
        YamlNode bound = only.value();
        String text = bound.kind == Kind.SCALAR ? bound.text.strip() : null;
        double number = Numbers.parse(text);
        if (!Double.isNaN(number) && !Double.isInfinite(number)) {
            return new Comparison(RuleKind.Comparison.named(only.key()), number);
        }
        Duration duration = Durations.tryParse(text);
        if (duration == null) {
            problems.add(
                    bound.line,
                    "'"
                            + only.key()
                            + "' must be a number or a duration such as 2s or 500ms (compared in"
                            + " seconds), found "
                            + bound.describe());
            return null;
        }
        if (field != null
                && (field.is(AccessEvent.Field.STATUS) || field.is(AccessEvent.Field.SIZE))) {
            problems.add(
                    bound.line,
                    "'"
                            + text
                            + "' is a duration but '"
                            + field.fieldName()
                            + "' is not a time; write a number");
            return null;
        }
        return new Comparison(RuleKind.Comparison.named(only.key()), duration.toMillis() / 1000.0);
    }

    /**
     * {@code silent_for: d} with the optional top-level {@code min_events}; null after reporting.
     */
    private RuleKind silence(YamlNode root) {
        Duration silentFor = duration(root, "silent_for", true, MAX_SILENT_FOR);
        if (silentFor != null && silentFor.isZero()) {
            problems.add(
                    root.entries.get("silent_for").value().line, "silent_for must be more than 0");
            silentFor = null;
        }
        Entry minEventsEntry = root.entries.get("min_events");
        int minEvents = minEventsEntry == null ? 1 : count(minEventsEntry);
        if (silentFor == null || minEvents == 0) {
            return null;
        }
        return new RuleKind.Silence(silentFor, minEvents);
    }

    /**
     * {@code first_seen: field} with {@code learn_for} and {@code max_values}; null after
     * reporting.
     */
    private RuleKind firstSeen(YamlNode root, Entry entry) {
        YamlNode value = entry.value();
        String field = null;
        if (value.kind != Kind.SCALAR) {
            problems.add(
                    value.line, "'first_seen' must be one field name, found " + value.describe());
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
        int before = problems.count();
        Duration learnFor = duration(root, "learn_for", false, MAX_LEARN_FOR);
        Entry maxValuesEntry = root.entries.get("max_values");
        int maxValues =
                maxValuesEntry == null
                        ? RuleKind.FirstSeen.DEFAULT_MAX_VALUES
                        : wholeNumber(maxValuesEntry, MAX_VALUES_LIMIT);
        if (field == null || problems.count() > before || maxValues == 0) {
            return null;
        }
        return new RuleKind.FirstSeen(
                field, learnFor == null ? Duration.ZERO : learnFor, maxValues);
    }

    /** Reports the keys of {@code map} not in {@code allowed}; true if there were none. */
    private boolean unknownKeys(YamlNode map, String where, List<String> allowed) {
        boolean ok = true;
        for (Entry e : map.entries.values()) {
            if (!allowed.contains(e.key())) {
                problems.add(e.line(), unknownKey(e.key(), where, allowed));
                ok = false;
            }
        }
        return ok;
    }

    /**
     * The {@link Rule#fingerprint()}: the first 16 hex digits of the SHA-256 of a canonical text of
     * the {@link #FINGERPRINT_KEYS} as parsed (so layout, comments and quoting do not count) and of
     * the entries of every list file the rule's matches read.
     */
    private String fingerprint(YamlNode root) {
        StringBuilder text = new StringBuilder("rule-v2");
        for (String key : FINGERPRINT_KEYS) {
            Entry entry = root.entries.get(key);
            if (entry != null) {
                text.append('\n').append(key).append('=');
                canonical(entry.value(), text);
            }
        }
        for (Map.Entry<String, List<String>> list : matches.listsRead().entrySet()) {
            text.append("\nlist=");
            scalar(list.getKey(), text);
            text.append('[');
            for (String item : list.getValue()) {
                scalar(item, text);
                text.append(',');
            }
            text.append(']');
        }
        // Only a non-empty allowlist changes what a rule decides; an empty one leaves the
        // fingerprint as it was before allowlists existed.
        if (!applied.isEmpty()) {
            text.append("\nallowlist=");
            scalar(applied.canonical(), text);
        }
        return sha256Hex(text.toString()).substring(0, 16);
    }

    /**
     * The optional {@code allowlist: true|false} (default true): whether the rule set's allowlist
     * applies to this rule. Reports anything else and answers true.
     */
    private boolean allowlistKey(YamlNode root) {
        Entry entry = root.entries.get("allowlist");
        if (entry == null) {
            return true;
        }
        YamlNode value = entry.value();
        if (value.kind == Kind.SCALAR
                && (value.text.equals("true") || value.text.equals("false"))) {
            return value.text.equals("true");
        }
        problems.add(
                value.line,
                "allowlist must be true or false (false: the rule set's allowlist.yaml does not"
                        + " exempt anyone from this rule), found "
                        + value.describe());
        return true;
    }

    /**
     * A rule's top-level {@code match} (with the allowlist, if it applies), the same object as an
     * identical one of the same load.
     */
    private Condition ruleMatch(Entry match) {
        StringBuilder text = new StringBuilder();
        canonical(match.value(), text);
        Condition own =
                shared.intern(
                        text.toString(), matches.match(match.value(), match.line(), "'match'"));
        if (applied.isEmpty()) {
            return own;
        }
        // One allowlist per load, so a marker tells the combined condition from the match alone
        // (a rule with allowlist: false shares the match alone).
        return shared.intern("allowlist\n" + text, applied.and(own));
    }

    private static void canonical(YamlNode node, StringBuilder out) {
        switch (node.kind) {
            case MAP -> {
                out.append('{');
                for (Entry e : node.entries.values()) {
                    scalar(e.key(), out);
                    out.append(':');
                    canonical(e.value(), out);
                    out.append(',');
                }
                out.append('}');
            }
            case LIST -> {
                out.append('[');
                for (YamlNode item : node.items) {
                    canonical(item, out);
                    out.append(',');
                }
                out.append(']');
            }
            case SCALAR -> scalar(node.text, out);
            default -> out.append('~');
        }
    }

    /** A text with its length first, so that no text can read as two. */
    private static void scalar(String text, StringBuilder out) {
        out.append(text.length()).append('\'').append(text);
    }

    static String sha256Hex(String text) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
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

    /** An optional duration of at most {@link #MAX_SUPPRESS} that must be more than 0. */
    private Duration positiveDuration(YamlNode root, String key) {
        Duration d = duration(root, key, false, MAX_SUPPRESS);
        if (d != null && d.isZero()) {
            problems.add(root.entries.get(key).value().line, key + " must be more than 0");
            return null;
        }
        return d;
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
                problems.add(
                        1,
                        "missing 'match' (with 'threshold') or 'sequence'; or one of ratio, value,"
                                + " silent_for, first_seen");
            }
            return null;
        }
        Condition condition = ruleMatch(match);
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
        for (int i = 0; i < value.items.size(); i++) {
            Step step = step(value.items.get(i), i, i == value.items.size() - 1);
            ok &= step != null;
            steps.add(step);
        }
        return ok ? steps : null;
    }

    private Step step(YamlNode item, int index, boolean last) {
        if (item.kind != Kind.MAP) {
            problems.add(
                    item.line,
                    "a sequence step must be a mapping with match (and at_least) or, as the last"
                            + " step, absent; found "
                            + item.describe());
            return null;
        }
        boolean ok = unknownKeys(item, " in a sequence step", STEP_KEYS);
        Entry match = item.entries.get("match");
        Entry atLeast = item.entries.get("at_least");
        Entry absent = item.entries.get("absent");
        if (absent != null) {
            return absentStep(absent, match, atLeast, index, last, ok);
        }
        Condition condition = null;
        if (match == null) {
            problems.add(item.line, "missing required key 'match' in a sequence step");
        } else {
            condition = applied.and(matches.match(match.value(), match.line(), "'match'"));
        }
        int count = atLeast == null ? 1 : count(atLeast);
        if (!ok || condition == null || count == 0) {
            return null;
        }
        return new Step(condition, count);
    }

    /**
     * {@code - absent: {match}}: only last, never first, alone in its step; null after reporting.
     */
    private Step absentStep(
            Entry absent, Entry match, Entry atLeast, int index, boolean last, boolean ok) {
        if (match != null) {
            problems.add(
                    match.line(),
                    "a sequence step has either 'match' or 'absent', not both; 'absent' holds the"
                            + " match of the event that must not follow");
            ok = false;
        }
        if (atLeast != null) {
            problems.add(
                    atLeast.line(),
                    "an 'absent' step takes no 'at_least': one such event within 'within' means"
                            + " the sequence does not fire");
            ok = false;
        }
        if (index == 0) {
            problems.add(
                    absent.line(),
                    "a sequence cannot start with 'absent': the absence is measured from the first"
                            + " step's first event");
            ok = false;
        } else if (!last) {
            problems.add(
                    absent.line(),
                    "'absent' may only be the last step of a sequence: the rule fires when"
                            + " 'within' has passed since the first step's first event without"
                            + " such an event");
            ok = false;
        }
        // An allowlisted client's events do not exist for the rule: they do not end it either.
        Condition condition = applied.and(matches.match(absent.value(), absent.line(), "'absent'"));
        return ok && condition != null ? new Step(condition, 1, true) : null;
    }

    /** A count from 1 to {@link #MAX_COUNT}, or 0 after reporting. */
    private int count(Entry entry) {
        return wholeNumber(entry, MAX_COUNT);
    }

    /** A whole number from 1 to {@code max}, or 0 after reporting. */
    private int wholeNumber(Entry entry, int max) {
        YamlNode value = entry.value();
        String text = value.kind == Kind.SCALAR ? value.text : null;
        if (text != null
                && !text.isEmpty()
                && text.length() <= 9
                && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int count = Integer.parseInt(text);
            if (count >= 1 && count <= max) {
                return count;
            }
        }
        problems.add(
                value.line,
                entry.key()
                        + " must be a whole number from 1 to "
                        + max
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
