package io.nginxalerts.testing.corpus;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.testing.reference.RuleSetReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a set of alerts over {@link Corpus#lines} means per case: an IP is flagged when an alert's
 * key has {@code clientip} equal to its renamed address (alerts keyed otherwise flag nobody, they
 * are counted apart); a case is flagged when one of its expected IPs is.
 *
 * <p>The target of the content issue: every attack case flagged ({@link #missedCases} empty), no
 * benign IP flagged ({@link #benignFlagged} empty).
 */
public final class CorpusScore {

    /**
     * One case's outcome.
     *
     * @param flagged expected IPs that were flagged
     * @param missed expected IPs that were not
     * @param benignFlagged benign IPs that were flagged (each a false alert)
     * @param rules ids of the rules that flagged any IP of the case (neutral ones included)
     */
    public record CaseResult(
            CorpusCase corpusCase,
            Set<String> flagged,
            Set<String> missed,
            Set<String> benignFlagged,
            Set<String> rules,
            int events,
            List<String> unparsed) {

        /** True if an expected IP was flagged; false for a case without expected IPs. */
        public boolean isFlagged() {
            return !flagged.isEmpty();
        }
    }

    private final List<CaseResult> results;
    private final Set<CaseIp> flaggedIps;
    private final Map<String, Integer> unkeyed;

    private CorpusScore(
            List<CaseResult> results, Set<CaseIp> flaggedIps, Map<String, Integer> unkeyed) {
        this.results = List.copyOf(results);
        this.flaggedIps = flaggedIps;
        this.unkeyed = unkeyed;
    }

    /** Scores {@code alerts} (of any rules, over the corpus's lines) against the labels. */
    public static CorpusScore of(Corpus corpus, List<Alert> alerts) {
        Map<CaseIp, Set<String>> rulesByIp = new LinkedHashMap<>();
        Map<String, Integer> unkeyed = new TreeMap<>();
        for (Alert alert : alerts) {
            String address = alert.key().get("clientip");
            CaseIp ip = address == null ? null : corpus.original(address).orElse(null);
            if (ip == null) {
                unkeyed.merge(alert.rule(), 1, Integer::sum);
            } else {
                rulesByIp.computeIfAbsent(ip, k -> new TreeSet<>()).add(alert.rule());
            }
        }
        List<CaseResult> results = new ArrayList<>();
        for (CorpusCase c : corpus.cases()) {
            Set<String> flagged = new TreeSet<>();
            Set<String> missed = new TreeSet<>();
            for (String ip : c.expectedIps()) {
                (rulesByIp.containsKey(new CaseIp(c.id(), ip)) ? flagged : missed).add(ip);
            }
            Set<String> benign = new TreeSet<>();
            for (String ip : c.benignIps()) {
                if (rulesByIp.containsKey(new CaseIp(c.id(), ip))) {
                    benign.add(ip);
                }
            }
            Set<String> rules = new TreeSet<>();
            rulesByIp.forEach(
                    (ip, r) -> {
                        if (ip.caseId().equals(c.id())) {
                            rules.addAll(r);
                        }
                    });
            results.add(
                    new CaseResult(
                            c,
                            flagged,
                            missed,
                            benign,
                            rules,
                            corpus.events(c.id()),
                            corpus.unparsed(c.id())));
        }
        return new CorpusScore(results, Set.copyOf(rulesByIp.keySet()), unkeyed);
    }

    /**
     * Scores the rules as the literal references evaluate them over the corpus (no Flink: the whole
     * corpus in well under a second).
     */
    public static CorpusScore reference(Corpus corpus, List<Rule> rules) {
        List<Alert> alerts = new ArrayList<>();
        RuleSetReference.alerts(rules, corpus.events()).values().forEach(alerts::addAll);
        return of(corpus, alerts);
    }

    public List<CaseResult> results() {
        return results;
    }

    /** Every (case, original IP) some alert flagged: what two engines must agree on. */
    public Set<CaseIp> flaggedIps() {
        return flaggedIps;
    }

    /** Alerts per rule whose key has no corpus client IP (keyed by host, upstream, ...). */
    public Map<String, Integer> unkeyedAlerts() {
        return unkeyed;
    }

    /** Attack cases none of whose expected IPs was flagged. */
    public List<CaseResult> missedCases() {
        return results.stream().filter(r -> r.corpusCase().isAttack() && !r.isFlagged()).toList();
    }

    /** Cases with a flagged benign IP. */
    public List<CaseResult> benignFlagged() {
        return results.stream().filter(r -> !r.benignFlagged().isEmpty()).toList();
    }

    public long attackCases() {
        return results.stream().filter(r -> r.corpusCase().isAttack()).count();
    }

    public long flaggedAttackCases() {
        return results.stream().filter(CaseResult::isFlagged).count();
    }

    /** True if every attack case is flagged and no benign IP is. */
    public boolean meetsTarget() {
        return missedCases().isEmpty() && benignFlagged().isEmpty();
    }

    /**
     * The table by class (cases, flagged, missed with their ids), then benign IPs flagged, cases
     * with unparsed lines, alerts keyed by something other than a client IP, and what fired per
     * case.
     */
    public String table() {
        Map<String, List<CaseResult>> byClass = new TreeMap<>();
        for (CaseResult r : results) {
            byClass.computeIfAbsent(r.corpusCase().kind(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(
                        "corpus: %d cases, %d attack cases flagged of %d, %d case(s) with a"
                                + " benign IP flagged%n",
                        results.size(),
                        flaggedAttackCases(),
                        attackCases(),
                        benignFlagged().size()));
        out.append(
                String.format(
                        "%-16s %5s %7s %6s  %s%n",
                        "class", "cases", "flagged", "missed", "missed cases"));
        for (Map.Entry<String, List<CaseResult>> e : byClass.entrySet()) {
            List<CaseResult> rs = e.getValue();
            List<String> missed =
                    rs.stream()
                            .filter(r -> r.corpusCase().isAttack() && !r.isFlagged())
                            .map(r -> r.corpusCase().id())
                            .toList();
            long attacks = rs.stream().filter(r -> r.corpusCase().isAttack()).count();
            out.append(
                    String.format(
                            "%-16s %5d %7s %6s  %s%n",
                            e.getKey(),
                            rs.size(),
                            attacks == 0 ? "-" : Long.toString(attacks - missed.size()),
                            attacks == 0 ? "-" : Integer.toString(missed.size()),
                            String.join(", ", missed)));
        }
        for (CaseResult r : benignFlagged()) {
            out.append(
                    String.format(
                            "BENIGN FLAGGED  %s %s by %s%n",
                            r.corpusCase().id(), r.benignFlagged(), r.rules()));
        }
        for (CaseResult r : results) {
            if (!r.unparsed().isEmpty()) {
                out.append(
                        String.format(
                                "unparsed        %s: %d of %d line(s) (%s)%n",
                                r.corpusCase().id(),
                                r.unparsed().size(),
                                r.unparsed().size() + r.events(),
                                r.unparsed().get(0)));
            }
        }
        unkeyed.forEach(
                (rule, n) ->
                        out.append(String.format("not by client  %s: %d alert(s)%n", rule, n)));
        out.append("per case:\n");
        for (CaseResult r : results) {
            CorpusCase c = r.corpusCase();
            String mark =
                    !r.benignFlagged().isEmpty()
                            ? "FP  "
                            : !c.isAttack()
                                    ? "ok  "
                                    : r.missed().isEmpty()
                                            ? "ok  "
                                            : r.isFlagged() ? "part" : "MISS";
            out.append(
                    String.format(
                            "  %s %-46s %-15s rules=%s%s%n",
                            mark,
                            c.id(),
                            c.kind(),
                            r.rules(),
                            r.missed().isEmpty() || !r.isFlagged() ? "" : " missed " + r.missed()));
        }
        return out.toString();
    }
}
