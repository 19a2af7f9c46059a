package io.nginxalerts.testing.corpus;

import java.util.List;
import java.util.Objects;

/**
 * One labelled case of the external corpus ({@code cases.json}): a log file of another project's
 * test fixtures and which of its client IPs a good alerting system flags.
 *
 * @param id the case's id ({@code crowdsec/http-sqli-probing})
 * @param kind its class ({@code sqli}, {@code brute_force}, ..., {@code benign})
 * @param attack what the attack is, in words
 * @param log the log file, relative to the corpus directory
 * @param expectedIps client IPs that must be flagged
 * @param benignIps client IPs that must not be flagged
 * @param neutralIps client IPs not judged
 */
public record CorpusCase(
        String id,
        String kind,
        String attack,
        String log,
        List<String> expectedIps,
        List<String> benignIps,
        List<String> neutralIps) {

    public CorpusCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(log, "log");
        attack = attack == null ? "" : attack;
        expectedIps = List.copyOf(expectedIps);
        benignIps = List.copyOf(benignIps);
        neutralIps = List.copyOf(neutralIps);
    }

    /** True if the case has IPs that must be flagged (every class but {@code benign}). */
    public boolean isAttack() {
        return !expectedIps.isEmpty();
    }
}
