package io.nginxalerts.testing.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The external corpus ({@code shared/external-corpus}: other projects' labelled access-log
 * fixtures) read as one input for the rules: every case's lines, parsed as the job parses them,
 * with each case's client IPs renamed to addresses of their own, merged in timestamp order.
 *
 * <p>Cases share client IPs ({@code 127.0.0.1} is in many), so each (case, IP) pair gets a new
 * address from 198.18.0.0/15 (the benchmarking range, in no case), in order of first appearance;
 * {@link #original} maps it back. Only the leading address of a line changes; everything else, the
 * timestamp included, is the case's own.
 *
 * <p>The corpus is read at test time from where it lies and never copied: it is other projects'
 * data under their licences. Lines the parser rejects are counted per case ({@link #unparsed}) and
 * left out of {@link #lines} and {@link #events}.
 */
public final class Corpus {
    /** Where the corpus lies relative to a checkout's parent directory. */
    public static final String RELATIVE_DIR = "shared/external-corpus";

    /** A system property that points at the corpus directory instead of the search. */
    public static final String DIR_PROPERTY = "corpus.dir";

    private final Path dir;
    private final List<CorpusCase> cases;
    private final List<String> lines;
    private final List<AccessEvent> events;
    private final Map<String, CaseIp> original;
    private final Map<String, Integer> eventsPerCase;
    private final Map<String, List<String>> unparsed;

    private Corpus(
            Path dir,
            List<CorpusCase> cases,
            List<String> lines,
            List<AccessEvent> events,
            Map<String, CaseIp> original,
            Map<String, Integer> eventsPerCase,
            Map<String, List<String>> unparsed) {
        this.dir = dir;
        this.cases = List.copyOf(cases);
        this.lines = Collections.unmodifiableList(lines);
        this.events = Collections.unmodifiableList(events);
        this.original = Collections.unmodifiableMap(original);
        this.eventsPerCase = Collections.unmodifiableMap(eventsPerCase);
        this.unparsed = Collections.unmodifiableMap(unparsed);
    }

    /**
     * The corpus directory: the {@value #DIR_PROPERTY} system property if set, else the first
     * {@value #RELATIVE_DIR} with a {@code cases.json} in the working directory or one of its
     * parents (a module's tests run in the module, a worktree may sit deeper than the checkout).
     */
    public static Optional<Path> locate() {
        String property = System.getProperty(DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            Path dir = Path.of(property);
            return Files.isRegularFile(dir.resolve("cases.json"))
                    ? Optional.of(dir)
                    : Optional.empty();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path dir = p.resolve(RELATIVE_DIR);
            if (Files.isRegularFile(dir.resolve("cases.json"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** Reads {@code cases.json} and every case's log under {@code dir}. */
    public static Corpus read(Path dir) {
        List<CorpusCase> cases = readCases(dir.resolve("cases.json"));
        LogParser parser = new LogParser(ParserSettings.defaults());
        Map<CaseIp, String> renamed = new HashMap<>();
        Map<String, CaseIp> original = new LinkedHashMap<>();
        Map<String, Integer> eventsPerCase = new LinkedHashMap<>();
        Map<String, List<String>> unparsed = new LinkedHashMap<>();
        List<Parsed> parsed = new ArrayList<>();
        for (CorpusCase c : cases) {
            List<String> rejected = new ArrayList<>();
            int n = 0;
            for (String raw : readLines(dir.resolve(c.log()))) {
                String line = raw.strip();
                if (line.isEmpty()) {
                    continue;
                }
                ParseResult first = parse(parser, line);
                if (!first.isEvent()) {
                    rejected.add(first.reason().code() + ": " + first.detail());
                    continue;
                }
                CaseIp ip = new CaseIp(c.id(), first.event().clientip());
                String address = renamed.computeIfAbsent(ip, k -> address(renamed.size()));
                original.putIfAbsent(address, ip);
                String renamedLine = address + line.substring(line.indexOf(' '));
                ParseResult second = parse(parser, renamedLine);
                if (!second.isEvent() || !address.equals(second.event().clientip())) {
                    rejected.add("client address is not the line's first field");
                    continue;
                }
                parsed.add(new Parsed(second.event(), renamedLine));
                n++;
            }
            eventsPerCase.put(c.id(), n);
            unparsed.put(c.id(), List.copyOf(rejected));
        }
        // Stable: equal timestamps keep case order, then line order.
        parsed.sort(Comparator.comparingLong(p -> p.event.timestamp()));
        List<String> lines = new ArrayList<>(parsed.size());
        List<AccessEvent> events = new ArrayList<>(parsed.size());
        for (Parsed p : parsed) {
            lines.add(p.line);
            events.add(p.event);
        }
        return new Corpus(dir, cases, lines, events, original, eventsPerCase, unparsed);
    }

    private record Parsed(AccessEvent event, String line) {}

    private static ParseResult parse(LogParser parser, String line) {
        return parser.parse(line.getBytes(StandardCharsets.UTF_8));
    }

    /** The n-th address of 198.18.0.0/15, from 198.18.0.1. */
    static String address(int n) {
        int host = n + 1;
        if (host >= 1 << 17) {
            throw new IllegalStateException("more than 131,071 client IPs in the corpus");
        }
        return "198." + (18 + (host >> 16)) + "." + ((host >> 8) & 255) + "." + (host & 255);
    }

    private static List<CorpusCase> readCases(Path file) {
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            List<CorpusCase> cases = new ArrayList<>();
            for (JsonNode c : root.path("cases")) {
                cases.add(
                        new CorpusCase(
                                c.path("id").asText(),
                                c.path("class").asText(),
                                c.path("attack").asText(""),
                                c.path("log").asText(),
                                texts(c.path("expected_ips")),
                                texts(c.path("benign_ips")),
                                texts(c.path("neutral_ips"))));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static List<String> readLines(Path file) {
        try {
            // Fixtures are mostly ASCII; a stray byte must not stop the whole corpus.
            return List.of(
                    new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\\R"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The cases, in the order of {@code cases.json}. */
    public List<CorpusCase> cases() {
        return cases;
    }

    /** Every parsed line with its address renamed, in timestamp order: a log for the job. */
    public List<String> lines() {
        return lines;
    }

    /** The events of {@link #lines}, in the same order. */
    public List<AccessEvent> events() {
        return events;
    }

    /** The case and IP a renamed address stands for, or empty if it is none of the corpus. */
    public Optional<CaseIp> original(String address) {
        return Optional.ofNullable(original.get(address));
    }

    /** The renamed address of a case's IP, or empty if the case has no line from it. */
    public Optional<String> renamed(String caseId, String ip) {
        CaseIp wanted = new CaseIp(caseId, ip);
        return original.entrySet().stream()
                .filter(e -> e.getValue().equals(wanted))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** How many of a case's lines became events. */
    public int events(String caseId) {
        return eventsPerCase.getOrDefault(caseId, 0);
    }

    /** Why each rejected line of a case was rejected (reason code and detail), in file order. */
    public List<String> unparsed(String caseId) {
        return unparsed.getOrDefault(caseId, List.of());
    }
}
