package io.nginxalerts.bench;

import io.nginxalerts.core.rules.Rule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rule sets of a given size for the rule-count table: the shipped rules, then copies of them under
 * new ids ({@code <id>-copy-1}, {@code <id>-copy-2}, ...) until the set has the size asked for.
 *
 * <p>A copy keeps everything of its original but the id: description, severity, group_by, steps (so
 * the same literals), within, suppress, source, kind and fingerprint. N rules then cost what N
 * rules of today's content cost, which is what an engine that shares work between rules whose
 * literals are the same has to show. Built in memory; no rule file is written.
 */
final class RuleSets {
    private RuleSets() {}

    /**
     * The first {@code count} rules of the shipped rules followed by their copies, in order: all of
     * {@code shipped}, then copy 1 of each, copy 2 of each, and so on (the last round may be
     * partial). Ids are unique.
     *
     * @throws IllegalArgumentException when {@code shipped} is empty, {@code count} is smaller than
     *     it, or a copy's id is already taken by a shipped rule
     */
    static List<Rule> copies(List<Rule> shipped, int count) {
        if (shipped.isEmpty()) {
            throw new IllegalArgumentException("no rules to copy");
        }
        if (count < shipped.size()) {
            throw new IllegalArgumentException(
                    count + " rules asked for, fewer than the " + shipped.size() + " shipped");
        }
        List<Rule> out = new ArrayList<>(shipped);
        Set<String> ids = new HashSet<>();
        for (Rule r : shipped) {
            ids.add(r.id());
        }
        for (int copy = 1; out.size() < count; copy++) {
            for (int i = 0; i < shipped.size() && out.size() < count; i++) {
                Rule r = shipped.get(i);
                Rule c = withId(r, r.id() + "-copy-" + copy);
                if (!ids.add(c.id())) {
                    throw new IllegalArgumentException("rule id " + c.id() + " is taken");
                }
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /** {@code rule} under another id, everything else kept. */
    static Rule withId(Rule rule, String id) {
        return new Rule(
                id,
                rule.description(),
                rule.severity(),
                rule.groupBy(),
                rule.steps(),
                rule.within(),
                rule.suppress(),
                rule.source(),
                rule.kind(),
                rule.fingerprint());
    }
}
