package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading rule sets from a directory and from the class path (directory or jar). */
class RuleLoaderTest {
    @TempDir Path dir;

    static String rule(String id) {
        return "id: " + id + "\nseverity: warning\nmatch: { status: 4xx }\nwithin: 1m\n";
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    private List<String> problemsLoading(Path path) {
        RuleException e =
                catchThrowableOfType(RuleException.class, () -> RuleLoader.loadDirectory(path));
        assertThat(e).as("expected a RuleException").isNotNull();
        return e.problems();
    }

    @Test
    void loadsYamlAndYmlFilesSortedByIdAndIgnoresOtherFiles() throws Exception {
        write("zeta.yaml", rule("zeta"));
        write("alpha.yml", rule("alpha"));
        write("mid.yaml", rule("mid"));
        write("README.md", "# not a rule: {");
        write("notes.txt", "id: nope");
        Files.createDirectory(dir.resolve("sub.yaml"));

        List<Rule> rules = RuleLoader.loadDirectory(dir);

        assertThat(rules).extracting(Rule::id).containsExactly("alpha", "mid", "zeta");
        assertThat(rules.get(0).source()).isEqualTo(dir.resolve("alpha.yml").toString());
    }

    @Test
    void collectsTheProblemsOfEveryFileBeforeThrowing() throws Exception {
        write("a.yaml", rule("a").replace("warning", "loud"));
        write("b.yaml", rule("b"));
        write("c.yaml", "id: c\nseverity: info\nwithin: 1m\nmatch: { colour: red }\n");

        assertThat(problemsLoading(dir))
                .containsExactly(
                        dir.resolve("a.yaml")
                                + ":2: severity 'loud' must be one of info, warning,"
                                + " critical",
                        dir.resolve("c.yaml")
                                + ":4: unknown field 'colour'; allowed: "
                                + String.join(", ", RuleFieldNames.TOP_LEVEL.keySet())
                                + ", the decoded url_decoded, path_decoded, query_decoded,"
                                + " agent_lower, or a dotted path under geoip, user_agent, host, event, log,"
                                + " source, client (e.g. geoip.country_code2)");
    }

    @Test
    void refusesDuplicateIdsNamingBothFiles() throws Exception {
        write("dup.yaml", rule("dup"));
        write("dup.yml", "# same id, other extension\n" + rule("dup"));

        assertThat(problemsLoading(dir))
                .containsExactly(
                        dir.resolve("dup.yml")
                                + ":2: duplicate id 'dup', also defined in "
                                + dir.resolve("dup.yaml"));
    }

    @Test
    void reportsDuplicateIdsEvenWhenTheFilesHaveOtherProblems() throws Exception {
        write("dup.yaml", rule("dup"));
        write("other.yaml", rule("dup"));

        assertThat(problemsLoading(dir))
                .containsExactly(
                        dir.resolve("other.yaml")
                                + ":1: id 'dup' does not match the file name 'other.yaml'; rename"
                                + " the file to dup.yaml",
                        dir.resolve("other.yaml")
                                + ":1: duplicate id 'dup', also defined in "
                                + dir.resolve("dup.yaml"));
    }

    @Test
    void refusesAMissingOrEmptyDirectory() throws Exception {
        Path missing = dir.resolve("missing");
        assertThat(problemsLoading(missing)).containsExactly(missing + ": not a directory");
        assertThat(problemsLoading(dir)).containsExactly(dir + ": no rule files (*.yaml, *.yml)");
    }

    @Test
    void refusesFilesThatAreNotUtf8() throws Exception {
        Files.write(dir.resolve("bin.yaml"), new byte[] {'i', 'd', ':', ' ', (byte) 0xff});
        assertThat(problemsLoading(dir))
                .containsExactly(dir.resolve("bin.yaml") + ":1: the file is not valid UTF-8");
    }

    @Test
    void rulesThatWriteTheSameMatchShareOneConditionObjectSoTheRouterTestsItOnce()
            throws Exception {
        write(
                "a.yaml",
                "id: a\nseverity: info\nmatch: { status: 5xx }\nthreshold: 3\nwithin: 1m\n");
        // The same match in another layout, with a comment: the same condition.
        write(
                "b.yaml",
                "id: b\nseverity: info\nmatch:\n  status: 5xx # errors\nratio:\n"
                        + "  of: { status: 503 }\n  at_least: 50%\n  min_events: 10\nwithin: 1m\n");
        write(
                "c.yaml",
                "id: c\nseverity: info\nmatch: { status: 4xx }\nthreshold: 3\nwithin: 1m\n");

        List<Rule> rules = RuleLoader.loadDirectory(dir);

        Condition a = rules.get(0).steps().get(0).condition();
        assertThat(rules.get(1).steps().get(0).condition()).isSameAs(a);
        assertThat(rules.get(2).steps().get(0).condition()).isNotSameAs(a);
        // Sharing the object changes nothing the rules decide.
        assertThat(rules.get(0).fingerprint()).isNotEqualTo(rules.get(1).fingerprint());
    }

    @Test
    void loadsRuleFilesFromFoldersInOrderOfTheirPathSkippingListsAndDotFolders() throws Exception {
        Files.createDirectories(dir.resolve("http/wordpress"));
        Files.createDirectories(dir.resolve("reliability"));
        Files.createDirectories(dir.resolve("lists"));
        Files.createDirectories(dir.resolve("..data"));
        Files.createDirectories(dir.resolve(".git"));
        write("top.yaml", rule("top"));
        write("http/b-probe.yaml", rule("b-probe"));
        write("http/wordpress/a-login.yaml", rule("a-login"));
        write("reliability/c-errors.yml", rule("c-errors"));
        // Not rules: a list file that happens to be YAML, and a ConfigMap's hidden copies.
        write("lists/not-a-rule.yaml", "- /.env\n");
        write("..data/top.yaml", rule("top"));
        write(".git/config.yaml", "not: a rule");

        List<Rule> rules = RuleLoader.loadDirectory(dir);

        assertThat(rules)
                .extracting(Rule::id)
                .containsExactly("a-login", "b-probe", "c-errors", "top");
        assertThat(rules)
                .extracting(Rule::source)
                .containsExactly(
                        dir.resolve("http/wordpress/a-login.yaml").toString(),
                        dir.resolve("http/b-probe.yaml").toString(),
                        dir.resolve("reliability/c-errors.yml").toString(),
                        dir.resolve("top.yaml").toString());
    }

    @Test
    void refusesTheSameIdInTwoFoldersNamingBothFiles() throws Exception {
        Files.createDirectories(dir.resolve("http"));
        Files.createDirectories(dir.resolve("reliability"));
        write("http/dup.yaml", rule("dup"));
        write("reliability/dup.yaml", rule("dup"));

        assertThat(problemsLoading(dir))
                .containsExactly(
                        dir.resolve("reliability/dup.yaml")
                                + ":1: duplicate id 'dup', also defined in "
                                + dir.resolve("http/dup.yaml"));
    }

    @Test
    void refusesFoldersNestedDeeperThanTheLimit() throws Exception {
        Files.createDirectories(dir.resolve("a/b/c/d/e"));
        write("a/b/c/d/ok.yaml", rule("ok"));
        write("a/b/c/d/e/deep.yaml", rule("deep"));

        assertThat(problemsLoading(dir))
                .containsExactly(
                        dir
                                + "/a/b/c/d/e: rule folders nest at most 4 levels below the rules"
                                + " directory; move its files up");
    }

    @Test
    void listFilePathsStayRelativeToTheRootForRulesInFolders() throws Exception {
        Files.createDirectories(dir.resolve("http"));
        Files.createDirectories(dir.resolve("lists"));
        write("lists/paths.txt", "/.env\n");
        write(
                "http/env.yaml",
                "id: env\nseverity: info\nwithin: 1m\n"
                        + "match: { path: { equals: { file: lists/paths.txt } } }\n");

        Condition condition = RuleLoader.loadDirectory(dir).get(0).steps().get(0).condition();

        assertThat(condition.test(TestEvent.request().url("/.env").build())).isTrue();
        assertThat(condition.test(TestEvent.request().url("/").build())).isFalse();
    }

    @Test
    void acceptsAByteOrderMark() throws Exception {
        write("bom.yaml", "\uFEFF" + rule("bom"));
        assertThat(RuleLoader.loadDirectory(dir)).extracting(Rule::id).containsExactly("bom");
    }

    @Test
    void loadsRulesFromAClasspathDirectory() throws Exception {
        List<Rule> rules =
                RuleLoader.loadClasspath("rules/classpath-set", getClass().getClassLoader());

        assertThat(rules).extracting(Rule::id).containsExactly("alpha-burst", "beta-sequence");
        assertThat(rules)
                .extracting(Rule::source)
                .containsExactly(
                        "rules/classpath-set/alpha-burst.yaml",
                        "rules/classpath-set/beta-sequence.yml");
        assertThat(rules.get(1).isSequence()).isTrue();
    }

    @Test
    void loadsRulesFromADirectoryInsideAJar() throws Exception {
        Path jar = dir.resolve("with space.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("rules/"));
            out.closeEntry();
            putEntry(out, "rules/b-rule.yaml", rule("b-rule"));
            putEntry(out, "rules/a-rule.yaml", rule("a-rule"));
            putEntry(out, "rules/README.md", "ignored");
            // Folders inside a jar, with and without their own directory entries.
            out.putNextEntry(new JarEntry("rules/nested/"));
            out.closeEntry();
            putEntry(out, "rules/nested/c-rule.yaml", rule("c-rule"));
            putEntry(out, "rules/deep/er/d-rule.yml", rule("d-rule"));
            putEntry(out, "rules/lists/e-rule.yaml", rule("e-rule"));
            putEntry(out, "rules/allowlist.yaml", "networks: [192.0.2.0/24]\n");
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            List<Rule> rules = RuleLoader.loadClasspath("/rules/", loader);
            assertThat(rules)
                    .extracting(Rule::id)
                    .containsExactly("a-rule", "b-rule", "c-rule", "d-rule");
            assertThat(rules)
                    .extracting(Rule::source)
                    .containsExactly(
                            "rules/a-rule.yaml",
                            "rules/b-rule.yaml",
                            "rules/nested/c-rule.yaml",
                            "rules/deep/er/d-rule.yml");
            // The jar's allowlist applies.
            assertThat(
                            rules.get(2)
                                    .steps()
                                    .get(0)
                                    .condition()
                                    .test(
                                            TestEvent.request()
                                                    .clientip("192.0.2.9")
                                                    .status(404)
                                                    .build()))
                    .isFalse();
            // A second load must not trip over a file system left open by the first.
            assertThat(RuleLoader.loadClasspath("rules", loader)).hasSize(4);
        }
    }

    @Test
    void reportsProblemsOfFilesInsideAJar() throws Exception {
        Path jar = dir.resolve("bad.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("rules/"));
            out.closeEntry();
            putEntry(
                    out, "rules/x.yaml", "id: x\nseverity: info\nwithin: 2d\nmatch: {status: 1}\n");
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            RuleException e =
                    catchThrowableOfType(
                            RuleException.class, () -> RuleLoader.loadClasspath("rules", loader));
            assertThat(e.problems())
                    .containsExactly(
                            "rules/x.yaml:3: within must be at most 1d, found 2d",
                            "rules/x.yaml:4: status '1' must be a code like 404 or a class like"
                                    + " 4xx");
        }
    }

    @Test
    void refusesAClasspathDirectoryThatDoesNotExist() {
        RuleException e =
                catchThrowableOfType(
                        RuleException.class,
                        () ->
                                RuleLoader.loadClasspath(
                                        "no/such/rules", getClass().getClassLoader()));
        assertThat(e.problems())
                .containsExactly("no/such/rules: no such directory on the class path");
    }

    private static void putEntry(JarOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new JarEntry(name));
        OutputStream entry = out;
        entry.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
