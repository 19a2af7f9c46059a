package io.nginxalerts.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.rules.RuleUids;
import io.nginxalerts.job.rules.ThresholdOperator;
import io.nginxalerts.job.source.LogFileFormat;
import io.nginxalerts.job.source.ParsedRecord;
import io.nginxalerts.job.source.RecordParser;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.job.time.EventTimeSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The topology {@link Pipeline} builds for non-sequence rules: one keyed operator per distinct
 * {@code group_by}, whatever the number of rules, with a uid that depends only on the {@code
 * group_by} and a name that lists the rules; sequence rules keep one CEP operator each.
 */
class GroupedTopologyTest {
    static final Rule SCANNER =
            TestRules.rule(
                    "scanner",
                    """
                    severity: warning
                    group_by: [clientip]
                    match: { status: 404 }
                    distinct: path
                    threshold: 30
                    within: 1m
                    """);
    static final Rule CLIENT_ERRORS = TestRules.clientErrorsBurst();
    static final Rule SERVER_ERRORS =
            TestRules.rule("server-errors", TestRules.serverErrors(10, "1m"));
    static final Rule HOST_ERRORS =
            TestRules.rule(
                    "host-errors",
                    """
                    severity: critical
                    group_by: [http_host]
                    match: { status: 5xx }
                    threshold: 100
                    within: 1m
                    """);
    static final Rule PAIR =
            TestRules.rule(
                    "pair-errors",
                    """
                    severity: info
                    group_by: [clientip, geoip.country_code2]
                    match: { status: 5xx }
                    threshold: 3
                    within: 1m
                    """);
    static final Rule BRUTE_FORCE = TestRules.loginBruteForceSuccess();

    static final List<Rule> RULES =
            List.of(SCANNER, CLIENT_ERRORS, SERVER_ERRORS, HOST_ERRORS, PAIR, BRUTE_FORCE);

    @Test
    void rulesWithTheSameGroupByShareOneOperatorAndOthersGetTheirOwn() {
        Map<String, StreamNode> byUid = nodesByUid(ThresholdOperator.GROUPED);

        assertThat(byUid.keySet())
                .filteredOn(uid -> uid.startsWith("rules-by-") && !uid.endsWith("-late"))
                .containsExactlyInAnyOrder(
                        "rules-by-clientip",
                        "rules-by-http_host",
                        "rules-by-clientip+geoip.country_code2");
        assertThat(byUid.get("rules-by-clientip").getOperatorName())
                .isEqualTo("Rules by clientip: scanner, client-errors-burst, server-errors");
        assertThat(byUid.get("rules-by-http_host").getOperatorName())
                .isEqualTo("Rules by http_host: host-errors");
        assertThat(byUid).containsKey(Pipeline.RULE_ROUTER_UID);
        assertThat(byUid.keySet())
                .as("no per-rule operators for non-sequence rules")
                .noneMatch(
                        uid ->
                                uid.matches(
                                        "rule-(scanner|client-errors-burst|server-errors"
                                                + "|host-errors|pair-errors)-.*"));
        assertThat(byUid).containsKey(RuleUids.cep(BRUTE_FORCE.id(), BRUTE_FORCE.fingerprint()));
        assertThat(byUid)
                .containsKey(RuleUids.lifecycle(BRUTE_FORCE.id(), BRUTE_FORCE.fingerprint()));
    }

    @Test
    void withTheCepReferenceThresholdRulesRunOnCepAndDistinctRulesStayGrouped() {
        Map<String, StreamNode> byUid = nodesByUid(ThresholdOperator.CEP);

        assertThat(byUid.keySet())
                .filteredOn(uid -> uid.startsWith("rules-by-") && !uid.endsWith("-late"))
                .containsExactly("rules-by-clientip");
        assertThat(byUid.get("rules-by-clientip").getOperatorName())
                .isEqualTo("Rules by clientip: scanner");
        for (Rule rule : List.of(CLIENT_ERRORS, SERVER_ERRORS, HOST_ERRORS, PAIR, BRUTE_FORCE)) {
            assertThat(byUid).containsKey(RuleUids.cep(rule.id(), rule.fingerprint()));
        }
    }

    static Map<String, StreamNode> nodesByUid(ThresholdOperator thresholds) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FileSource<ParsedRecord> source =
                FileSource.forRecordStreamFormat(
                                new LogFileFormat(
                                        new RecordParser(65536, Duration.ofMinutes(5)), "none"),
                                new org.apache.flink.core.fs.Path("/nonexistent"))
                        .build();
        Pipeline.Streams streams =
                Pipeline.build(
                        env,
                        List.of(new Pipeline.Input("file-source", "none", source)),
                        RULES,
                        new EventTimeSettings(Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO),
                        thresholds);
        streams.alerts().print();
        streams.deadLetters().print();
        StreamGraph graph = env.getStreamGraph(false);
        Map<String, StreamNode> byUid = new HashMap<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getTransformationUID() != null) {
                byUid.put(node.getTransformationUID(), node);
            }
        }
        return byUid;
    }
}
