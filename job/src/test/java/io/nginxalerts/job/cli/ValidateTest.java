package io.nginxalerts.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.rules.RuleLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateTest {
    @TempDir Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int validate(String... args) {
        return Validate.main(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void acceptsTheShippedRules() throws Exception {
        assertThat(validate("../rules")).isZero();
        // Every rule of the tree, however many the set holds today.
        int shipped = RuleLoader.loadDirectory(Path.of("..", "rules")).size();
        assertThat(shipped).isGreaterThan(8);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(
                        shipped + " rule(s) valid",
                        "client-errors-burst",
                        "login-brute-force-success");
    }

    @Test
    void printsEachProblemAsFileLineMessageAndExitsNonZero() throws Exception {
        Files.writeString(
                dir.resolve("bad.yaml"),
                "id: bad\nseverity: loud\nmatch: { status: 4xx }\nthreshold: 0\nwithin: 60s\n");
        assertThat(validate(dir.toString())).isEqualTo(1);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains(dir.resolve("bad.yaml") + ":2: ");
        assertThat(printed).contains(dir.resolve("bad.yaml") + ":4: ");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("problem(s)");
    }

    @Test
    void reportsAMissingListFileAtTheLineOfItsFileKey() throws Exception {
        Files.writeString(
                dir.resolve("probe.yaml"),
                "id: probe\nseverity: info\nwithin: 1m\nmatch:\n"
                        + "  url_decoded: { contains: { file: lists/nope.txt } }\n");
        assertThat(validate(dir.toString())).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(
                        dir.resolve("probe.yaml")
                                + ":5: list file 'lists/nope.txt' does not exist");
    }

    @Test
    void reportsProblemsOfRulesInFoldersAndOfTheAllowlistAsFileLineMessage() throws Exception {
        Files.createDirectories(dir.resolve("http"));
        Files.writeString(
                dir.resolve("http/probe.yaml"),
                "id: probe\nseverity: info\nwithin: 1m\nmatch: { status: 4xx }\nthreshold: 0\n");
        Files.writeString(dir.resolve("allowlist.yaml"), "networks:\n  - 10.0.0.0/8\n  - nope\n");
        assertThat(validate(dir.toString())).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(
                        dir.resolve("allowlist.yaml")
                                + ":3: bad network 'nope': not an IPv4 or IPv6 address",
                        dir.resolve("http/probe.yaml") + ":5: threshold must be");
    }

    @Test
    void refusesAPathThatIsNotADirectory() {
        assertThat(validate("/no/such/dir")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a directory");
    }

    @Test
    void checksAGivenLogFormatAndPrintsWhatEachVariableMapsTo() {
        assertThat(
                        validate(
                                "--input.log-format",
                                "$remote_addr [$time_local] \"$request\" $status $ssl_protocol"))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("log format valid (escape=default): 5 variable(s)")
                .containsPattern("\\$remote_addr +-> clientip")
                .containsPattern("\\$request +-> method, url, protocol")
                .containsPattern("\\$ssl_protocol +-> extra field ssl_protocol");
    }

    @Test
    void readsTheNamedFormatFromAnNginxConf() throws Exception {
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(
                conf,
                "http {\n  log_format main escape=json '{\"ip\":\"$remote_addr\",'\n"
                        + "    '\"t\":\"$msec\",\"s\":$status}';\n}\n");
        assertThat(validate("--input.log-format-file", conf.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("escape=json): 3 variable(s)");
    }

    @Test
    void aBrokenFormatNamesTheOptionAndTheVariable() {
        assertThat(validate("--input.log-format", "%h %t %>s %{%Y}t")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--input.log-format: ")
                .contains("%{%Y}t");
    }
}
