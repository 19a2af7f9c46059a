package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every way a single rule file can be wrong, each reported as {@code file:line: message}. */
class RuleValidationTest {
    private static final String FIELDS =
            "agent, clientip, host, http_host, method, path, protocol, query, refer, request_id,"
                    + " responsetime, size, status, upstreamhost, upstreamtime, url, xff, the"
                    + " decoded url_decoded, path_decoded, query_decoded, agent_lower, or a"
                    + " dotted path under geoip, user_agent, host, event, log, source, client"
                    + " (e.g. geoip.country_code2)";

    static List<String> problems(String source, String yaml) {
        RuleException e =
                catchThrowableOfType(RuleException.class, () -> RuleLoader.parse(source, yaml));
        assertThat(e).as("expected a RuleException").isNotNull();
        assertThat(e.getMessage()).isEqualTo(String.join(System.lineSeparator(), e.problems()));
        return e.problems();
    }

    /** Asserts that loading {@code yaml} as x.yaml fails with exactly these problems, in order. */
    static void assertRefused(String yaml, String... expected) {
        assertThat(problems("x.yaml", yaml)).containsExactly(expected);
    }

    @Test
    void acceptsAMinimalThresholdRuleWithDefaults() throws Exception {
        Rule rule =
                RuleLoader.parse(
                        "rules/x.yaml",
                        """
                        id: x
                        severity: info
                        match: { status: 4xx }
                        within: 30s
                        """);
        assertThat(rule.id()).isEqualTo("x");
        assertThat(rule.description()).isEmpty();
        assertThat(rule.severity()).isEqualTo(Severity.INFO);
        assertThat(rule.groupBy()).containsExactly("clientip");
        assertThat(rule.steps()).hasSize(1);
        assertThat(rule.steps().get(0).atLeast()).isEqualTo(1);
        assertThat(rule.within()).isEqualTo(Duration.ofSeconds(30));
        assertThat(rule.suppress()).isEqualTo(rule.within());
        assertThat(rule.source()).isEqualTo("rules/x.yaml");
    }

