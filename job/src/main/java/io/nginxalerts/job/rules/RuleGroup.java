package io.nginxalerts.job.rules;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Condition;
import io.nginxalerts.core.rules.Rule;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/**
 * The non-sequence rules that share one {@code group_by} (same fields, same order): they run in one
 * keyed operator ({@link RuleGroupOperator}) behind one {@code keyBy}.
 *
 * <p>{@link #uid()} depends only on the {@code group_by} fields, so a savepoint maps the group's
 * state back whatever rules are added, changed or removed; rules are told apart inside it by {@link
 * #namespace(int)}.
 *
 * @param groupBy the fields every rule of the group is keyed by
 * @param rules the group's rules, in the order given (bit i of a {@link RoutedEvent} is rule i)
 */
public record RuleGroup(List<String> groupBy, List<Rule> rules) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The longest web UI name before the list of rules is cut short: long enough for every rule of
     * the shipped set (about 35 in one group, 700 characters), so the web UI shows which rules an
     * operator runs; only a rule set of hundreds is cut. Flink shortens metric names on its own.
     */
    private static final int MAX_NAME = 2000;

    public RuleGroup {
        groupBy = List.copyOf(groupBy);
        rules = List.copyOf(rules);
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("a rule group has rules");
        }
        for (Rule rule : rules) {
            if (rule.isSequence() || !rule.groupBy().equals(groupBy)) {
                throw new IllegalArgumentException(
                        "rule " + rule.id() + " does not belong to the group of " + groupBy);
            }
        }
    }

    /** The rules' groups, in the order each {@code group_by} first appears. */
    public static List<RuleGroup> of(List<Rule> rules) {
        Map<List<String>, List<Rule>> byGroup = new LinkedHashMap<>();
        for (Rule rule : rules) {
            byGroup.computeIfAbsent(rule.groupBy(), g -> new ArrayList<>()).add(rule);
        }
        List<RuleGroup> groups = new ArrayList<>();
        Map<String, List<String>> uids = new LinkedHashMap<>();
        for (Map.Entry<List<String>, List<Rule>> e : byGroup.entrySet()) {
            RuleGroup group = new RuleGroup(e.getKey(), e.getValue());
            List<String> clash = uids.putIfAbsent(group.uid(), group.groupBy());
            if (clash != null) {
                throw new IllegalArgumentException(
                        "group_by " + clash + " and " + group.groupBy() + " give one uid");
            }
            groups.add(group);
        }
        return groups;
    }

    /**
     * The operator's stable uid: {@code rules-by-} and the {@code group_by} fields joined with
     * {@code +}, characters other than letters, digits, {@code .}, {@code _} and {@code -} as
     * {@code _}.
     */
    public String uid() {
        return uid(groupBy);
    }

    /** The uid of the operator of the rules with this {@code group_by}; see {@link #uid()}. */
    public static String uid(List<String> groupBy) {
        StringBuilder uid = new StringBuilder("rules-by-");
        for (int i = 0; i < groupBy.size(); i++) {
            if (i > 0) {
                uid.append('+');
            }
            for (char c : groupBy.get(i).toCharArray()) {
                boolean plain =
                        (c >= 'a' && c <= 'z')
                                || (c >= 'A' && c <= 'Z')
                                || (c >= '0' && c <= '9')
                                || c == '.'
                                || c == '_'
                                || c == '-';
                uid.append(plain ? c : '_');
            }
        }
        return uid.toString();
    }

    /** The web UI name: {@code Rules by clientip: scanner, brute-force}. */
    public String name() {
        StringBuilder name = new StringBuilder("Rules by ").append(String.join(", ", groupBy));
        name.append(": ");
        for (int i = 0; i < rules.size(); i++) {
            String id = rules.get(i).id();
            if (i > 0 && name.length() + id.length() > MAX_NAME) {
                return name.append("and ").append(rules.size() - i).append(" more").toString();
            }
            name.append(id);
            if (i < rules.size() - 1) {
                name.append(", ");
            }
        }
        return name.toString();
    }

    /**
     * Where rule {@code i} keeps its state per key: its id and fingerprint, so a changed rule
     * (another fingerprint) does not read the state of the rule it replaced.
     */
    public String namespace(int i) {
        Rule rule = rules.get(i);
        return rule.id() + "#" + rule.fingerprint();
    }

    /** Identifies the list of namespaces, in order: what the bits of a {@link RoutedEvent} mean. */
    public int layout() {
        int h = 1;
        for (int i = 0; i < rules.size(); i++) {
            h = 31 * h + namespace(i).hashCode();
        }
        return h;
    }

    /** The side output of the router that carries this group's events. */
    public OutputTag<RoutedEvent> tag() {
        return new OutputTag<>(uid(), TypeInformation.of(RoutedEvent.class));
    }

    /** The side output of the group's operator for events behind its watermark. */
    public OutputTag<RoutedEvent> lateTag() {
        return new OutputTag<>(uid() + "-late", TypeInformation.of(RoutedEvent.class));
    }

    /**
     * The bits of the rules that take part in the event, or {@code null} if none does. Builds a
     * {@link Matcher} each time: for rare callers; the router keeps one.
     */
    public long[] match(AccessEvent event) {
        return matcher().match(event);
    }

    /** A matcher of this group's rules, to keep and reuse (it is not thread-safe to share). */
    public Matcher matcher() {
        return new Matcher(rules);
    }

    /**
     * Tests an event against a group's rules, each distinct {@link Condition} object once however
     * many rules share it (the rule loader gives rules with the same {@code match} the same object,
     * and copies of a rule share it too).
     */
    public static final class Matcher {
        private final List<Rule> rules;
        private final Condition[] conditions;
        private final int[] conditionOf;
        // Per event: 0 not tested yet, 1 passes, 2 fails. Reused, so one matcher per thread.
        private final byte[] outcome;

        Matcher(List<Rule> rules) {
            this.rules = rules;
            Map<Condition, Integer> index = new IdentityHashMap<>();
            conditionOf = new int[rules.size()];
            for (int i = 0; i < rules.size(); i++) {
                Condition condition = rules.get(i).steps().get(0).condition();
                Integer known = index.putIfAbsent(condition, index.size());
                conditionOf[i] = known != null ? known : index.size() - 1;
            }
            conditions = new Condition[index.size()];
            index.forEach((condition, at) -> conditions[at] = condition);
            outcome = new byte[conditions.length];
        }

        /** How many distinct conditions an event is tested against. */
        public int conditions() {
            return conditions.length;
        }

        /** As {@link RuleGroup#match}. */
        public long[] match(AccessEvent event) {
            Arrays.fill(outcome, (byte) 0);
            long[] bits = null;
            for (int i = 0; i < rules.size(); i++) {
                int c = conditionOf[i];
                if (outcome[c] == 0) {
                    outcome[c] = conditions[c].test(event) ? (byte) 1 : (byte) 2;
                }
                if (outcome[c] != 1) {
                    continue;
                }
                Rule rule = rules.get(i);
                if (rule.isDistinct() && rule.distinctValue(event) == null) {
                    continue;
                }
                if (bits == null) {
                    bits = new long[(rules.size() + 63) >>> 6];
                }
                bits[i >>> 6] |= 1L << (i & 63);
            }
            return bits;
        }
    }

    /**
     * The event routed to this group, or {@code null} if no rule of the group takes part in it or
     * it lacks a {@code group_by} field.
     */
    public RoutedEvent route(AccessEvent event) {
        long[] bits = match(event);
        if (bits == null) {
            return null;
        }
        String key = rules.get(0).keyOf(event);
        return key == null ? null : new RoutedEvent(key, event, bits, layout());
    }
}
