package io.nginxalerts.job.rules;

/**
 * Which operator matches threshold rules. Both give the same alerts ({@code
 * GroupedThresholdsEqualCepITCase}); sequence rules always run on Flink CEP, and every other
 * non-sequence kind always on the grouped operator ({@link RuleGroupOperator}).
 */
public enum ThresholdOperator {
    /**
     * {@link RuleGroupOperator}: one keyed operator per {@code group_by} for all its rules, a
     * sliding count per rule and key, O(1) per event. The default. Also accepted as {@code
     * sliding-count}, its former name.
     */
    GROUPED("grouped"),
    /**
     * The rule's CEP pattern ({@link RulePatterns}): O(threshold) per event, since CEP advances one
     * partial match per event in the window. Kept as the reference the grouped operator is checked
     * and measured against.
     */
    CEP("cep");

    /** The former name of {@link #GROUPED}, still accepted. */
    private static final String SLIDING_COUNT_ALIAS = "sliding-count";

    private final String value;

    ThresholdOperator(String value) {
        this.value = value;
    }

    /** The option value, {@code grouped} or {@code cep}. */
    @Override
    public String toString() {
        return value;
    }

    /** Parses an option value; the message lists the accepted ones. */
    public static ThresholdOperator parse(String text) {
        for (ThresholdOperator o : values()) {
            if (o.value.equals(text)) {
                return o;
            }
        }
        if (SLIDING_COUNT_ALIAS.equals(text)) {
            return GROUPED;
        }
        throw new IllegalArgumentException(
                "must be one of " + GROUPED + ", " + CEP + ", was " + text);
    }
}
