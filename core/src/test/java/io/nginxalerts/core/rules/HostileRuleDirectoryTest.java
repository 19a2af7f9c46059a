package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One rule directory with every kind of mistake the issue names, loaded as the job and {@code
 * validate} load it: each is refused in the same run as {@code file:line: message}, pointing at the
 * offending line. The single kinds are covered in depth by {@link RuleValidationTest} and {@link
 * RuleLoaderTest}; this checks them together, plus the zero and negative counts of a sequence step
 * and a negative duration.
 */
class HostileRuleDirectoryTest {
    @TempDir Path dir;

    @Test
    void everyMistakeIsReportedAsFileLineMessageInOneRun() throws Exception {
        write(
                "unknown-key.yaml",
                "id: unknown-key\nseverity: info\nwithin: 1m\n"
                        + "match: { status: 4xx }\nthreshhold: 5\n");
        write(
                "bad-duration.yaml",
                "id: bad-duration\nseverity: info\n"
                        + "match: { status: 4xx }\nwithin: 10 minutes\n");
        write(
                "negative-duration.yaml",
                "id: negative-duration\nseverity: info\n"
                        + "match: { status: 4xx }\nwithin: -1m\n");
        write(
                "zero-threshold.yaml",
                "id: zero-threshold\nseverity: info\nwithin: 1m\n"
                        + "match: { status: 4xx }\nthreshold: 0\n");
        write(
                "negative-step.yaml",
                "id: negative-step\nseverity: info\nwithin: 1m\n"
                        + "sequence:\n  - match: { status: 401 }\n    at_least: -3\n"
                        + "  - match: { status: 200 }\n");
        write(
                "zero-step.yaml",
                "id: zero-step\nseverity: info\nwithin: 1m\n"
                        + "sequence:\n  - match: { status: 401 }\n    at_least: 0\n"
                        + "  - match: { status: 200 }\n");
        write(
                "unknown-field.yaml",
                "id: unknown-field\nseverity: info\nwithin: 1m\n"
                        + "match:\n  status: 4xx\n  user_agnet: { contains: sqlmap }\n");
        write("dup-a.yaml", "id: dup-a\nseverity: info\nwithin: 1m\nmatch: { status: 4xx }\n");
        write("dup-a.yml", "\n\nid: dup-a\nseverity: info\nwithin: 1m\nmatch: { status: 5xx }\n");

        RuleException e =
                catchThrowableOfType(RuleException.class, () -> RuleLoader.loadDirectory(dir));

        assertThat(e).isNotNull();
        List<String> problems = e.problems();
        assertThat(problems)
                .allSatisfy(
                        p -> assertThat(p).matches("\\Q" + dir + "/\\E[a-z-]+\\.ya?ml:\\d+: .+"))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith(at("unknown-key.yaml", 5))
                                        .contains("threshhold"))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith(at("bad-duration.yaml", 4))
                                        .contains("not a duration"))
                .anySatisfy(p -> assertThat(p).startsWith(at("negative-duration.yaml", 4)))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith(at("zero-threshold.yaml", 5))
                                        .contains("from 1 to 10000"))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith(at("negative-step.yaml", 6))
                                        .contains("at_least"))
                .anySatisfy(
                        p -> assertThat(p).startsWith(at("zero-step.yaml", 6)).contains("at_least"))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith(at("unknown-field.yaml", 6))
                                        .contains("user_agnet"))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith(at("dup-a.yml", 3))
                                        .contains("duplicate id 'dup-a'"));
        assertThat(problems).hasSize(8);
    }

    private String at(String file, int line) {
        return dir.resolve(file) + ":" + line + ": ";
    }

    private void write(String name, String text) throws Exception {
        Files.writeString(dir.resolve(name), text);
    }
}
