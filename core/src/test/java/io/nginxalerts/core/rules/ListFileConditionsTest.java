package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.TestEvent.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nginxalerts.core.event.AccessEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conditions that take their texts from a list file: {@code contains: { file: lists/x.txt }}. */
class ListFileConditionsTest {
    @TempDir Path dir;

    private void write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** A rule file {@code t.yaml} in {@code dir} whose match is {@code flowMatch}, loaded. */
    private Condition load(String flowMatch) throws Exception {
        write("t.yaml", "id: t\nseverity: info\nwithin: 1m\nmatch: { " + flowMatch + " }\n");
        return RuleLoader.loadDirectory(dir).get(0).steps().get(0).condition();
    }

    private List<String> problems(String ruleText) throws IOException {
        write("t.yaml", ruleText);
        RuleException e =
                catchThrowableOfType(RuleException.class, () -> RuleLoader.loadDirectory(dir));
        assertThat(e).as("expected a RuleException").isNotNull();
        return e.problems();
    }

    private static final String HEAD = "id: t\nseverity: info\nwithin: 1m\nmatch:\n";

    @Test
    void listFormatTrimsAndSkipsCommentsAndBlankLines() {
        assertThat(
                        ListFiles.parse(
                                "\uFEFF# backdoors\n  /shell.php  \n\n\t/c99.php\r\n"
                                        + "   # indented comment\n/a#b\n/shell.php\n"))
                .containsExactly("/shell.php", "/c99.php", "/a#b");
    }

    @Test
    void containsEqualsPrefixAndSuffixTakeAListFile() throws Exception {
        write("lists/paths.txt", "# probes\n/wp-login.php\n/.env\n/.git/\n");
        Condition contains = load("url: { contains: { file: lists/paths.txt } }");
        assertThat(contains.test(request().url("/x/.git/config").build())).isTrue();
        assertThat(contains.test(request().url("/index.html").build())).isFalse();
        assertThat(contains.toString())
                .isEqualTo("url contains any of lists/paths.txt (3 entries)");

        Condition prefix = load("path: { prefix: { file: lists/paths.txt } }");
        assertThat(prefix.test(request().url("/.env.bak").build())).isTrue();
        assertThat(prefix.test(request().url("/x/.env").build())).isFalse();

        Condition suffix = load("path: { suffix: { file: lists/paths.txt } }");
        assertThat(suffix.test(request().url("/blog/wp-login.php?x=1").build())).isTrue();
        assertThat(suffix.test(request().url("/wp-login.php.bak").build())).isFalse();

        Condition equals = load("path: { equals: { file: lists/paths.txt } }");
        assertThat(equals.test(request().url("/.env?x").build())).isTrue();
        assertThat(equals.test(request().url("/.envx").build())).isFalse();
        assertThat(equals.test(request().url(null).build())).isFalse();
    }

    @Test
    void matchingIsCaseSensitiveLikeInlineTexts() throws Exception {
        write("lists/agents.txt", "sqlmap\n");
        assertThat(
                        load("agent: { contains: { file: lists/agents.txt } }")
                                .test(request().agent("SQLMap/1.7").build()))
                .isFalse();
        assertThat(
                        load("agent_lower: { contains: { file: lists/agents.txt } }")
                                .test(request().agent("SQLMap/1.7").build()))
                .isTrue();
    }

    @Test
    void aMissingFieldMatchesNothingButNot() throws Exception {
        write("lists/q.txt", "union\n");
        assertThat(
                        load("query: { contains: { file: lists/q.txt } }")
                                .test(request().url("/a").build()))
                .isFalse();
        assertThat(
                        load("query: { not: { contains: { file: lists/q.txt } } }")
                                .test(request().url("/a").build()))
                .isTrue();
    }

    @Test
    void equalsTakesValuesInlineToo() throws Exception {
        Condition condition = load("method: { equals: [PUT, DELETE] }, status: { equals: 4xx }");
        assertThat(condition.test(request().method("PUT").status(404).build())).isTrue();
        assertThat(condition.test(request().method("GET").status(404).build())).isFalse();
    }

