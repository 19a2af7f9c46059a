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
 * @param status {@link Status#FIRING} when the rule matched for the key, {@link Status#RESOLVED}
 *     when its condition stopped holding for the key ({@code null} reads as firing)
 * @param fingerprint stable for the rule and key over a whole episode: the firing record, its
 *     updates and its resolved record share it ({@code null} computes it from rule and key with
 *     {@link Alerts#fingerprint})
 * @param endsAt for a resolved record, the event time at which the episode ended (epoch millis);
 *     {@code null} for firing records
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
        String value,
        Status status,
        String fingerprint,
        Long endsAt) {

    /**
     * The version of the alert JSON contract written in {@code schema}: 2 added {@code status},
     * {@code fingerprint} and {@code ends_at}. Version 1 records are still read (as firing).
     */
    public static final int SCHEMA_VERSION = 2;

    /** Where an alert stands in its episode. */
    public enum Status {
        FIRING("firing"),
        RESOLVED("resolved");

        private final String code;

        Status(String code) {
            this.code = code;
        }

        /** The JSON value: {@code "firing"} or {@code "resolved"}. */
        public String code() {
            return code;
        }

        /**
         * The status written as {@code code}.
         *
         * @throws IllegalArgumentException for anything else
         */
        public static Status ofCode(String code) {
            for (Status s : values()) {
                if (s.code.equals(code)) {
                    return s;
                }
            }
            throw new IllegalArgumentException(
                    "status \"" + code + "\" is neither firing nor resolved");
        }
    }

    public static final int MAX_EVIDENCE = 5;

    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
        key = key == null ? Map.of() : key;
        evidence = evidence == null ? List.of() : evidence;
        status = status == null ? Status.FIRING : status;
        fingerprint = fingerprint == null ? Alerts.fingerprint(rule, key) : fingerprint;
        if (status == Status.RESOLVED && endsAt == null) {
            throw new IllegalArgumentException("a resolved alert needs ends_at");
        }
        if (status == Status.FIRING && endsAt != null) {
            throw new IllegalArgumentException("a firing alert has no ends_at");
        }
    }

    /** The same alert with the fields that explain it per rule type, as a firing record. */
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
            Integer distinctCount,
            Ratio ratio,
            Map<String, Double> aggregate,
            Long silentSince,
            String value) {
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
                ratio,
                aggregate,
                silentSince,
                value,
                Status.FIRING,
                null,
                null);
    }

    /** Whether this record resolves its episode. */
    public boolean resolved() {
        return status == Status.RESOLVED;
    }

    /**
     * The resolved record of this firing alert's episode: same fingerprint, rule, key and what
     * explained it, a new id derived from this one (so ids stay unique per record and a replay
     * gives the same), {@code ends_at} set.
     *
     * @param endsAt the event time at which the episode ended
     * @param at wall-clock time of emission
     */
    public Alert resolvedAt(long endsAt, long at) {
        return new Alert(
                Alerts.derivedId(id, "resolved"),
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
                value,
                Status.RESOLVED,
                fingerprint,
                endsAt);
    }

    /**
     * An update of this firing alert: the episode's count and last event so far, the same
     * fingerprint, a new id derived from this one and {@code seq} (the update's number in its
     * episode, from 1).
     */
    public Alert updated(int newCount, long newLastSeen, int seq, long at) {
        return new Alert(
                Alerts.derivedId(id, "update " + seq),
                rule,
                severity,
                key,
                newCount,
                firstSeen,
                Math.max(lastSeen, newLastSeen),
                at,
                summary,
                description,
                evidence,
                schema,
                distinctCount,
                ratio,
                aggregate,
                silentSince,
                value,
                Status.FIRING,
                fingerprint,
                null);
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
                value,
                status,
                fingerprint,
                endsAt);
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
