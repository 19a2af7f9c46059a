package io.nginxalerts.job.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.Pipeline;
import io.nginxalerts.job.rules.ThresholdOperator;
import java.util.List;
import java.util.Objects;

/**
 * What a rule change needs to know about one rule of a running or a new rule set: its id, its
 * fingerprint (what decides its alerts), where it runs (its {@code group_by}'s operator, or its own
 * CEP operators), whether it fires on absence, and the words of its alerts. A running job publishes
 * the summaries of its rules in its job parameters ({@link JobDescription}), so the plan can be
 * made from the job itself even when its rule files have been edited since it started.
 *
 * @param grouped true if the rule runs in its {@code group_by}'s rule operator, false if on CEP
 * @param suppress the suppress period as an ISO-8601 duration
 * @param resolveAfter the rule's {@code resolve_after} as an ISO-8601 duration; null in the
 *     summaries of a job started before summaries carried it
 * @param updateEvery the rule's {@code update_every} as an ISO-8601 duration ({@code PT0S} for
 *     none); null as {@code resolveAfter}
 */
public record RuleSummary(
        String id,
        String fingerprint,
        boolean grouped,
        List<String> groupBy,
        boolean firesOnAbsence,
        String description,
        String severity,
        String suppress,
        String resolveAfter,
        String updateEvery) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public RuleSummary {
        Objects.requireNonNull(id, "id");
        fingerprint = fingerprint == null ? "" : fingerprint;
        groupBy = List.copyOf(groupBy);
        description = description == null ? "" : description;
    }

    /** The summary of a loaded rule, where the job would run it with {@code thresholds}. */
    public static RuleSummary of(Rule rule, ThresholdOperator thresholds) {
        return new RuleSummary(
                rule.id(),
                rule.fingerprint(),
                Pipeline.runsGrouped(rule, thresholds),
                rule.groupBy(),
                rule.firesOnAbsence(),
                rule.description(),
                rule.severity().code(),
                rule.suppress().toString(),
                rule.resolveAfter().toString(),
                rule.updateEvery().toString());
    }

    public static List<RuleSummary> of(List<Rule> rules, ThresholdOperator thresholds) {
        return rules.stream().map(r -> of(r, thresholds)).toList();
    }

    /** True if both decide the same alerts at the same place (their state fits either). */
    public boolean sameMatching(RuleSummary other) {
        return fingerprint.equals(other.fingerprint)
                && grouped == other.grouped
                && groupBy.equals(other.groupBy);
    }

    public static String toJson(List<RuleSummary> rules) {
        try {
            return JSON.writeValueAsString(rules);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<RuleSummary> fromJson(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<RuleSummary>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "not a list of rule summaries: " + e.getMessage(), e);
        }
    }
}
