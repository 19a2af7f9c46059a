package io.nginxalerts.job.rules;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import java.io.Serializable;
import java.util.ArrayList;
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

    /** The longest web UI name before the list of rules is cut short. */
    private static final int MAX_NAME = 200;

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
     * True if rule {@code i} takes part in the event: it passes the rule's {@code match} and, for a
     * distinct rule, has the counted field.
     */
    public boolean takesPart(int i, AccessEvent event) {
        Rule rule = rules.get(i);
        return rule.steps().get(0).condition().test(event)
                && (!rule.isDistinct() || rule.distinctValue(event) != null);
    }

    /** The bits of the rules that take part in the event, or {@code null} if none does. */
    public long[] match(AccessEvent event) {
        long[] bits = null;
        for (int i = 0; i < rules.size(); i++) {
            if (takesPart(i, event)) {
                if (bits == null) {
                    bits = new long[(rules.size() + 63) >>> 6];
                }
                bits[i >>> 6] |= 1L << (i & 63);
            }
        }
        return bits;
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