    /**
     * A list of 500 entries answers exactly as 500 inline {@code contains} texts, on texts built to
     * hit entries at the start, the end, inside, overlapping each other, and to miss.
     */
    @Test
    void aLongListMatchesLikeTheSameTextsInline() throws Exception {
        Random random = new Random(42);
        List<String> entries = new ArrayList<>();
        while (entries.size() < 500) {
            String entry = word(random, 2 + random.nextInt(7));
            if (!entries.contains(entry)) {
                entries.add(entry);
            }
        }
        write("lists/many.txt", String.join("\n", entries) + "\n");
        StringBuilder inline = new StringBuilder();
        for (String entry : entries) {
            inline.append(inline.length() == 0 ? "" : ", ").append("'").append(entry).append("'");
        }
        for (String op : List.of("contains", "prefix", "suffix", "equals")) {
            Condition fromFile = load("path: { " + op + ": { file: lists/many.txt } }");
            Condition fromTexts =
                    load(
                            "path: { "
                                    + (op.equals("equals") ? "equals" : op)
                                    + ": ["
                                    + inline
                                    + "] }");
            int hits = 0;
            for (int i = 0; i < 5_000; i++) {
                String text = sample(random, entries);
                AccessEvent event = request().url(text).build();
                boolean expected = fromTexts.test(event);
                assertThat(fromFile.test(event)).as(op + " on '" + text + "'").isEqualTo(expected);
                hits += expected ? 1 : 0;
            }
            // The texts exercise both answers.
            assertThat(hits).as(op).isBetween(50, 4_950);
        }
    }

