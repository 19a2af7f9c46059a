package io.nginxalerts.core.alert;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.time.Durations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
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
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
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
