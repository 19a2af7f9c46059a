package io.nginxalerts.core.detect;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;

/** The {@link Detector} of each non-sequence rule kind. */
public final class Detectors {
    private Detectors() {}

    /**
     * The detector that evaluates {@code rule}.
     *
     * @throws IllegalArgumentException for a sequence rule (those run on Flink CEP)
     */
    public static Detector<?> forRule(Rule rule) {
        RuleKind kind = rule.kind();
        if (kind instanceof RuleKind.Count || kind instanceof RuleKind.Distinct) {
            return new WindowCountDetector(rule);
        } else if (kind instanceof RuleKind.Ratio) {
            return new RatioDetector(rule);
        } else if (kind instanceof RuleKind.Value) {
            return new ValueDetector(rule);
        } else if (kind instanceof RuleKind.Silence) {
            return new SilenceDetector(rule);
        } else if (kind instanceof RuleKind.FirstSeen) {
            return new FirstSeenDetector(rule);
        }
        throw new IllegalArgumentException(
                "rule " + rule.id() + " is a sequence: it runs on CEP, not on a detector");
    }
}