    /** Few letters, so that random texts often hold entries, and entries overlap each other. */
    private static String word(Random random, int length) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < length; i++) {
            word.append((char) ('a' + random.nextInt(5)));
        }
        return word.toString();
    }

    private static String sample(Random random, List<String> entries) {
        switch (random.nextInt(4)) {
            case 0:
                return entries.get(random.nextInt(entries.size()));
            case 1:
                return entries.get(random.nextInt(entries.size()))
                        + word(random, random.nextInt(4));
            case 2:
                return word(random, random.nextInt(4))
                        + entries.get(random.nextInt(entries.size()));
            default:
                return word(random, 1 + random.nextInt(12));
        }
    }

    @Test
    void aCompiledListConditionSurvivesJavaSerializationAndStillMatches() throws Exception {
        write("lists/paths.txt", "/.env\n/.git/\n");
        write("lists/agents.txt", "nikto\n");
        Condition condition =
                load(
                        "path_decoded: { contains: { file: lists/paths.txt } },"
                                + " agent_lower: { prefix: { file: lists/agents.txt } }");
        AccessEvent hit = request().url("/%252Egit/HEAD").agent("Nikto/2.5").build();
        AccessEvent miss = request().url("/%252Egit/HEAD").agent("curl/8").build();
        assertThat(condition.test(hit)).isTrue();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(condition);
        }
        Condition copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (Condition) in.readObject();
        }
        assertThat(copy).isEqualTo(condition);
        assertThat(copy.test(hit)).isTrue();
        assertThat(copy.test(miss)).isFalse();
        assertThat(copy.toString()).isEqualTo(condition.toString());
    }

    @Test
    void aMissingListFileIsAProblemAtTheLineOfItsFileKey() throws Exception {
        assertThat(problems(HEAD + "  url:\n" + "    contains:\n" + "      file: lists/nope.txt\n"))
                .containsExactly(
                        dir.resolve("t.yaml")
                                + ":7: list file 'lists/nope.txt' does not exist ("
                                + dir.toAbsolutePath().normalize().resolve("lists/nope.txt")
                                + ")");
    }

    @Test
    void anEmptyOrCommentOnlyListFileIsAProblem() throws Exception {
        write("lists/empty.txt", "# nothing yet\n\n   \n");
        assertThat(problems(HEAD + "  url: { contains: { file: lists/empty.txt } }\n"))
                .containsExactly(
                        dir.resolve("t.yaml")
                                + ":5: list file 'lists/empty.txt' has no entries (only blank lines"
                                + " and # comments)");
    }

    @Test
    void aListFileThatIsNotUtf8OrNotAFileIsAProblem() throws Exception {
        Files.createDirectories(dir.resolve("lists/dir.txt"));
        Files.write(
                dir.resolve("lists/latin1.txt"),
                "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(
                        problems(
                                HEAD
                                        + "  url: { contains: { file: lists/latin1.txt } }\n"
                                        + "  path: { prefix: { file: lists/dir.txt } }\n"))
                .containsExactly(
                        dir.resolve("t.yaml")
                                + ":5: list file 'lists/latin1.txt' is not valid UTF-8",
                        dir.resolve("t.yaml")
                                + ":6: list file 'lists/dir.txt' is not a file ("
                                + dir.toAbsolutePath().normalize().resolve("lists/dir.txt")
                                + ")");
    }

    @Test
    void aListFileOutsideTheRulesDirectoryIsAProblem() throws Exception {
        String outside = dir.getParent().resolve("outside.txt").toAbsolutePath().toString();
        assertThat(
                        problems(
                                HEAD
                                        + "  url: { contains: { file: ../outside.txt } }\n"
                                        + "  path: { contains: { file: '"
                                        + outside
                                        + "' } }\n"))
                .containsExactly(
                        dir.resolve("t.yaml")
                                + ":5: list file '../outside.txt' must be a relative path to a"
                                + " file inside the rules directory",
                        dir.resolve("t.yaml")
                                + ":6: list file '"
                                + outside
                                + "' must be a relative path to a file inside the rules"
                                + " directory");
    }

    @Test
    void malformedFileOperandsAreProblems() throws Exception {
        assertThat(
                        problems(
                                HEAD
                                        + "  url: { contains: { path: a.txt } }\n"
                                        + "  path: { prefix: { file: [a, b] } }\n"
                                        + "  query: { suffix: { file: a.txt, other: 1 } }\n"))
                .containsExactly(
                        dir.resolve("t.yaml")
                                + ":5: 'contains' takes a text value, a list of them or {file:"
                                + " path}; found a mapping with path",
                        dir.resolve("t.yaml")
                                + ":6: 'file' must be the path of a list file relative to the"
                                + " rules directory, found a list",
                        dir.resolve("t.yaml")
                                + ":7: 'suffix' takes a text value, a list of them or {file:"
                                + " path}; found a mapping with file, other");
    }

    @Test
    void upperCaseTextsForADecodedFieldAreProblems() throws Exception {
        write("lists/agents.txt", "sqlmap\nNikto\nMasscan\n");
        assertThat(
                        problems(
                                HEAD
                                        + "  agent_lower: { contains: { file: lists/agents.txt } }\n"
                                        + "  url_decoded: { prefix: /Admin }\n"
                                        + "  path_decoded: /WP\n"))
                .containsExactly(
                        dir.resolve("t.yaml")
                                + ":5: list file 'lists/agents.txt' has upper-case letters"
                                + " ('Nikto', 'Masscan'), which the lower-cased field"
                                + " 'agent_lower' never contains; write them in lower case",
                        dir.resolve("t.yaml")
                                + ":6: 'prefix' has upper-case letters ('/Admin'), which the"
                                + " lower-cased field 'url_decoded' never contains; write them in"
                                + " lower case",
                        dir.resolve("t.yaml")
                                + ":7: the value has upper-case letters ('/WP'), which the"
                                + " lower-cased field 'path_decoded' never contains; write them"
                                + " in lower case");
    }

    @Test
    void aRuleParsedWithoutADirectoryCannotNameAListFile() {
        RuleException e =
                catchThrowableOfType(
                        RuleException.class,
                        () ->
                                RuleLoader.parse(
                                        "<inline>",
                                        HEAD + "  url: { contains: { file: lists/a.txt } }\n"));
        assertThat(e.problems())
                .containsExactly(
                        "<inline>:5: list file 'lists/a.txt': this rule was not loaded from a"
                                + " rules directory, so there is nothing to resolve the path"
                                + " against");
    }

    @Test
    void aRuleParsedWithADirectoryReadsItsListFiles() throws Exception {
        write("lists/a.txt", "/x\n");
        Rule rule =
                RuleLoader.parse(
                        "<inline>", HEAD + "  url: { contains: { file: lists/a.txt } }\n", dir);
        assertThat(rule.steps().get(0).condition().test(request().url("/x").build())).isTrue();
    }

    @Test
    void classpathRulesReadListsRelativeToTheirFolderInsideAJar() throws Exception {
        Path jar = dir.resolve("rules.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("rules/"));
            out.closeEntry();
            put(out, "rules/t.yaml", HEAD + "  url: { contains: { file: lists/a.txt } }\n");
            put(out, "rules/lists/a.txt", "# probes\n/.env\n");
            put(
                    out,
                    "rules/u.yaml",
                    "id: u\nseverity: info\nwithin: 1m\nmatch:\n"
                            + "  url: { contains: { file: lists/missing.txt } }\n");
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            RuleException e =
                    catchThrowableOfType(
                            RuleException.class, () -> RuleLoader.loadClasspath("rules", loader));
            assertThat(e.problems())
                    .containsExactly(
                            "rules/u.yaml:5: list file 'lists/missing.txt' does not exist"
                                    + " (/rules/lists/missing.txt)");
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("rules/"));
            out.closeEntry();
            put(out, "rules/t.yaml", HEAD + "  url: { contains: { file: lists/a.txt } }\n");
            put(out, "rules/lists/a.txt", "# probes\n/.env\n");
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Condition condition =
                    RuleLoader.loadClasspath("rules", loader).get(0).steps().get(0).condition();
            assertThat(condition.test(request().url("/a/.env").build())).isTrue();
            assertThat(condition.test(request().url("/a/env").build())).isFalse();
        }
    }

    private static void put(JarOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