    @Test
    void acceptsASequenceWithOneStepPerEntry() throws Exception {
        Rule rule =
                RuleLoader.parse(
                        "seq.yml",
                        """
                        id: seq
                        description: two steps
                        severity: critical
                        group_by: [clientip, http_host]
                        sequence:
                          - match: { status: 401 }
                            at_least: 3
                          - match: { status: 200 }
                        within: 500ms
                        suppress: 0s
                        """);
        assertThat(rule.isSequence()).isTrue();
        assertThat(rule.steps()).extracting(Step::atLeast).containsExactly(3, 1);
        assertThat(rule.groupBy()).containsExactly("clientip", "http_host");
        assertThat(rule.within()).isEqualTo(Duration.ofMillis(500));
        assertThat(rule.suppress()).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesYamlSyntaxErrorsWithTheirLine() {
        assertThat(problems("r/x.yaml", "id: x\nseverity: [info\nwithin: 1m\n"))
                .containsExactly("r/x.yaml:3: YAML syntax error: expected ',' or ']', but got :");
        assertThat(problems("r/x.yaml", "id: x\n  severity: info\n"))
                .containsExactly(
                        "r/x.yaml:2: YAML syntax error: mapping values are not allowed here");
    }

    @Test
    void refusesAnEmptyFileAndATopLevelThatIsNotAMapping() {
        assertRefused(
                "# nothing\n",
                "x.yaml:1: the file is empty; a rule needs at least id, severity and" + " within");
        assertRefused(
                "- id: x\n",
                "x.yaml:1: a rule file must be a mapping with the keys id, description,"
                        + " severity, group_by, match, threshold, distinct, ratio, value, silent_for,"
                        + " min_events, first_seen, learn_for, max_values, sequence, within,"
                        + " suppress, resolve_after, update_every, allowlist; found a list");
    }

    @Test
    void refusesASecondYamlDocument() {
        assertRefused(
                "id: x\n---\nid: y\n",
                "x.yaml:3: a second YAML document ('---'); put one rule per file");
    }

    @Test
    void refusesUnknownKeyWithFileAndLine() {
        assertThat(
                        problems(
                                "rules/x.yaml",
                                """
                                id: x
                                severity: info
                                match: { status: 4xx }
                                tresholds: 5
                                within: 1m
                                """))
                .containsExactly(
                        "rules/x.yaml:4: unknown key 'tresholds'; allowed: id, description,"
                                + " severity, group_by, match, threshold, distinct, ratio, value,"
                                + " silent_for, min_events, first_seen, learn_for, max_values,"
                                + " sequence, within, suppress, resolve_after, update_every,"
                                + " allowlist");
    }

    @Test
    void refusesUnknownKeyInASequenceStep() {
        assertThat(
                        problems(
                                "x.yaml",
                                """
                                id: x
                                severity: info
                                sequence:
                                  - match: { status: 401 }
                                    atleast: 5
                                  - match: { status: 200 }
                                within: 1m
                                """))
                .containsExactly(
                        "x.yaml:5: unknown key 'atleast' in a sequence step; allowed: match,"
                                + " at_least, absent");
    }

    @Test
    void refusesUnknownOperatorNamingTheAllowedOnes() {
        assertThat(
                        problems(
                                "x.yaml",
                                "id: x\nseverity: info\nwithin: 1m\nmatch:\n  url:\n"
                                        + "    startswith: /a\n"))
                .containsExactly(
                        "x.yaml:6: unknown operator 'startswith' for field 'url'; allowed: equals,"
                                + " prefix, suffix, contains, regex, gt, gte, lt, lte, cidr, not");
    }

    @Test
    void refusesDuplicateKeys() {
        assertThat(
                        problems(
                                "x.yaml",
                                "id: x\nseverity: info\nwithin: 1m\nwithin: 2m\nmatch: {a: 1}"))
                .contains("x.yaml:4: duplicate key 'within'");
    }

    @Test
    void reportsEveryMissingRequiredKey() {
        assertRefused(
                "description: nothing else\n",
                "x.yaml:1: missing required key 'id'",
                "x.yaml:1: missing required key 'severity'",
                "x.yaml:1: missing required key 'within'",
                "x.yaml:1: missing 'match' (with 'threshold') or 'sequence'; or one of ratio,"
                        + " value, silent_for, first_seen");
    }

    @Test
    void refusesIdsOutsideThePattern() {
        String rest = "\nseverity: info\nwithin: 1m\nmatch: { status: 404 }\n";
        assertRefused(
                "id: Bad_Id" + rest, "x.yaml:1: id 'Bad_Id' must match [a-z0-9][a-z0-9-]{0,63}");
        assertRefused("id: -x" + rest, "x.yaml:1: id '-x' must match [a-z0-9][a-z0-9-]{0,63}");
        assertRefused(
                "id: " + "a".repeat(65) + rest,
                "x.yaml:1: id '" + "a".repeat(65) + "' must match [a-z0-9][a-z0-9-]{0,63}");
        assertRefused("id: [x]" + rest, "x.yaml:1: 'id' must be a text value, found a list");
    }

    @Test
    void refusesAnIdThatDiffersFromTheFileName() {
        assertThat(
                        problems(
                                "rules/login.yaml",
                                "severity: info\n"
                                        + "id: login-burst\n"
                                        + "within: 1m\n"
                                        + "match: {status: 401}\n"))
                .containsExactly(
                        "rules/login.yaml:2: id 'login-burst' does not match the file name"
                                + " 'login.yaml'; rename the file to login-burst.yaml");
    }

    @Test
    void refusesAnUnknownSeverity() {
        assertRefused(
                "id: x\nseverity: high\nwithin: 1m\nmatch: {status: 401}\n",
                "x.yaml:2: severity 'high' must be one of info, warning, critical");
    }

    @Test
    void refusesBothMatchAndSequence() {
        assertThat(
                        problems(
                                "x.yaml",
                                """
                                id: x
                                severity: info
                                within: 1m
                                match: { status: 401 }
                                sequence:
                                  - match: { status: 401 }
                                  - match: { status: 200 }
                                """))
                .containsExactly(
                        "x.yaml:5: use either match (with threshold) or sequence, not both");
    }

    @Test
    void refusesAThresholdWithoutMatch() {
        assertRefused(
                "id: x\nseverity: info\nwithin: 1m\nthreshold: 3\n",
                "x.yaml:4: 'threshold' needs a 'match'");
    }

    @Test
    void refusesCountsThatAreNotWholeNumbersFromOneTo10000() {
        String head = "id: x\nseverity: info\nwithin: 1m\nmatch: { status: 401 }\n";
        assertRefused(
                head + "threshold: 0\n",
                "x.yaml:5: threshold must be a whole number from 1 to 10000, found '0'");
        assertRefused(
                head + "threshold: 10001\n",
                "x.yaml:5: threshold must be a whole number from 1 to 10000, found" + " '10001'");
        assertRefused(
                head + "threshold: 2.5\n",
                "x.yaml:5: threshold must be a whole number from 1 to 10000, found '2.5'");
        assertRefused(
                head + "threshold: -1\n",
                "x.yaml:5: threshold must be a whole number from 1 to 10000, found '-1'");
        assertThat(
                        problems(
                                "x.yaml",
                                """
                                id: x
                                severity: info
                                within: 1m
                                sequence:
                                  - match: { status: 401 }
                                    at_least: many
                                  - match: { status: 200 }
                                """))
                .containsExactly(
                        "x.yaml:6: at_least must be a whole number from 1 to 10000, found 'many'");
    }

    @Test
    void refusesDurationsOutsideTheRuleForm() {
        String head = "id: x\nseverity: info\nmatch: { status: 401 }\n";
        String form =
                "' is not a duration; write a whole number and one unit: 500ms, 30s, 10m, 2h or 1d";
        assertRefused(head + "within: 1.5m\n", "x.yaml:4: within '1.5m" + form);
        assertRefused(head + "within: 60\n", "x.yaml:4: within '60" + form);
        assertRefused(head + "within: PT1M\n", "x.yaml:4: within 'PT1M" + form);
        assertRefused(
                head + "within: 1m\nsuppress: 5 minutes\n", "x.yaml:5: suppress '5 minutes" + form);
    }

    @Test
    void refusesAZeroOrTooLongWithin() {
        String head = "id: x\nseverity: info\nmatch: { status: 401 }\n";
        assertRefused(head + "within: 0s\n", "x.yaml:4: within must be more than 0");
        assertRefused(head + "within: 25h\n", "x.yaml:4: within must be at most 1d, found 25h");
        assertRefused(
                head + "within: 1m\nsuppress: 8d\n",
                "x.yaml:5: suppress must be at most 7d, found 8d");
    }

    @Test
    void refusesAnEmptyOrUnknownGroupBy() {
        String head = "id: x\nseverity: info\nwithin: 1m\nmatch: { status: 401 }\n";
        assertRefused(head + "group_by: []\n", "x.yaml:5: group_by must not be empty");
        assertRefused(
                head + "group_by:\n  - clientip\n  - ip\n",
                "x.yaml:7: unknown field 'ip'; allowed: " + FIELDS);
        assertRefused(
                head + "group_by: [clientip, clientip]\n",
                "x.yaml:5: group_by lists 'clientip' twice");
        assertRefused(
                head + "group_by: { clientip: 1 }\n",
                "x.yaml:5: 'group_by' must be a list of field names, found a mapping");
    }

    @Test
    void refusesUnknownFieldsInConditions() {
        String head = "id: x\nseverity: info\nwithin: 1m\nmatch:\n";
        assertRefused(
                head + "  status: 404\n  ip: 1.2.3.4\n",
                "x.yaml:6: unknown field 'ip'; allowed: " + FIELDS);
        assertRefused(
                head + "  geo.country: CN\n",
                "x.yaml:5: unknown field 'geo.country'; allowed: " + FIELDS);
        assertRefused(
                head + "  geoip.: CN\n", "x.yaml:5: unknown field 'geoip.'; allowed: " + FIELDS);
        assertRefused(
                head + "  '@timestamp': x\n",
                "x.yaml:5: unknown field '@timestamp'; allowed: " + FIELDS);
        assertRefused(
                head + "  any:\n    - { nope: 1 }\n",
                "x.yaml:6: unknown field 'nope'; allowed: " + FIELDS);
    }

    @Test
    void refusesBadStatusValues() {
        String head = "id: x\nseverity: info\nwithin: 1m\nmatch:\n";
        assertRefused(
                head + "  status: [404, 6xx, ok]\n",
                "x.yaml:5: status '6xx' must be a code like 404 or a class like 4xx",
                "x.yaml:5: status 'ok' must be a code like 404 or a class like 4xx");
        assertRefused(
                head + "  status: 0404\n",
                "x.yaml:5: status '0404' must be a code like 404 or a class like 4xx");
    }

    @Test
    void refusesBadRegexes() {
        String head = "id: x\nseverity: info\nwithin: 1m\nmatch:\n  agent:\n";
        assertRefused(
                head + "    regex: '(abc'\n", "x.yaml:6: bad regex: missing closing ) at '(abc'");
        assertRefused(head + "    regex: 'a)'\n", "x.yaml:6: bad regex: unexpected ) without a (");
        assertThat(problems("x.yaml", head + "    regex: '(?<=a)b'\n"))
                .hasSize(1)
                .allMatch(p -> p.startsWith("x.yaml:6: bad regex: "));
        assertRefused(
                head + "    regex: '" + "a".repeat(1001) + "'\n",
                "x.yaml:6: regex is longer than 1000 characters");
        assertRefused(
                head + "    regex: '((a{1000}){1000}){1000}'\n",
                "x.yaml:6: regex repeats too much: its expanded size is over 10000"
                        + " (nested {n} counts multiply)");
    }

    @Test
    void refusesBadNetworksWithoutResolvingNames() {
        String head = "id: x\nseverity: info\nwithin: 1m\nmatch:\n  clientip:\n";
        assertRefused(
                head + "    cidr: [10.0.0.0/8, localhost, 10.0.0.0/33]\n",
                "x.yaml:6: bad CIDR 'localhost': not an IPv4 or IPv6 address",
                "x.yaml:6: bad CIDR '10.0.0.0/33': prefix length must be at most 32");
        assertRefused(
                head + "    cidr: '2001:db8::/129'\n",
                "x.yaml:6: bad CIDR '2001:db8::/129': prefix length must be at most 128");
        assertRefused(
                head + "    cidr: example.com\n",
                "x.yaml:6: bad CIDR 'example.com': not an IPv4 or IPv6 address");
        assertRefused(
                head + "    cidr: 10.0.0.0/x\n",
                "x.yaml:6: bad CIDR '10.0.0.0/x': prefix length must be a number");
    }

    @Test
    void refusesNonNumericComparisonBounds() {
        String head = "id: x\nseverity: info\nwithin: 1m\nmatch:\n  size:\n";
        assertRefused(head + "    gt: big\n", "x.yaml:6: 'gt' must be a number, found 'big'");
        assertRefused(head + "    lte: .inf\n", "x.yaml:6: 'lte' must be a number, found '.inf'");
    }

    @Test
    void refusesASequenceOfFewerThanTwoSteps() {
        assertThat(
                        problems(
                                "x.yaml",
                                """
                                id: x
                                severity: info
                                within: 1m
                                sequence:
                                  - match: { status: 401 }
                                """))
                .containsExactly(
                        "x.yaml:4: a sequence needs at least 2 steps, found 1; use match and"
                                + " threshold for a single step");
    }

    @Test
    void refusesASequenceStepWithoutMatch() {
        assertThat(
                        problems(
                                "x.yaml",
                                """
                                id: x
                                severity: info
                                within: 1m
                                sequence:
                                  - match: { status: 401 }
                                  - at_least: 2
                                """))
                .containsExactly("x.yaml:6: missing required key 'match' in a sequence step");
    }

    @Test
    void refusesEmptyMatches() {
        String head = "id: x\nseverity: info\nwithin: 1m\n";
        assertRefused(head + "match: {}\n", "x.yaml:4: 'match' must not be empty");
        assertRefused(
                head + "match:\n",
                "x.yaml:4: 'match' must be a mapping of fields to conditions, found empty");
        assertRefused(
                head + "match: { any: [] }\n",
                "x.yaml:4: 'any' must be a non-empty list of match mappings, found a list");
        assertRefused(
                head + "match: { url: {} }\n",
                "x.yaml:4: the conditions for 'url' must not be empty");
        assertRefused(
                head + "match: { url: [] }\n", "x.yaml:4: the list for 'url' must not be empty");
        assertRefused(head + "match: { url: }\n", "x.yaml:4: field 'url' needs a value");
    }

    @Test
    void reportsEveryProblemOfAFileAtOnce() {
        List<String> problems =
                problems(
                        "x.yaml",
                        """
                        id: x
                        severity: loud
                        within: forever
                        match:
                          colour: red
                          status: 999x
                        threshold: 0
                        """);
        assertThat(problems)
                .containsExactly(
                        "x.yaml:2: severity 'loud' must be one of info, warning, critical",
                        "x.yaml:3: within 'forever' is not a duration; write a whole number and one"
                                + " unit: 500ms, 30s, 10m, 2h or 1d",
                        "x.yaml:5: unknown field 'colour'; allowed: " + FIELDS,
                        "x.yaml:6: status '999x' must be a code like 404 or a class like 4xx",
                        "x.yaml:7: threshold must be a whole number from 1 to 10000, found '0'");
    }

    @Test
    void refusesNestingDeeperThanAnyRuleNeeds() {
        String deep = "match: " + "{ not: ".repeat(40) + "{ status: 404 }" + " }".repeat(40);
        assertRefused(
                "id: x\nseverity: info\nwithin: 1m\n" + deep + "\n",
                "x.yaml:4: nested deeper than 32 levels");
    }

    @Test
    void acceptsAnyNameThatIsNotAYamlFile() throws Exception {
        Rule rule =
                RuleLoader.parse(
                        "<inline>", "id: y\nseverity: info\nwithin: 1m\nmatch: {status: 404}\n");
        assertThat(rule.source()).isEqualTo("<inline>");
    }
}
