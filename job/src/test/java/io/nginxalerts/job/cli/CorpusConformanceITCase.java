package io.nginxalerts.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.testing.corpus.Corpus;
import io.nginxalerts.testing.corpus.CorpusScore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped rules over the external corpus through the real job: {@code backtest} over the
 * corpus's merged lines (client IPs renamed per case, written to a temporary file, never into the
 * repository) flags exactly the (case, IP) pairs that the literal references flag, so the table
 * {@code CorpusConformanceTest} prints in seconds is what the job does on real data.
 *
 * <p>It also requires the target: every attack case flagged, no benign IP. Skipped where the corpus
 * is not there. Backtest makes its own local environment, so no MiniClusterExtension here.
 */
class CorpusConformanceITCase {
    @TempDir Path dir;

    @Test
    void backtestFlagsTheSameCasesAsTheReferenceScorer() throws Exception {
        Optional<Path> corpusDir = Corpus.locate();
        assumeTrue(
                corpusDir.isPresent(),
                "no " + Corpus.RELATIVE_DIR + " in the working directory or above: skipped");
        Corpus corpus = Corpus.read(corpusDir.get());
        Path input = dir.resolve("corpus.log");
        Files.write(input, corpus.lines(), StandardCharsets.UTF_8);
        Path output = dir.resolve("alerts.jsonl");

        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        int code =
                BacktestITCase.runBacktest(
                        summary, "--input", input.toString(), "--output", output.toString());

        assertThat(code).as(summary.toString(StandardCharsets.UTF_8)).isZero();
        List<Alert> alerts = Files.readAllLines(output).stream().map(AlertCodec::decode).toList();
        CorpusScore job = CorpusScore.of(corpus, alerts);
        List<Rule> rules = RuleLoader.loadDirectory(BacktestITCase.RULES);
        CorpusScore reference = CorpusScore.reference(corpus, rules);
        System.out.print(job.table());

        assertThat(summary.toString(StandardCharsets.UTF_8))
                .as("every line is an event, none late")
                .contains(corpus.lines().size() + " events, 0 rejected")
                .contains(", 0 late");
        assertThat(perRule(alerts))
                .as("alerts per rule, job vs reference")
                .isEqualTo(perRule(referenceAlerts(corpus, rules)));
        assertThat(job.flaggedIps()).isEqualTo(reference.flaggedIps());
        assertThat(job.missedCases())
                .extracting(r -> r.corpusCase().id())
                .as("attack cases no alert flagged")
                .isEmpty();
        assertThat(job.benignFlagged())
                .extracting(r -> r.corpusCase().id() + " " + r.benignFlagged())
                .as("cases with a benign IP flagged")
                .isEmpty();
    }

    private static List<Alert> referenceAlerts(Corpus corpus, List<Rule> rules) {
        return io.nginxalerts.testing.reference.RuleSetReference.alerts(rules, corpus.events())
                .values()
                .stream()
                .flatMap(List::stream)
                .toList();
    }

    /** Alerts per rule as "key first..last count" rows: what the two must agree on, readably. */
    static Map<String, List<String>> perRule(List<Alert> alerts) {
        return alerts.stream()
                .collect(
                        Collectors.groupingBy(
                                Alert::rule,
                                TreeMap::new,
                                Collectors.mapping(
                                        a ->
                                                a.key()
                                                        + " "
                                                        + a.firstSeen()
                                                        + ".."
                                                        + a.lastSeen()
                                                        + " "
                                                        + a.count(),
                                        Collectors.collectingAndThen(
                                                Collectors.toList(),
                                                l -> l.stream().sorted().toList()))));
    }
}
