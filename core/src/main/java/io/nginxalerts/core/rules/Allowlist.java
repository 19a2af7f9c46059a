package io.nginxalerts.core.rules;

import io.nginxalerts.core.rules.Conditions.TextOp;
import io.nginxalerts.core.rules.YamlNode.Entry;
import io.nginxalerts.core.rules.YamlNode.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The one allowlist of a rule set, {@code allowlist.yaml} at the rules root: clients whose events
 * take part in no rule, unless the rule says {@code allowlist: false}.
 *
 * <p>The format: a mapping with two optional keys. {@code networks} is a list whose items are IPv4
 * or IPv6 addresses or networks ({@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code 2001:db8::/32}) or
 * {@code {file: lists/x.txt}}, a list file of them ({@link ListFiles}, path relative to the rules
 * root); an event is allowlisted if its {@code clientip} is inside one. Only {@code clientip} is
 * read, never {@code xff}: a client writes its own {@code X-Forwarded-For}, so trusting it would
 * let anyone exempt themselves. {@code agents} is a list of texts or {@code {file: ...}}; an event
 * is allowlisted if its {@code agent} contains one of them, ignoring case. An empty file, or empty
 * lists, allowlist nothing.
 *
 * <p>Guarantees: an empty allowlist changes no rule (not its condition objects, not its
 * fingerprint); a non-empty one ANDs "not allowlisted" after the rule's own conditions (every step
 * of a sequence, an {@code absent} step too: an allowlisted client's events do not exist for the
 * rule), and its content goes into the fingerprint of every rule it applies to. Problems are
 * reported as {@code allowlist.yaml:line: message}, like a rule's.
 */
final class Allowlist {
    static final String FILE_NAME = "allowlist.yaml";
    static final List<String> KEYS = List.of("networks", "agents");

    /** Allowlists nothing: the rules are as written. */
    static final Allowlist EMPTY = new Allowlist(List.of(), List.of(), List.of());

    private final List<String> networkTexts;
    private final List<String> agents;

    /** "The client is not allowlisted"; {@code null} when the allowlist is empty. */
    private final Condition notAllowlisted;

    private Allowlist(List<IpNet> networks, List<String> networkTexts, List<String> agents) {
        this.networkTexts = List.copyOf(new TreeSet<>(networkTexts));
        this.agents = List.copyOf(new TreeSet<>(agents));
        List<Condition> allowed = new ArrayList<>();
        if (!networks.isEmpty()) {
            allowed.add(
                    new Conditions.InNetworks(
                            RuleFieldNames.resolve("clientip"), List.copyOf(networks)));
        }
        if (!agents.isEmpty()) {
            // One automaton for every entry, as for a list file: the cost does not grow with them.
            allowed.add(
                    new Conditions.ListMatch(
                            RuleFieldNames.resolve("agent_lower"),
                            TextOp.CONTAINS,
                            FILE_NAME + " agents",
                            this.agents));
        }
        this.notAllowlisted =
                allowed.isEmpty() ? null : new Conditions.Not(Conditions.anyOf(allowed));
    }

    boolean isEmpty() {
        return notAllowlisted == null;
    }

    /** The condition "the client is not allowlisted"; {@code null} if the allowlist is empty. */
    Condition notAllowlisted() {
        return notAllowlisted;
    }

    /**
     * {@code condition} and "not allowlisted"; {@code condition} itself when the allowlist is empty
     * (or null when it is: a condition with problems). The rule's own test goes first: it rejects
     * most events, so the allowlist is consulted only for the few that would count.
     */
    Condition and(Condition condition) {
        if (notAllowlisted == null || condition == null) {
            return condition;
        }
        if (condition == RuleParser.EVERY_EVENT) {
            return notAllowlisted;
        }
        return Conditions.allOf(List.of(condition, notAllowlisted));
    }

    /** What the allowlist holds, as text for rule fingerprints (order and layout do not count). */
    String canonical() {
        return "networks=" + networkTexts + "\nagents=" + agents;
    }

    /**
     * Parses the text of {@code allowlist.yaml}; every problem goes to {@code problems}. Never
     * throws.
     *
     * @return the allowlist, or {@code null} if it has problems
     */
    static Allowlist parse(String yamlText, Problems problems, ListFiles lists) {
        int before = problems.count();
        String text = yamlText.startsWith("\uFEFF") ? yamlText.substring(1) : yamlText;
        YamlNode root = YamlNode.read(text, problems, null);
        if (root == null) {
            return problems.count() > before ? null : EMPTY;
        }
        if (root.kind == Kind.NULL) {
            return EMPTY;
        }
        if (root.kind != Kind.MAP) {
            problems.add(
                    root.line,
                    "the allowlist must be a mapping with the keys networks and agents; found "
                            + root.describe());
            return null;
        }
        for (Entry entry : root.entries.values()) {
            if (!KEYS.contains(entry.key())) {
                problems.add(entry.line(), RuleParser.unknownKey(entry.key(), "", KEYS));
            }
        }
        List<IpNet> networks = new ArrayList<>();
        List<String> networkTexts = new ArrayList<>();
        for (Item item : items(root.entries.get("networks"), problems, lists)) {
            try {
                networks.add(IpNet.parse(item.text()));
                networkTexts.add(item.text());
            } catch (IllegalArgumentException e) {
                problems.add(
                        item.line(),
                        "bad network '" + item.text() + "'" + item.where() + ": " + e.getMessage());
            }
        }
        List<String> agents = new ArrayList<>();
        for (Item item : items(root.entries.get("agents"), problems, lists)) {
            if (item.text().isBlank()) {
                problems.add(item.line(), "an agent must not be empty: it would match every agent");
            } else {
                agents.add(item.text().toLowerCase(Locale.ROOT));
            }
        }
        if (problems.count() > before) {
            return null;
        }
        return networks.isEmpty() && agents.isEmpty()
                ? EMPTY
                : new Allowlist(networks, networkTexts, agents);
    }

    /** One entry as written, the line to report it at, and the list file it came from, if any. */
    private record Item(String text, int line, String file) {
        String where() {
            return file == null ? "" : " in list file '" + file + "'";
        }
    }

    /** The entries of {@code networks:} or {@code agents:}, list files read; reports problems. */
    private static List<Item> items(Entry entry, Problems problems, ListFiles lists) {
        List<Item> items = new ArrayList<>();
        if (entry == null || entry.value().kind == Kind.NULL) {
            return items;
        }
        String what = "'" + entry.key() + "'";
        YamlNode value = entry.value();
        if (value.kind != Kind.LIST) {
            problems.add(
                    entry.line(),
                    what
                            + " must be a list of values and {file: path} items, found "
                            + value.describe());
            return items;
        }
        for (YamlNode item : value.items) {
            if (item.kind == Kind.SCALAR) {
                items.add(new Item(item.text, item.line, null));
            } else if (item.kind == Kind.MAP
                    && item.entries.size() == 1
                    && item.entries.containsKey("file")
                    && item.entries.get("file").value().kind == Kind.SCALAR
                    && !item.entries.get("file").value().text.isBlank()) {
                Entry file = item.entries.get("file");
                List<String> entries = lists.read(file.value().text, problems, file.line());
                if (entries != null) {
                    for (String text : entries) {
                        items.add(new Item(text, file.line(), file.value().text));
                    }
                }
            } else {
                problems.add(
                        item.line,
                        "each item of "
                                + what
                                + " must be a value or {file: path} (a list file relative to the"
                                + " rules directory), found "
                                + item.describe());
            }
        }
        return items;
    }
}
