package io.nginxalerts.core.alert;

import io.nginxalerts.core.event.AccessEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One alert: a rule matched for one key. This is the object behind the alert JSON contract (see
 * {@link AlertCodec}).
 *
 * <p>Guarantees: {@code id} is deterministic from rule, key and the first matching event, so the
 * same match replayed after a failure has the same id (consumers deduplicate by it); times are
 * epoch milliseconds, {@code firstSeen <= lastSeen}; {@code evidence} holds at most {@link
 * #MAX_EVIDENCE} of the matching events, oldest first.
 *
 * @param key the rule's {@code group_by} fields and their values
 * @param count how many events the match holds
 * @param detectedAt wall-clock time when the job emitted the alert (not part of the id)
 * @param distinctCount for a distinct rule, how many different values of its {@code distinct} field
 *     the match holds (written as {@code distinct_count}); {@code null} for other rules
 * @param ratio for a ratio rule, the events that passed {@code of} and all that took part; {@code
 *     null} for other rules
 * @param aggregate for a value rule, its aggregate and the value it had ({@code {"p95": 3.1}});
 *     {@code null} for other rules
 * @param silentSince for a silence rule, the time of the key's last matching event (epoch millis);
 *     {@code null} for other rules
 * @param value for a first-seen rule, the value not seen before; {@code null} for other rules
 */
public record Alert(
        String id,
        String rule,
        String severity,
        Map<String, String> key,
        int count,
        long firstSeen,
        long lastSeen,
        long detectedAt,
        String summary,
        String description,
        List<AccessEvent> evidence,
        int schema,
        Integer distinctCount,
        Ratio ratio,
        Map<String, Double> aggregate,
        Long silentSince,
        String value) {

    /** The version of the alert JSON contract written in {@code schema}. */
    public static final int SCHEMA_VERSION = 1;

    public static final int MAX_EVIDENCE = 5;

    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
        key = key == null ? Map.of() : key;
        evidence = evidence == null ? List.of() : evidence;
    }

    /**
     * The share of a ratio rule's events that passed its {@code of}: {@code numerator} of {@code
     * denominator} (written as {@code {"numerator":n,"denominator":d,"value":n/d}}).
     */
    public record Ratio(int numerator, int denominator) {
        public Ratio {
            if (denominator < 1 || numerator < 0 || numerator > denominator) {
                throw new IllegalArgumentException(
                        "ratio " + numerator + "/" + denominator + " is not a share");
            }
        }

        public double value() {
            return (double) numerator / denominator;
        }
    }

    /** An alert of a threshold, distinct or sequence rule. */
    public Alert(
            String id,
            String rule,
            String severity,
            Map<String, String> key,
            int count,
            long firstSeen,
            long lastSeen,
            long detectedAt,
            String summary,
            String description,
            List<AccessEvent> evidence,
            int schema,
            Integer distinctCount) {
        this(
                id,
                rule,
                severity,
                key,
                count,
                firstSeen,
                lastSeen,
                detectedAt,
                summary,
                description,
                evidence,
                schema,
                distinctCount,
                null,
                null,
                null,
                null);
    }

    /** The same alert with another wall-clock detection time. */
    public Alert withDetectedAt(long at) {
        return new Alert(
                id,
                rule,
                severity,
                key,
                count,
                firstSeen,
                lastSeen,
                at,
                summary,
                description,
                evidence,
                schema,
                distinctCount,
                ratio,
                aggregate,
                silentSince,
                value);
    }

    /** An alert of a threshold or sequence rule: no {@code distinct_count}. */
    public Alert(
            String id,
            String rule,
            String severity,
            Map<String, String> key,
            int count,
            long firstSeen,
            long lastSeen,
            long detectedAt,
            String summary,
            String description,
            List<AccessEvent> evidence,
            int schema) {
        this(
                id,
                rule,
                severity,
                key,
                count,
                firstSeen,
                lastSeen,
                detectedAt,
                summary,
                description,
                evidence,
                schema,
                null);
    }
}
