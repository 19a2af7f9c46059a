package io.nginxalerts.core.alert;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.core.time.Durations;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Builds {@link Alert}s from a rule and the events of one match. Pure functions, no state. */
public final class Alerts {
    private Alerts() {}

    /**
     * The alert for one match of {@code rule}.
     *
     * <p>For a distinct rule the alert also carries {@code distinctCount}: the number of different
     * non-null values of the rule's {@code distinct} field among {@code matched}.
     *
     * @param matched the events of the match in event-time order (at least one)
     * @param detectedAt wall-clock millis when the match was detected
     */
    public static Alert fromMatch(Rule rule, List<AccessEvent> matched, long detectedAt) {
        if (matched.isEmpty()) {
            throw new IllegalArgumentException("a match has at least one event");
        }
        AccessEvent first = matched.get(0);
        long firstSeen = Long.MAX_VALUE;
        long lastSeen = Long.MIN_VALUE;
        for (AccessEvent e : matched) {
            firstSeen = Math.min(firstSeen, e.timestamp());
            lastSeen = Math.max(lastSeen, e.timestamp());
        }
        Map<String, String> key = rule.keyFields(first);
        List<AccessEvent> evidence =
                List.copyOf(matched.subList(0, Math.min(Alert.MAX_EVIDENCE, matched.size())));
        Integer distinctCount = null;
        if (rule.isDistinct()) {
            Set<String> values = new HashSet<>();
            for (AccessEvent e : matched) {
                String value = rule.distinctValue(e);
                if (value != null) {
                    values.add(value);
                }
            }
            distinctCount = values.size();
        }
        return new Alert(
                id(rule.id(), key, first),
                rule.id(),
                rule.severity().code(),
                key,
                matched.size(),
                firstSeen,
                lastSeen,
                detectedAt,
                distinctCount != null
                        ? distinctSummary(rule, key, distinctCount, firstSeen, lastSeen)
                        : summary(rule, key, matched.size(), firstSeen, lastSeen),
                rule.description(),
                evidence,
                Alert.SCHEMA_VERSION,
                distinctCount);
    }

    /**
     * The fingerprint of an episode: the first 16 bytes (hex) of the SHA-256 of the rule id and the
     * key in field order, so it is the same for the rule and key in every record of every episode,
     * across restarts and replays.
     */
    public static String fingerprint(String ruleId, Map<String, String> key) {
        StringBuilder canonical = new StringBuilder(128);
        canonical.append("fingerprint\n").append(ruleId).append('\n');
        new TreeMap<>(key)
                .forEach((k, v) -> canonical.append(k).append('=').append(v).append('\n'));
        return sha256Hex(canonical.toString());
    }

