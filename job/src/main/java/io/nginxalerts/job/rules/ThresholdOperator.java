package io.nginxalerts.job.rules;

/**
 * Which operator matches threshold rules. Both give the same alerts ({@code
 * ThresholdMatcherDifferentialITCase}); sequence rules always run on Flink CEP, and distinct rules
 * always on {@link ThresholdMatcher} (they have no CEP form).
 */
public enum ThresholdOperator {
    /** {@link ThresholdMatcher}: a sliding count per key, O(1) per event. The default. */
    SLIDING_COUNT("sliding-count"),
    /**
     * The rule's CEP pattern ({@link RulePatterns}): O(threshold) per event, since CEP advances one
     * partial match per event in the window. Kept as the reference the sliding count is checked and
     * measured against.
     */
    CEP("cep");

    private final String value;

    ThresholdOperator(String value) {
        this.value = value;
    }

    /** The option value, {@code sliding-count} or {@code cep}. */
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
        throw new IllegalArgumentException(
                "must be one of " + SLIDING_COUNT + ", " + CEP + ", was " + text);
    }
}
