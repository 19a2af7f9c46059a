package io.nginxalerts.job.apply;

import io.nginxalerts.job.Pipeline;
import io.nginxalerts.job.rules.EndOfInputGate;
import io.nginxalerts.job.rules.RuleGroup;
import io.nginxalerts.job.rules.RuleUids;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What changing a running job's rules from {@code before} to {@code after} does, worked out before
 * anything is touched: each rule added, removed, changed (another fingerprint: it starts empty) or
 * unchanged (same fingerprint: it keeps its partial matches, windows and open episodes, even when
 * its description, severity, suppress, resolve_after or update_every changed, each a note), the
 * stateful operator uids that appear and disappear, and whether the restore needs {@code
 * allowNonRestoredState} (a uid that may hold state disappears).
 *
 * <p>Guarantees: a plan is only made when every uid of the job's fixed part that the running job
 * has (source, idle flush, route, rule router, sinks) is also in the new job; otherwise {@link #of}
 * refuses with {@link IllegalArgumentException}, since their state (Kafka offsets above all) must
 * never be dropped.
 */
public record RulePlan(
        List<Change> changes,
        Set<String> uidsAdded,
        Set<String> uidsRemoved,
        boolean allowNonRestoredState) {

    /** What happens to one rule. */
    public enum Kind {
        ADDED,
        REMOVED,
        CHANGED,
        UNCHANGED
    }

    /**
     * One rule's fate.
     *
     * @param notes what changed without touching the rule's state ({@code description changed})
     * @param state what state the rule keeps, in words
     */
    public record Change(String id, Kind kind, List<String> notes, String state) {
        public Change {
            notes = List.copyOf(notes);
        }
    }

    /** The uids every job has, whatever its rules: Kafka source, idle flush, route, sinks. */
    static final List<String> ALWAYS =
            List.of(
                    "kafka-source",
                    Pipeline.IDLE_FLUSH_UID,
                    Pipeline.ROUTE_UID,
                    Pipeline.ALERT_SINK_UID,
                    Pipeline.DEAD_LETTER_SINK_UID);

    /** The uids of the job's fixed part that exist while any rule runs grouped. */
    static final List<String> WITH_GROUPED_RULES =
            List.of(Pipeline.RULE_ROUTER_UID, Pipeline.INPUT_START_UID);

    public RulePlan {
        changes = List.copyOf(changes);
        uidsAdded = Set.copyOf(uidsAdded);
        uidsRemoved = Set.copyOf(uidsRemoved);
    }

    public static RulePlan of(List<RuleSummary> before, List<RuleSummary> after) {
        Map<String, RuleSummary> old = byId(before);
        Map<String, RuleSummary> neu = byId(after);
        Set<String> oldUids = statefulUids(before);
        Set<String> newUids = statefulUids(after);
        Set<String> removed = new LinkedHashSet<>(oldUids);
        removed.removeAll(newUids);
        Set<String> added = new LinkedHashSet<>(newUids);
        added.removeAll(oldUids);
        for (String uid : removed) {
            if (ALWAYS.contains(uid) || WITH_GROUPED_RULES.contains(uid)) {
                throw new IllegalArgumentException(
                        "the new rules would drop the state of operator "
                                + uid
                                + (WITH_GROUPED_RULES.contains(uid)
                                        ? " (no rule runs grouped any more; keep at least one"
                                                + " non-sequence rule)"
                                        : "")
                                + "; refusing");
            }
        }

        List<Change> changes = new ArrayList<>();
        for (RuleSummary rule : after) {
            RuleSummary was = old.get(rule.id());
            if (was == null) {
                changes.add(new Change(rule.id(), Kind.ADDED, List.of(), "starts empty"));
            } else if (!was.sameMatching(rule)) {
                changes.add(
                        new Change(
                                rule.id(),
                                Kind.CHANGED,
                                notes(was, rule),
                                "starts empty (fingerprint "
                                        + was.fingerprint()
                                        + " -> "
                                        + rule.fingerprint()
                                        + "); the old pattern's state is dropped"));
            } else {
                changes.add(
                        new Change(
                                rule.id(),
                                Kind.UNCHANGED,
                                notes(was, rule),
                                rule.grouped()
                                        ? "keeps its windows and open episodes in "
                                                + RuleGroup.uid(rule.groupBy())
                                        : "keeps its partial matches and open episodes ("
                                                + RuleUids.cep(rule.id(), rule.fingerprint())
                                                + ")"));
            }
        }
        for (RuleSummary rule : before) {
            if (!neu.containsKey(rule.id())) {
                changes.add(
                        new Change(
                                rule.id(), Kind.REMOVED, List.of(), droppedState(rule, removed)));
            }
        }
        return new RulePlan(changes, added, removed, !removed.isEmpty());
    }

    /** True if applying the plan changes nothing at all: same rules, same words. */
    public boolean isEmpty() {
        return changes.stream().allMatch(c -> c.kind() == Kind.UNCHANGED && c.notes().isEmpty());
    }

    public List<Change> changes(Kind kind) {
        return changes.stream().filter(c -> c.kind() == kind).toList();
    }

    /** The plan in words, one line per rule, then the uids and the restore flag. */
    public String render() {
        StringBuilder text = new StringBuilder();
        for (Kind kind : Kind.values()) {
            List<Change> of = changes(kind);
            text.append(String.format("%s (%d)%n", kind.name().toLowerCase(), of.size()));
            for (Change change : of) {
                text.append(String.format("  %-32s %s", change.id(), change.state()));
                if (!change.notes().isEmpty()) {
                    text.append(" [").append(String.join(", ", change.notes())).append(']');
                }
                text.append(System.lineSeparator());
            }
        }
        text.append(
                String.format(
                        "operators added:   %s%n",
                        uidsAdded.isEmpty() ? "none" : sorted(uidsAdded)));
        text.append(
                String.format(
                        "operators removed: %s%n",
                        uidsRemoved.isEmpty() ? "none" : sorted(uidsRemoved)));
        text.append(
                String.format(
                        "allowNonRestoredState: %s%n",
                        allowNonRestoredState
                                ? "yes (the removed operators' state is dropped)"
                                : "no (every operator's state is restored)"));
        return text.toString();
    }

    /**
     * The uids of the operators that may hold state in a job with these rules (stateless ones, a
     * rule's filter and late-event map, never need {@code allowNonRestoredState}).
     */
    public static Set<String> statefulUids(List<RuleSummary> rules) {
        Set<String> uids = new LinkedHashSet<>(ALWAYS);
        if (rules.stream().anyMatch(RuleSummary::grouped)) {
            uids.addAll(WITH_GROUPED_RULES);
        }
        for (RuleSummary rule : rules) {
            if (rule.grouped()) {
                uids.add(RuleGroup.uid(rule.groupBy()));
            } else {
                uids.add(RuleUids.cep(rule.id(), rule.fingerprint()));
                uids.add(RuleUids.lifecycle(rule.id(), rule.fingerprint()));
            }
        }
        if (rules.stream().anyMatch(RuleSummary::firesOnAbsence)) {
            uids.add(EndOfInputGate.LARGEST_EVENT_TIME_UID);
            uids.add(EndOfInputGate.UID);
        }
        return uids;
    }

    private static String droppedState(RuleSummary rule, Set<String> removed) {
        if (!rule.grouped()) {
            return "its partial matches and open episodes are dropped ("
                    + RuleUids.cep(rule.id(), rule.fingerprint())
                    + ", "
                    + RuleUids.lifecycle(rule.id(), rule.fingerprint())
                    + ")";
        }
        String group = RuleGroup.uid(rule.groupBy());
        return removed.contains(group)
                ? "its state is dropped with operator " + group
                : "its state in " + group + " is dropped when each key is next touched";
    }

    private static List<String> notes(RuleSummary was, RuleSummary now) {
        List<String> notes = new ArrayList<>();
        if (!was.description().equals(now.description())) {
            notes.add("description changed");
        }
        noteChange(notes, "severity", was.severity(), now.severity());
        noteChange(notes, "suppress", was.suppress(), now.suppress());
        // Not in the fingerprint (an open episode carries on under the new values), so without a
        // note a change of only these would be a plan with nothing to apply, and be ignored.
        noteChange(notes, "resolve_after", was.resolveAfter(), now.resolveAfter());
        noteChange(notes, "update_every", was.updateEvery(), now.updateEvery());
        return notes;
    }

    /**
     * Notes {@code name was -> now} if they differ. A null {@code was} is a job started before
     * summaries carried the setting: it may run another value, so it is said to be not known.
     */
    private static void noteChange(List<String> notes, String name, String was, String now) {
        if (!Objects.equals(was, now)) {
            notes.add(name + " " + (was == null ? "(not known)" : was) + " -> " + now);
        }
    }

    private static Map<String, RuleSummary> byId(List<RuleSummary> rules) {
        Map<String, RuleSummary> byId = new LinkedHashMap<>();
        for (RuleSummary rule : rules) {
            if (byId.put(rule.id(), rule) != null) {
                throw new IllegalArgumentException("rule id " + rule.id() + " twice");
            }
        }
        return byId;
    }

    private static List<String> sorted(Set<String> uids) {
        return uids.stream().sorted().toList();
    }
}