    /**
     * The id of a record derived from the episode's first record {@code id} ("resolved", "update
     * 3"): deterministic, and unlike any other record's id.
     */
    public static String derivedId(String id, String what) {
        return sha256Hex(id + '\n' + what);
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /**
     * A deterministic id: the same rule, key and first event always give the same id, so an alert
     * written again by a replay after a failure can be recognised as a duplicate.
     */
    public static String id(String ruleId, Map<String, String> key, AccessEvent first) {
        StringBuilder canonical = new StringBuilder(256);
        canonical.append(ruleId).append('\n');
        new TreeMap<>(key)
                .forEach((k, v) -> canonical.append(k).append('=').append(v).append('\n'));
        canonical
                .append(first.timestamp())
                .append('\n')
                .append(first.clientip())
                .append('\n')
                .append(first.method())
                .append('\n')
                .append(first.url())
                .append('\n')
                .append(first.status())
                .append('\n')
                .append(first.size())
                .append('\n')
                .append(first.request_id())
                .append('\n')
                .append(first.agent());
        return sha256Hex(canonical.toString());
    }

    /**
     * The alert of a ratio rule: {@code hits} of the {@code total} events of its window passed the
     * rule's {@code of}.
     *
     * @param evidence the latest (at most 5) events of the window that passed {@code of}, oldest
     *     first; the id comes from the first
     * @param firstSeen the time of the window's first event
     * @param lastSeen the time of the event that completed the window
     */
    public static Alert ratio(
            Rule rule,
            List<AccessEvent> evidence,
            int hits,
            int total,
            long firstSeen,
            long lastSeen,
            long detectedAt) {
        RuleKind.Ratio kind = (RuleKind.Ratio) rule.kind();
        Map<String, String> key = rule.keyFields(evidence.get(0));
        String what =
                String.format(
                        Locale.ROOT,
                        "%d of %d requests (%.1f%%) matched the rule's `of` (at least %s%%)",
                        hits,
                        total,
                        100.0 * hits / total,
                        decimal(kind.atLeast() * 100));
        return build(
                rule,
                key,
                evidence,
                total,
                firstSeen,
                lastSeen,
                detectedAt,
                what,
                new Alert.Ratio(hits, total),
                null,
                null,
                null);
    }

    /**
     * The alert of a value rule: its aggregate over {@code count} values had {@code aggregate}.
     *
     * @param evidence the latest (at most 5) events of the window with a value, oldest first
     */
    public static Alert value(
            Rule rule,
            List<AccessEvent> evidence,
            int count,
            double aggregate,
            long firstSeen,
            long lastSeen,
            long detectedAt) {
        RuleKind.Value kind = (RuleKind.Value) rule.kind();
        Map<String, String> key = rule.keyFields(evidence.get(0));
        String unit = kind.field().endsWith("time") ? "s" : "";
        String what =
                String.format(
                        Locale.ROOT,
                        "%s of %s was %s%s (%s %s%s) over %d requests",
                        kind.aggregate().key(),
                        kind.field(),
                        decimal(aggregate),
                        unit,
                        symbol(kind.comparison()),
                        decimal(kind.bound()),
                        unit,
                        count);
        Map<String, Double> values = new LinkedHashMap<>();
        values.put(kind.aggregate().key(), aggregate);
        return build(
                rule,
                key,
                evidence,
                count,
                firstSeen,
                lastSeen,
                detectedAt,
                what,
                null,
                Collections.unmodifiableMap(values),
                null,
                null);
    }

    /**
     * The alert of a silence rule: the key's last matching event was at {@code silentSince} and
     * none came for the rule's {@code silent_for}.
     *
     * @param evidence the latest (at most 5) events of the window up to the last one, oldest first
     * @param count the events in that window
     * @param firstSeen the time of the window's first event
     */
    public static Alert silence(
            Rule rule,
            List<AccessEvent> evidence,
            int count,
            long firstSeen,
            long silentSince,
            long detectedAt) {
        RuleKind.Silence kind = (RuleKind.Silence) rule.kind();
        Map<String, String> key = rule.keyFields(evidence.get(0));
        String what =
                String.format(
                        Locale.ROOT,
                        "silent for %s since %s after %d matching requests",
                        Durations.format(kind.silentFor()),
                        Instant.ofEpochMilli(silentSince),
                        count);
        return build(
                rule,
                key,
                evidence,
                count,
                firstSeen,
                silentSince,
                detectedAt,
                what,
                null,
                null,
                silentSince,
                null);
    }

    /** The alert of a first-seen rule: {@code event} brought {@code value}, new for its key. */
    public static Alert firstSeen(Rule rule, AccessEvent event, String value, long detectedAt) {
        RuleKind.FirstSeen kind = (RuleKind.FirstSeen) rule.kind();
        Map<String, String> key = rule.keyFields(event);
        long t = event.timestamp();
        String what =
                String.format(
                        Locale.ROOT,
                        "first seen %s %s (not seen within %s)",
                        kind.field(),
                        value,
                        Durations.format(rule.within()));
        return build(rule, key, List.of(event), 1, t, t, detectedAt, what, null, null, null, value);
    }

    /** The alert of a ratio, value, silence or first-seen rule; {@code what} tells what it saw. */
    private static Alert build(
            Rule rule,
            Map<String, String> key,
            List<AccessEvent> evidence,
            int count,
            long firstSeen,
            long lastSeen,
            long detectedAt,
            String what,
            Alert.Ratio ratio,
            Map<String, Double> aggregate,
            Long silentSince,
            String value) {
        if (evidence.isEmpty() || evidence.size() > Alert.MAX_EVIDENCE) {
            throw new IllegalArgumentException("evidence holds 1 to 5 events");
        }
        return new Alert(
                // The key's next silence can report the same first event: the silence's time tells
                // them apart, so every silence alert has an id of its own.
                derivedId(id(rule.id(), key, evidence.get(0)), "silent since " + silentSince),
                rule.id(),
                rule.severity().code(),
                key,
                count,
                firstSeen,
                lastSeen,
                detectedAt,
                summary(rule, key, what, firstSeen, lastSeen),
                rule.description(),
                List.copyOf(evidence),
                Alert.SCHEMA_VERSION,
                null,
                ratio,
                aggregate,
                silentSince,
                value);
    }

    /** A number as people write it: at most 4 significant digits, no trailing zeros. */
    static String decimal(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return Double.toString(x);
        }
        return new BigDecimal(x)
                .round(new MathContext(4, RoundingMode.HALF_UP))
                .stripTrailingZeros()
                .toPlainString();
    }

    private static String symbol(RuleKind.Comparison c) {
        return switch (c) {
            case GT -> ">";
            case GTE -> ">=";
            case LT -> "<";
            case LTE -> "<=";
        };
    }

    static String summary(
            Rule rule, Map<String, String> key, int count, long firstSeen, long lastSeen) {
        return summary(rule, key, count + " matching requests", firstSeen, lastSeen);
    }

    static String distinctSummary(
            Rule rule, Map<String, String> key, int distinct, long firstSeen, long lastSeen) {
        return summary(
                rule,
                key,
                distinct + " different " + rule.distinct() + " values",
                firstSeen,
                lastSeen);
    }

    private static String summary(
            Rule rule, Map<String, String> key, String what, long firstSeen, long lastSeen) {
        StringBuilder keyText = new StringBuilder();
        key.forEach(
                (k, v) -> {
                    if (keyText.length() > 0) {
                        keyText.append(", ");
                    }
                    keyText.append(k).append(' ').append(v);
                });
        Duration span = Duration.ofMillis(lastSeen - firstSeen);
        return String.format(
                "%s: %s for %s in %ds (%s to %s; rule window %s)",
                rule.id(),
                what,
                keyText,
                span.toSeconds(),
                Instant.ofEpochMilli(firstSeen),
                Instant.ofEpochMilli(lastSeen),
                Durations.format(rule.within()));
    }
}
