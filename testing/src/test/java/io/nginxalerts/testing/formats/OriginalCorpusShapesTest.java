package io.nginxalerts.testing.formats;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.testing.corpus.Corpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every line of the external corpus's {@code *.orig} files (the originals, before they were
 * converted to {@code combined}) is read without an option when it is an access-log line in a shape
 * we claim: Apache {@code common}, {@code vhost_combined}, syslog-prefixed nginx lines, combined.
 * And each gives the same event as its converted line in the {@code .log} beside it. The corpus is
 * read from {@code ../shared} at test time, never copied into the repository.
 */
class OriginalCorpusShapesTest {

    private final LogParser parser =
            new LogParser(new ParserSettings(65536, Duration.ofDays(36500), Clock.systemUTC()));

    @Test
    void everyAccessLogLineOfTheOriginalsParsesAsItsConvertedLine() throws IOException {
        Path dir = Corpus.locate().orElse(null);
        Assumptions.assumeTrue(
                dir != null,
                "external corpus not found: set -D"
                        + Corpus.DIR_PROPERTY
                        + " or keep ../shared/external-corpus next to the checkout; skipped");
        List<Path> originals;
        try (Stream<Path> files = Files.walk(dir)) {
            originals = files.filter(p -> p.toString().endsWith(".orig")).sorted().toList();
        }
        assertThat(originals).isNotEmpty();
        int read = 0;
        List<String> failures = new ArrayList<>();
        for (Path orig : originals) {
            Path converted = Path.of(orig.toString().replaceAll("\\.orig$", ".log"));
            Map<String, Integer> expected = new HashMap<>();
            for (String line : lines(converted)) {
                ParseResult r = parser.parse(line.getBytes(StandardCharsets.UTF_8));
                if (r.isEvent()) {
                    expected.merge(key(r.event()), 1, Integer::sum);
                }
            }
            for (String line : lines(orig)) {
                if (!claimedShape(line)) {
                    continue;
                }
                read++;
                ParseResult r = parser.parse(line.getBytes(StandardCharsets.UTF_8));
                if (!r.isEvent()) {
                    failures.add(orig.getFileName() + ": " + r.detail() + ": " + line);
                } else if (expected.merge(key(r.event()), -1, Integer::sum) < 0) {
                    failures.add(orig.getFileName() + ": not as converted: " + line);
                }
            }
        }
        System.out.printf("%d access-log lines of %d .orig files%n", read, originals.size());
        assertThat(failures).as("dead letters or different events").isEmpty();
        assertThat(read).isGreaterThan(100);
    }

    /**
     * Lines of shapes no option claims are left out, each for its reason: label comments of
     * fail2ban, nginx/Apache error-log lines, and records of other proxies (Traefik, Caddy, Envoy,
     * AWS ALB, Zoraxy), which the corpus converted by rewriting, not by dropping a prefix.
     */
    private static boolean claimedShape(String line) {
        return !(line.startsWith("#")
                || line.startsWith("{")
                || line.startsWith("[")
                || line.startsWith("http ")
                || line.startsWith("https ")
                || line.matches("^\\d{4}/\\d\\d/\\d\\d .*")
                || line.contains(" [error] ")
                || line.contains(" stdout F ")
                || line.contains(" systemd[")
                || line.contains(" kernel:"));
    }

    /** What a rule sees of an event, to match an original with its converted line. */
    private static String key(AccessEvent e) {
        return e.clientip()
                + " "
                + e.timestamp()
                + " "
                + e.method()
                + " "
                + e.url()
                + " "
                + e.status()
                + " "
                + e.size()
                + " "
                + e.agent()
                + " "
                + e.refer();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
