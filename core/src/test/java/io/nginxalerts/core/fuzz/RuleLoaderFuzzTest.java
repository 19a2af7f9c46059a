package io.nginxalerts.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleException;
import io.nginxalerts.core.rules.RuleLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Coverage-guided fuzzing of {@link RuleLoader#parse}: whatever the text, it returns a valid rule
 * or throws a {@link RuleException} whose every message is {@code file:line: message}. Any other
 * exception or error (a {@code StackOverflowError} in the YAML parser, a regex that blows up while
 * compiling, ...) is a finding, and so is a parse that takes long.
 *
 * <p>Regression mode in a normal build runs the seeds in {@code
 * src/test/resources/io/nginxalerts/core/fuzz/RuleLoaderFuzzTestInputs/parse/} (the shipped rules
 * and edge cases); see {@code docs/fuzzing.md} for a fuzzing run.
 */
class RuleLoaderFuzzTest {
    private static final String SOURCE = "fuzz/rule.txt";
    private static final long MAX_NANOS = Duration.ofSeconds(2).toNanos();

    /** Raw bytes, so the seed files are used as they are; decoded as a rule file is read. */
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] file) {
        String yaml = new String(file, StandardCharsets.UTF_8);
        long start = System.nanoTime();
        try {
            Rule rule = RuleLoader.parse(SOURCE, yaml);
            assertThat(rule.id()).isNotBlank();
            assertThat(rule.steps()).isNotEmpty();
            assertThat(rule.within()).isPositive();
        } catch (RuleException e) {
            assertThat(e.problems())
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(p).matches("(?s)\\Q" + SOURCE + "\\E:\\d+: .+"));
        }
        long took = System.nanoTime() - start;
        assertThat(took).as("parse took %d ms", took / 1_000_000).isLessThan(MAX_NANOS);
    }
}
