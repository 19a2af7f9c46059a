package io.nginxalerts.testing.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The shipped rules over the external corpus, scored by the literal references (no Flink: seconds
 * with the build). Prints the table by class. Run it alone with
 *
 * <pre>
 * mvn -B -q -pl testing -am test -Dtest=CorpusConformanceTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>It requires the content issue's target: every attack case flagged, no benign IP flagged.
 * Skipped where the corpus is not there.
 */
class CorpusConformanceTest {
    /** The shipped rules, from the testing module's directory. */
    static final Path RULES = Path.of("..", "rules");

    @Test
    void theShippedRulesFlagEveryAttackCaseAndNoBenignIp() throws Exception {
        Corpus corpus = corpusOrSkip();
        List<Rule> rules = RuleLoader.loadDirectory(RULES);

        long started = System.nanoTime();
        CorpusScore score = CorpusScore.reference(corpus, rules);
        long millis = (System.nanoTime() - started) / 1_000_000;

        System.out.printf(
                "%d rules over %d events of %d cases in %d ms%n",
                rules.size(), corpus.events().size(), corpus.cases().size(), millis);
        System.out.print(score.table());
        assertThat(corpus.cases()).as("cases read from " + corpus.dir()).hasSizeGreaterThan(70);
        assertThat(corpus.events())
                .as("events parsed from the cases' logs")
                .hasSizeGreaterThan(900);
        assertThat(score.missedCases())
                .as("attack cases no alert flagged")
                .extracting(r -> r.corpusCase().id())
                .isEmpty();
        assertThat(score.benignFlagged())
                .as("cases with a benign IP flagged")
                .extracting(r -> r.corpusCase().id() + " " + r.benignFlagged() + " " + r.rules())
                .isEmpty();
    }

    @Test
    void eachCaseKeepsItsOwnAddressesAndTheStreamIsInTimeOrder() {
        Corpus corpus = corpusOrSkip();

        // 127.0.0.1 is in many cases: each has its own address for it.
        List<String> addresses =
                corpus.cases().stream()
                        .filter(c -> c.expectedIps().contains("127.0.0.1"))
                        .map(c -> corpus.renamed(c.id(), "127.0.0.1"))
                        .flatMap(Optional::stream)
                        .toList();
        assertThat(addresses).hasSizeGreaterThan(5).doesNotHaveDuplicates();
        assertThat(addresses).allSatisfy(a -> assertThat(a).startsWith("198.1"));
        assertThat(corpus.original(addresses.get(0)).orElseThrow().ip()).isEqualTo("127.0.0.1");
        assertThat(corpus.events())
                .extracting(e -> e.timestamp())
                .isSorted()
                .hasSameSizeAs(corpus.lines());
        assertThat(corpus.events())
                .allSatisfy(e -> assertThat(corpus.original(e.clientip())).isPresent());
    }

    static Corpus corpusOrSkip() {
        Optional<Path> dir = Corpus.locate();
        assumeTrue(
                dir.isPresent(),
                "no "
                        + Corpus.RELATIVE_DIR
                        + " in the working directory or above (or -D"
                        + Corpus.DIR_PROPERTY
                        + "=DIR): the external corpus is not in this checkout, skipped");
        return Corpus.read(dir.get());
    }
}
