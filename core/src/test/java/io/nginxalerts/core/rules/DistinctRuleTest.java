package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.RuleValidationTest.assertRefused;
import static io.nginxalerts.core.rules.RuleValidationTest.problems;
import static io.nginxalerts.core.rules.TestEvent.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distinct rules ({@code distinct: <field>} with {@code match} and {@code threshold}): how they are
 * parsed and refused, and the {@code distinct_count} their alerts carry through the JSON contract.
 */
class DistinctRuleTest {
    static final String DISTINCT_404_PATHS =
            """
            id: distinct-404-paths
            severity: warning
            match: { status: 404 }
            group_by: [clientip]
            distinct: path
            threshold: 40
            within: 20m
            suppress: 30m
            """;

    /** Everything but distinct and threshold: a valid rule once those are added. */
    static final String HEAD = "id: x\nseverity: info\nwithin: 1m\nmatch: { status: 404 }\n";

    @TempDir Path dir;

    @Test
    void acceptsADistinctRuleAsOneStepCountingValues() throws Exception {
        Rule rule = RuleLoader.parse("rules/distinct-404-paths.yaml", DISTINCT_404_PATHS);

        assertThat(rule.isDistinct()).isTrue();
        assertThat(rule.isSequence()).isFalse();
        assertThat(rule.distinct()).isEqualTo("path");
        assertThat(rule.steps()).singleElement().extracting(Step::atLeast).isEqualTo(40);
        assertThat(rule.within()).isEqualTo(Duration.ofMinutes(20));
        assertThat(rule.suppress()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void thresholdAndSequenceRulesAreNotDistinct() throws Exception {
        Rule rule = RuleLoader.parse("x.yaml", HEAD + "threshold: 3\n");

        assertThat(rule.isDistinct()).isFalse();
        assertThat(rule.distinct()).isNull();
        assertThat(rule.distinctValue(request().build())).isNull();
    }

    @Test
    void readsTheDistinctFieldAsGroupByDoesAndAnAbsentFieldAsNull() throws Exception {
        Rule path = RuleLoader.parse("x.yaml", HEAD + "distinct: path\nthreshold: 2\n");
        Rule decoded = RuleLoader.parse("x.yaml", HEAD + "distinct: path_decoded\nthreshold: 2\n");
        Rule xff = RuleLoader.parse("x.yaml", HEAD + "distinct: xff\nthreshold: 2\n");
        Rule dotted =
                RuleLoader.parse("x.yaml", HEAD + "distinct: geoip.country_code2\nthreshold: 2\n");

        AccessEvent event = request().url("/a%20b?x=1").extra("geoip.country_code2", "NL").build();
        assertThat(path.distinctValue(event)).isEqualTo("/a%20b");
        assertThat(decoded.distinctValue(event)).isEqualTo("/a b");
        assertThat(dotted.distinctValue(event)).isEqualTo("NL");
        assertThat(xff.distinctValue(event)).as("no xff: takes part in no count").isNull();
        assertThat(xff.distinctValue(request().xff("198.51.100.1").build()))
                .isEqualTo("198.51.100.1");
    }

    @Test
    void refusesADistinctThatIsNotOneKnownField() {
        assertRefused(
                HEAD + "distinct: paht\nthreshold: 3\n",
                "x.yaml:5: unknown field 'paht'; allowed: " + RuleFieldNames.allowedNames());
        assertRefused(
                HEAD + "distinct: [path, agent]\nthreshold: 3\n",
                "x.yaml:5: 'distinct' must be one field name, found a list");
        assertRefused(
                HEAD + "distinct: { field: path }\nthreshold: 3\n",
                "x.yaml:5: 'distinct' must be one field name, found a mapping");
    }

    @Test
    void refusesADistinctWithoutAThresholdOfAtLeastTwo() {
        assertRefused(
                HEAD + "distinct: path\n",
                "x.yaml:5: 'distinct' needs a 'threshold': how many different values fire the"
                        + " rule (at least 2)");
        assertRefused(
                HEAD + "distinct: path\nthreshold: 1\n",
                "x.yaml:6: threshold must be at least 2 with 'distinct' (one value is always"
                        + " distinct), found '1'");
        // A threshold that is wrong anyway is reported once, as for any rule.
        assertRefused(
                HEAD + "distinct: path\nthreshold: 0\n",
                "x.yaml:6: threshold must be a whole number from 1 to 10000, found '0'");
    }

    @Test
    void refusesADistinctWithASequence() {
        assertThat(
                        problems(
                                "x.yaml",
                                """
                                id: x
                                severity: info
                                within: 1m
                                distinct: path
                                sequence:
                                  - match: { status: 401 }
                                  - match: { status: 200 }
                                """))
                .containsExactly(
                        "x.yaml:4: 'distinct' counts the values of one match; it cannot be used"
                                + " with 'sequence'");
    }

    @Test
    void refusesADistinctWithoutAMatch() {
        assertRefused(
                "id: x\nseverity: info\nwithin: 1m\ndistinct: path\nthreshold: 3\n",
                "x.yaml:5: 'threshold' needs a 'match'");
    }

    @Test
    void reportsDistinctProblemsWithTheOthersOfTheFile() {
        assertThat(
                        problems(
                                "x.yaml",
                                "id: x\nseverity: loud\nwithin: 1m\nmatch: { status: 404 }\n"
                                        + "distinct: nope\nthreshold: 1\n"))
                .containsExactly(
                        "x.yaml:2: severity 'loud' must be one of info, warning, critical",
                        "x.yaml:5: unknown field 'nope'; allowed: " + RuleFieldNames.allowedNames(),
                        "x.yaml:6: threshold must be at least 2 with 'distinct' (one value is"
                                + " always distinct), found '1'");
    }

    @Test
    void loadsADistinctRuleFromADirectoryAndReportsItsProblemsAsFileAndLine() throws Exception {
        Files.writeString(dir.resolve("distinct-404-paths.yaml"), DISTINCT_404_PATHS);
        assertThat(RuleLoader.loadDirectory(dir))
                .singleElement()
                .satisfies(rule -> assertThat(rule.distinct()).isEqualTo("path"));

        Files.writeString(
                dir.resolve("distinct-404-paths.yaml"),
                DISTINCT_404_PATHS.replace("distinct: path", "distinct: paths"));
        assertThatThrownBy(() -> RuleLoader.loadDirectory(dir))
                .isInstanceOf(RuleException.class)
                .hasMessageStartingWith(
                        dir.resolve("distinct-404-paths.yaml") + ":5: unknown field 'paths'");
    }

    @Test
    void aDistinctAlertCarriesTheNumberOfDifferentValuesThroughTheJsonContract() throws Exception {
        Rule rule = RuleLoader.parse("x.yaml", HEAD + "distinct: path\nthreshold: 3\n");
        List<AccessEvent> matched =
                List.of(
                        request().timestamp(1_000).url("/a").build(),
                        request().timestamp(2_000).url("/b?q=1").build(),
                        request().timestamp(3_000).url("/c").build());

        Alert alert = Alerts.fromMatch(rule, matched, 9_000);
        String json = AlertCodec.encode(alert);

        assertThat(alert.distinctCount()).isEqualTo(3);
        assertThat(alert.count()).isEqualTo(3);
        assertThat(alert.summary()).startsWith("x: 3 different path values for clientip ");
        assertThat(json).contains("\"count\":3,\"distinct_count\":3,");
        assertThat(AlertCodec.decode(json)).isEqualTo(alert);
    }

    @Test
    void otherAlertsHaveNoDistinctCount() throws Exception {
        Rule rule = RuleLoader.parse("x.yaml", HEAD + "threshold: 2\n");
        Alert alert =
                Alerts.fromMatch(
                        rule,
                        List.of(
                                request().timestamp(1_000).build(),
                                request().timestamp(2_000).build()),
                        9_000);
        String json = AlertCodec.encode(alert);

        assertThat(alert.distinctCount()).isNull();
        assertThat(json).doesNotContain("distinct_count");
        assertThat(AlertCodec.decode(json).distinctCount()).isNull();
        assertThat(alert.summary()).startsWith("x: 2 matching requests for clientip ");
    }

    @Test
    void refusesADistinctCountThatIsNotAnInteger() throws Exception {
        Rule rule = RuleLoader.parse("x.yaml", HEAD + "distinct: path\nthreshold: 2\n");
        String json =
                AlertCodec.encode(
                        Alerts.fromMatch(
                                rule,
                                List.of(
                                        request().timestamp(1_000).url("/a").build(),
                                        request().timestamp(2_000).url("/b").build()),
                                9_000));

        assertThatThrownBy(
                        () ->
                                AlertCodec.decode(
                                        json.replace(
                                                "\"distinct_count\":2",
                                                "\"distinct_count\":\"2\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("missing integer field distinct_count");
    }
}
