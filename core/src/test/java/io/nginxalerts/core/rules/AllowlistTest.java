package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.TestEvent.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rule set's {@code allowlist.yaml}: who it exempts, from which rules, at what cost. */
class AllowlistTest {
    @TempDir Path dir;

    static final String PROBE =
            "id: probe\nseverity: info\nwithin: 1m\nmatch: { status: 4xx }\nthreshold: 3\n";
    static final String SAME_MATCH =
            "id: same-match\nseverity: info\nwithin: 5m\nmatch: { status: 4xx }\nthreshold: 9\n";
    static final String ERRORS =
            "id: errors\nseverity: info\nallowlist: false\nwithin: 1m\n"
                    + "match: { status: 4xx }\nthreshold: 3\n";
    static final String LOGIN_THEN_SUCCESS =
            "id: login-then-quiet\nseverity: info\nwithin: 5m\nsequence:\n"
                    + "  - match: { status: 401 }\n  - absent: { status: 200 }\n";

    private void write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private Map<String, Rule> load() throws RuleException {
        return RuleLoader.loadDirectory(dir).stream()
                .collect(Collectors.toMap(Rule::id, Function.identity()));
    }

    private List<String> problems() {
        RuleException e =
                catchThrowableOfType(RuleException.class, () -> RuleLoader.loadDirectory(dir));
        assertThat(e).as("expected a RuleException").isNotNull();
        return e.problems();
    }

    private static boolean counts(Rule rule, TestEvent event) {
        return rule.steps().get(0).condition().test(event.build());
    }

    @Test
    void anAllowlistedNetworkOrAgentTakesPartInNoRuleThatDoesNotOptOut() throws Exception {
        write(
                "allowlist.yaml",
                "networks:\n  - 10.0.0.0/8\n  - 2001:db8::1\nagents:\n  - UptimeRobot/\n");
        write("http/probe.yaml", PROBE);
        write("reliability/errors.yaml", ERRORS);

        Map<String, Rule> rules = load();
        Rule probe = rules.get("probe");

        assertThat(counts(probe, request().status(404))).isTrue();
        assertThat(counts(probe, request().status(404).clientip("10.1.2.3"))).isFalse();
        assertThat(counts(probe, request().status(404).clientip("2001:db8::1"))).isFalse();
        assertThat(
                        counts(
                                probe,
                                request()
                                        .status(404)
                                        .agent("Mozilla (compatible; uptimerobot/2.0)")))
                .as("agents match as substrings, ignoring case")
                .isFalse();
        // Only clientip counts: a client writes its own X-Forwarded-For.
        assertThat(counts(probe, request().status(404).xff("10.1.2.3"))).isTrue();
        // allowlist: false: the allowlisted client still counts.
        assertThat(counts(rules.get("errors"), request().status(404).clientip("10.1.2.3")))
                .isTrue();
    }

    @Test
    void everyStepOfASequenceIgnoresAllowlistedClientsTheAbsentStepToo() throws Exception {
        write("allowlist.yaml", "networks: [192.0.2.0/24]\n");
        write("login-then-quiet.yaml", LOGIN_THEN_SUCCESS);

        Rule rule = load().get("login-then-quiet");

        assertThat(rule.steps())
                .allSatisfy(
                        step -> {
                            assertThat(
                                            step.condition()
                                                    .test(
                                                            request()
                                                                    .status(
                                                                            step.absent()
                                                                                    ? 200
                                                                                    : 401)
                                                                    .clientip("192.0.2.1")
                                                                    .build()))
                                    .isFalse();
                            assertThat(
                                            step.condition()
                                                    .test(
                                                            request()
                                                                    .status(
                                                                            step.absent()
                                                                                    ? 200
                                                                                    : 401)
                                                                    .build()))
                                    .isTrue();
                        });
    }

    @Test
    void aRuleWithoutMatchCountsEveryEventButAllowlistedOnes() throws Exception {
        write("allowlist.yaml", "agents: [kube-probe]\n");
        write(
                "quiet.yaml",
                "id: quiet\nseverity: info\ngroup_by: [http_host]\nsilent_for: 5m\nwithin: 1m\n");

        Rule rule = load().get("quiet");

        assertThat(counts(rule, request().agent("curl/8"))).isTrue();
        assertThat(counts(rule, request().agent("kube-probe/1.29"))).isFalse();
    }

    @Test
    void rulesWithTheSameMatchStillShareOneConditionObject() throws Exception {
        write("allowlist.yaml", "networks: [192.0.2.0/24]\n");
        write("probe.yaml", PROBE);
        write("same-match.yaml", SAME_MATCH);
        write("errors.yaml", ERRORS);

        Map<String, Rule> rules = load();

        Condition probe = rules.get("probe").steps().get(0).condition();
        assertThat(rules.get("same-match").steps().get(0).condition()).isSameAs(probe);
        // The rule that opts out has the match alone, not the allowlisted one.
        assertThat(rules.get("errors").steps().get(0).condition()).isNotSameAs(probe);
    }

