package io.nginxalerts.job.rules;

import io.nginxalerts.job.Counters;
import java.util.Map;

/**
 * What a rule wrote in a finished bounded run, read from the job's accumulators (the counters the
 * group operator and {@link AlertLifecycle} register as {@code rule.<id>.<name>}): its firing,
 * update and resolved records, less those {@link EndOfInputGate} held back as undecided at the end
 * of the input. The one place backtest's summary and the demo's "records pushed" take these figures
 * from, so the two cannot count differently.
 */
public final class RuleRecordCounts {
    private RuleRecordCounts() {}

    /** The accumulator {@code rule.<id>.<name>} ({@code matches}, {@code suppressed}, ...). */
    public static long counter(Map<String, Object> counters, String rule, String name) {
        return number(counters.get(Counters.ruleAccumulator(rule, name)));
    }

    /** Firing records written, less those (of absence rules) the end of input left undecided. */
    public static long firing(Map<String, Object> counters, String rule) {
        return counter(counters, rule, "alerts")
                - number(counters.get(EndOfInputGate.ruleUndecided(rule, false)));
    }

    /** Resolved records written, less those the end of input left undecided. */
    public static long resolved(Map<String, Object> counters, String rule) {
        return counter(counters, rule, "resolved")
                - number(counters.get(EndOfInputGate.ruleUndecided(rule, true)));
    }

    /** Every record the rule wrote: firing, update and resolved. */
    public static long written(Map<String, Object> counters, String rule) {
        return firing(counters, rule)
                + counter(counters, rule, "updates")
                + resolved(counters, rule);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0L;
    }
}
