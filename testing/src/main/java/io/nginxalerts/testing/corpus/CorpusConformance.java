package io.nginxalerts.testing.corpus;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * Prints the corpus table for a rules directory: {@code CorpusConformance [RULES_DIR [CORPUS_DIR]]}
 * (defaults {@code rules} and the corpus {@link Corpus#locate} finds). Exits 1 if the target is not
 * met, 2 if the corpus is not there.
 */
public final class CorpusConformance {
    private CorpusConformance() {}

    public static void main(String[] args) throws Exception {
        Path rulesDir = Path.of(args.length > 0 ? args[0] : "rules");
        Path corpusDir = args.length > 1 ? Path.of(args[1]) : Corpus.locate().orElse(null);
        if (corpusDir == null) {
            System.err.println("no " + Corpus.RELATIVE_DIR + " here or above; pass its directory");
            System.exit(2);
        }
        List<Rule> rules = RuleLoader.loadDirectory(rulesDir);
        CorpusScore score = CorpusScore.reference(Corpus.read(corpusDir), rules);
        System.out.print(score.table());
        System.exit(score.meetsTarget() ? 0 : 1);
    }
}
