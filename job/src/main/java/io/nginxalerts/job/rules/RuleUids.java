package io.nginxalerts.job.rules;

/**
 * The uids of a rule's own operators (sequence rules, and threshold rules on {@link
 * ThresholdOperator#CEP}): {@code rule-<id>-filter}, {@code rule-<id>-<fp8>-cep}, {@code
 * rule-<id>-<fp8>-lifecycle}, {@code rule-<id>-late}, where {@code fp8} is the first 8 characters
 * of the rule's fingerprint.
 *
 * <p>The stateful ones carry the fingerprint so that a savepoint maps a rule's partial matches and
 * open episodes only to the same pattern: a changed pattern gets new uids and starts empty (CEP
 * cannot restore an NFA written for another pattern: "State X does not exist in the NFA"), while a
 * rule whose description, severity, suppress, resolve_after or update_every changed keeps its
 * fingerprint, and so its state. The filter and late-event operators hold no state; their uids stay
 * as they were.
 */
public final class RuleUids {
    private RuleUids() {}

    public static String filter(String id) {
        return "rule-" + id + "-filter";
    }

    public static String cep(String id, String fingerprint) {
        return "rule-" + id + fp8(fingerprint) + "-cep";
    }

    /** The rule's episodes ({@link AlertLifecycle}). */
    public static String lifecycle(String id, String fingerprint) {
        return "rule-" + id + fp8(fingerprint) + "-lifecycle";
    }

    public static String late(String id) {
        return "rule-" + id + "-late";
    }

    /** {@code -<first 8 characters>}, or nothing for a rule built without a fingerprint. */
    private static String fp8(String fingerprint) {
        if (fingerprint == null || fingerprint.isEmpty()) {
            return "";
        }
        return "-" + fingerprint.substring(0, Math.min(8, fingerprint.length()));
    }
}