    @Test
    void anEmptyOrMissingAllowlistChangesNoConditionAndNoFingerprint() throws Exception {
        write("probe.yaml", PROBE);
        write("same-match.yaml", SAME_MATCH);
        Map<String, Rule> without = load();

        write("allowlist.yaml", "# nobody yet\nnetworks: []\nagents:\n");
        Map<String, Rule> empty = load();
        write("allowlist.yaml", "# only comments\n");
        Map<String, Rule> comments = load();

        for (Map<String, Rule> rules : List.of(empty, comments)) {
            for (String id : List.of("probe", "same-match")) {
                assertThat(rules.get(id).fingerprint()).isEqualTo(without.get(id).fingerprint());
                // The very condition a rule set without an allowlist has: nothing added.
                assertThat(rules.get(id).steps().get(0).condition())
                        .isInstanceOf(Conditions.StatusIn.class)
                        .hasSameClassAs(without.get(id).steps().get(0).condition());
            }
            assertThat(rules.get("same-match").steps().get(0).condition())
                    .isSameAs(rules.get("probe").steps().get(0).condition());
        }
    }

    @Test
    void theAllowlistsContentIsPartOfTheFingerprintOfTheRulesItAppliesTo() throws Exception {
        write("probe.yaml", PROBE);
        write("errors.yaml", ERRORS);
        Map<String, Rule> without = load();
        write("allowlist.yaml", "networks: [192.0.2.0/24]\n");
        Map<String, Rule> one = load();
        write("allowlist.yaml", "networks: [192.0.2.0/24, 198.51.100.0/24]\n");
        Map<String, Rule> two = load();
        write("allowlist.yaml", "networks:\n  - 198.51.100.0/24\n  - 192.0.2.0/24 # reordered\n");
        Map<String, Rule> reordered = load();

        assertThat(one.get("probe").fingerprint()).isNotEqualTo(without.get("probe").fingerprint());
        assertThat(two.get("probe").fingerprint()).isNotEqualTo(one.get("probe").fingerprint());
        assertThat(reordered.get("probe").fingerprint()).isEqualTo(two.get("probe").fingerprint());
        // A rule the allowlist does not apply to keeps its fingerprint.
        assertThat(two.get("errors").fingerprint()).isEqualTo(without.get("errors").fingerprint());
    }

    @Test
    void listFilesOfNetworksAndAgentsAreReadRelativeToTheRoot() throws Exception {
        write("lists/allow-networks.txt", "# monitors\n198.51.100.7\n");
        write("lists/allow-agents.txt", "Pingdom\n");
        write(
                "allowlist.yaml",
                "networks:\n  - file: lists/allow-networks.txt\n"
                        + "agents:\n  - file: lists/allow-agents.txt\n");
        write("http/probe.yaml", PROBE);

        Rule probe = load().get("probe");

        assertThat(counts(probe, request().status(404).clientip("198.51.100.7"))).isFalse();
        assertThat(counts(probe, request().status(404).agent("pingdom.com_bot"))).isFalse();
        assertThat(counts(probe, request().status(404))).isTrue();
    }

    @Test
    void everyProblemOfTheAllowlistIsReportedAsFileLineMessage() throws Exception {
        write("lists/bad-networks.txt", "10.0.0.0/8\nnot-an-ip\n");
        write(
                "allowlist.yaml",
                "networks:\n"
                        + "  - 10.0.0.0/33\n"
                        + "  - file: lists/bad-networks.txt\n"
                        + "  - file: lists/missing.txt\n"
                        + "  - { cidr: 10.0.0.0/8 }\n"
                        + "agents: UptimeRobot\n"
                        + "clients: [a]\n");
        write("probe.yaml", PROBE);
        String at = dir.resolve("allowlist.yaml") + ":";

        assertThat(problems())
                .containsExactlyInAnyOrder(
                        at + "7: unknown key 'clients'; allowed: networks, agents",
                        at
                                + "4: list file 'lists/missing.txt' does not exist ("
                                + dir.resolve("lists/missing.txt")
                                + ")",
                        at
                                + "5: each item of 'networks' must be a value or {file: path} (a list"
                                + " file relative to the rules directory), found a mapping",
                        at + "2: bad network '10.0.0.0/33': prefix length must be at most 32",
                        at
                                + "3: bad network 'not-an-ip' in list file 'lists/bad-networks.txt':"
                                + " not an IPv4 or IPv6 address",
                        at
                                + "6: 'agents' must be a list of values and {file: path} items, found"
                                + " 'UptimeRobot'");
    }

    @Test
    void aMalformedAllowlistOrAllowlistKeyIsReportedWithItsLine() throws Exception {
        write("allowlist.yaml", "networks: [10.0.0.0/8\n");
        write("probe.yaml", PROBE.replace("within: 1m\n", "within: 1m\nallowlist: no\n"));

        List<String> problems = problems();

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0))
                .startsWith(dir.resolve("allowlist.yaml") + ":")
                .contains("YAML");
        assertThat(problems.get(1))
                .isEqualTo(
                        dir.resolve("probe.yaml")
                                + ":4: allowlist must be true or false (false: the rule set's"
                                + " allowlist.yaml does not exempt anyone from this rule), found"
                                + " 'no'");
    }
}
