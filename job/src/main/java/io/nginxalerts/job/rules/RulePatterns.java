package io.nginxalerts.job.rules;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Condition;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.Step;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * Compiles a {@link Rule} into a Flink CEP {@link Pattern} over the rule's pre-filtered, keyed
 * events.
 *
 * <p>Each step becomes a pattern named {@code step-<i>}; a step with {@code at_least: n > 1} is
 * {@code times(n).consecutive()}; steps are joined with {@code followedBy} (relaxed contiguity).
 * The whole pattern has {@code within(rule.within)} and skips past the last event of a match, so
 * one burst gives one match.
 *
 * <p>Why {@code consecutive()}: the stream is already filtered to the rule's events, so "n
 * consecutive matching events within the window" is the same as "n matching events within the
 * window" for a threshold rule, while relaxed contiguity inside a loop would make CEP track every
 * subset of the events (combinatorial state). For a sequence step it means n matching events with
 * no other step's event between them.
 *
 * <p>An absent last step ({@link Step#absent()}) becomes {@code notFollowedBy} (relaxed, as the
 * steps before it): after the last present step's events, no event of the absent step may come
 * before {@code within} has passed since the first step's first event. Flink CEP (since 1.16)
 * accepts {@code notFollowedBy} as the last part of a pattern only with {@code within}, and only in
 * event time: such a partial match is held in a pending state and becomes a match when the operator
 * advances time to {@code start + within} before taking the events of that time (so an absent event
 * exactly {@code within} after the start does not prevent it); an event of the absent step before
 * that discards it. The match holds only the present steps' events; its alert is due at {@code
 * firstSeen + within}, which {@code EndOfInputGate} checks against the input's own time.
 */
public final class RulePatterns {
    private RulePatterns() {}

    public static Pattern<AccessEvent, AccessEvent> compile(Rule rule) {
        Pattern<AccessEvent, AccessEvent> pattern = null;
        for (int i = 0; i < rule.steps().size(); i++) {
            Step step = rule.steps().get(i);
            String name = stepName(i);
            // A single-step rule's filter has already applied its condition.
            SimpleCondition<AccessEvent> condition =
                    rule.isSequence() ? new StepCondition(step.condition()) : new AnyEvent();
            if (step.absent()) {
                // Rule guarantees an absent step is a sequence's last, never its first, and has
                // no at_least: nothing can follow it, and nothing repeats.
                pattern = pattern.notFollowedBy(name).where(condition);
                continue;
            }
            if (pattern == null) {
                pattern =
                        Pattern.<AccessEvent>begin(name, AfterMatchSkipStrategy.skipPastLastEvent())
                                .where(condition);
            } else {
                pattern = pattern.followedBy(name).where(condition);
            }
            if (step.atLeast() > 1) {
                pattern = pattern.times(step.atLeast()).consecutive();
            }
        }
        return pattern.within(rule.within());
    }

    public static String stepName(int index) {
        return "step-" + index;
    }

    /** A step's condition as a CEP condition. */
    static final class StepCondition extends SimpleCondition<AccessEvent> {
        private static final long serialVersionUID = 1L;
        private final Condition condition;

        StepCondition(Condition condition) {
            this.condition = condition;
        }

        @Override
        public boolean filter(AccessEvent event) {
            return condition.test(event);
        }
    }

    /** Accepts every event: used where the pre-filter already guarantees the condition. */
    static final class AnyEvent extends SimpleCondition<AccessEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(AccessEvent event) {
            return true;
        }
    }
}
