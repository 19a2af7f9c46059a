package io.nginxalerts.core.rules;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Loads and validates rule files ({@code rules/<folder>/<id>.yaml}, one rule per file) into {@link
 * Rule}s whose conditions are compiled, serializable {@link Condition}s.
 *
 * <p>The layout: rule files are read from the rules directory (the root) and its folders, down to
 * {@link #MAX_DEPTH} levels, in order of their path relative to the root; ids are unique across the
 * whole tree. The root's {@code lists/} folder holds list files, not rules, and is not read for
 * rules; the root's {@code allowlist.yaml} (optional; see {@code Allowlist}) exempts clients from
 * every rule that does not say {@code allowlist: false}. Names starting with a dot are skipped.
 *
 * <p>Guarantees: the loader throws nothing but {@link RuleException}, whatever the input; a rule
 * set is returned only if every file is valid, otherwise the exception lists every problem of every
 * file as {@code file:line: message} (line 1-based, of the offending key or value); loading never
 * touches the network (CIDR literals are parsed here, never resolved) and user regexes are compiled
 * with RE2/J, so matching is linear in the text.
 *
 * <p>The rule format: {@code id} (required, {@code [a-z0-9][a-z0-9-]{0,63}}, equal to the file name
 * without {@code .yaml}/{@code .yml}), {@code description}, {@code severity} (required: {@code
 * info}, {@code warning} or {@code critical}), {@code group_by} (field names, default {@code
 * [clientip]}), either {@code match} with {@code threshold} (default 1) or a {@code sequence} of at
 * least two steps ({@code match}, {@code at_least} default 1), {@code within} (required, at most
 * {@code 1d}) and {@code suppress} (default {@code within}, {@code 0s} for none, at most {@code
 * 7d}) and {@code allowlist} (default {@code true}; {@code false}: the allowlist exempts no one
 * from this rule). Durations are a whole number and one of {@code ms s m h d}; counts are 1 to
 * 10000. Field names are those of {@link io.nginxalerts.core.event.AccessEvent#FIELDS} except the
 * ISO timestamp, or dotted paths whose first segment is one of {@code geoip}, {@code user_agent},
 * {@code host}, {@code event}, {@code log}, {@code source}, {@code client}.
 *
 * <p>Conditions ({@code match}): a mapping whose entries all must hold. An entry is {@code any:
 * [match, ...]}, {@code all: [match, ...]}, {@code not: match}, or {@code field: test}; a test is a
 * value (equality with the field's text; {@code status} also takes {@code 1xx}..{@code 5xx}), a
 * list of values (any), or a mapping of operators that all must hold: {@code prefix}, {@code
 * suffix}, {@code contains} (a text or a list, any), {@code regex} (RE2 syntax, found anywhere),
 * {@code gt}, {@code gte}, {@code lt}, {@code lte} (the field as a number; {@code upstreamtime}
 * sums its entries), {@code cidr} (IPv4/IPv6 networks) and {@code not} (a test). A missing or
 * unsuitable field fails every test, so it passes under {@code not}. {@code equals}, {@code
 * prefix}, {@code suffix} and {@code contains} also take {@code {file: path}}: the entries of a
 * list file, path relative to the rules directory (the class-path folder for {@link
 * #loadClasspath}), any of them (see {@code ListFiles} for the format and its problems). The
 * decoded fields {@code url_decoded}, {@code path_decoded}, {@code query_decoded} and {@code
 * agent_lower} ({@code DecodedField}) may be used wherever a field name may.
 */
public final class RuleLoader {
    /** Larger rule files are refused unread; real rules are a few hundred bytes. */
    static final long MAX_FILE_BYTES = 1 << 20;

    /** How deep rule folders may nest below the root: {@code http/wordpress/x.yaml} is 2. */
    static final int MAX_DEPTH = 4;

    /** The root's folder of list files, never read for rules. */
    static final String LISTS_DIR = "lists";

    private RuleLoader() {}

    /**
     * Loads every {@code *.yaml} and {@code *.yml} file in {@code dir} and its folders (other
     * files, such as a README, are ignored; see the class comment for what is skipped), sorted by
     * id. Messages name files as {@code dir.resolve("http/x.yaml")}.
     *
     * @throws RuleException listing every problem, if any file is invalid, two files share an id,
     *     the directory cannot be read or it holds no rule file, or its allowlist is invalid
     */
    public static List<Rule> loadDirectory(Path dir) throws RuleException {
        if (dir == null) {
            throw new RuleException(List.of("<null>: no rule directory given"));
        }
        List<String> problems = new ArrayList<>();
        List<RuleParser.Parsed> parsed = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        try {
            readDirectory(
                    dir,
                    dir.toString(),
                    name -> dir.resolve(name).toString(),
                    problems,
                    parsed,
                    sources);
        } catch (RuntimeException e) {
            problems.add(dir + ": cannot read rules: " + e);
        }
        return finish(dir.toString(), problems, parsed, sources);
    }

    /**
     * Parses one rule file. A {@code sourceName} ending in {@code .yaml} or {@code .yml} must be
     * named after the rule's id; any other name (e.g. {@code "<inline>"}) is not checked. A rule
     * parsed this way has no rules directory, so a list file it names is a problem; see {@link
     * #parse(String, String, Path)}.
     *
     * @param sourceName how messages and {@link Rule#source()} name the file, e.g. {@code
     *     rules/x.yaml}
     * @throws RuleException listing every problem of the file
     */
    public static Rule parse(String sourceName, String yamlText) throws RuleException {
        return parse(sourceName, yamlText, null);
    }

    /**
     * As {@link #parse(String, String)}, with the list files that conditions name ({@code {file:
     * lists/x.txt}}) read relative to {@code rulesDir}. The directory's allowlist is not applied:
     * only a whole rule set has one.
     *
     * @param rulesDir the directory list-file paths are relative to; {@code null} for none
     * @throws RuleException listing every problem of the file
     */
    public static Rule parse(String sourceName, String yamlText, Path rulesDir)
            throws RuleException {
        String source = sourceName == null ? "<unnamed>" : sourceName;
        Problems problems = new Problems(source);
        if (yamlText == null) {
            problems.add(1, "no text");
            throw new RuleException(problems.messages());
        }
        if (yamlText.length() > MAX_FILE_BYTES) {
            problems.add(1, "the file is larger than " + MAX_FILE_BYTES + " bytes");
            throw new RuleException(problems.messages());
        }
        ListFiles lists = rulesDir == null ? ListFiles.NONE : new ListFiles(rulesDir);
        RuleParser.Parsed parsed = RuleParser.parse(yamlText, problems, lists);
        if (parsed.rule() == null) {
            if (problems.count() == 0) {
                problems.add(1, "not a valid rule");
            }
            throw new RuleException(problems.messages());
        }
        return parsed.rule();
    }

    /**
     * Loads the rule files in a class-path directory, e.g. {@code "rules"}, from a plain directory
     * or from inside a jar (opened with its own zip file system, so concurrent loads do not share
     * one). If several class-path entries hold the directory, their files are loaded together (a
     * duplicate id is then an error; each has its own allowlist). Messages name files {@code
     * resourceDir/http/x.yaml}. A directory inside a jar is found only if the jar has an entry for
     * it, which Maven's jar and shade plugins write.
     *
     * @throws RuleException as {@link #loadDirectory}, or if no class-path entry holds the
     *     directory
     */
    public static List<Rule> loadClasspath(String resourceDir, ClassLoader loader)
            throws RuleException {
        String dir = resourceDir == null ? "" : trimSlashes(resourceDir);
        List<String> problems = new ArrayList<>();
        List<RuleParser.Parsed> parsed = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        try {
            ClassLoader classLoader =
                    loader != null ? loader : Thread.currentThread().getContextClassLoader();
            Set<URL> urls = new LinkedHashSet<>(Collections.list(classLoader.getResources(dir)));
            if (urls.isEmpty()) {
                throw new RuleException(List.of(dir + ": no such directory on the class path"));
            }
            for (URL url : urls) {
                readClasspathEntry(url, dir, problems, parsed, sources);
            }
        } catch (IOException | RuntimeException e) {
            problems.add(dir + ": cannot read rules from the class path: " + e);
        }
        return finish(dir, problems, parsed, sources);
    }

    private static void readClasspathEntry(
            URL url,
            String dir,
            List<String> problems,
            List<RuleParser.Parsed> parsed,
            List<String> sources)
            throws IOException {
        URI uri;
        try {
            uri = url.toURI();
        } catch (java.net.URISyntaxException e) {
            problems.add(dir + ": cannot read " + url + ": " + e.getMessage());
            return;
        }
        switch (uri.getScheme()) {
            case "file":
                readDirectory(
                        Path.of(uri), dir, name -> dir + "/" + name, problems, parsed, sources);
                return;
            case "jar":
                {
                    // jar:file:/path/app.jar!/rules -> the jar's own path; the entry is `dir`.
                    String spec = uri.getRawSchemeSpecificPart();
                    int bang = spec.indexOf("!/");
                    URI jar = URI.create(bang < 0 ? spec : spec.substring(0, bang));
                    if (!"file".equals(jar.getScheme())) {
                        problems.add(dir + ": cannot read rules from " + url);
                        return;
                    }
                    try (FileSystem zip = FileSystems.newFileSystem(Path.of(jar))) {
                        readDirectory(
                                zip.getPath(dir),
                                dir,
                                name -> dir + "/" + name,
                                problems,
                                parsed,
                                sources);
                    }
                    return;
                }
            default:
                problems.add(dir + ": cannot read rules from " + url);
        }
    }

    /**
     * Reads the allowlist at the root of a rule tree, then parses its rule files in order of their
     * path relative to the root.
     *
     * @param label how messages name the root
     * @param sourceName how messages name a file, from its path relative to the root ({@code
     *     http/x.yaml})
     */
    private static void readDirectory(
            Path dir,
            String label,
            UnaryOperator<String> sourceName,
            List<String> problems,
            List<RuleParser.Parsed> parsed,
            List<String> sources) {
        if (!Files.isDirectory(dir)) {
            problems.add(label + ": not a directory");
            return;
        }
        TreeMap<String, Path> files = new TreeMap<>();
        collect(dir, "", 0, label, problems, files);
        // List files are relative to the root; one reader shares them among its rules.
        ListFiles lists = new ListFiles(dir);
        Allowlist allowlist = readAllowlist(dir, sourceName, problems, lists);
        SharedMatches shared = new SharedMatches();
        for (Map.Entry<String, Path> file : files.entrySet()) {
            String source = sourceName.apply(file.getKey());
            Problems fileProblems = new Problems(source, problems);
            String text = read(file.getValue(), fileProblems);
            if (text != null) {
                parsed.add(RuleParser.parse(text, fileProblems, lists, shared, allowlist));
                sources.add(source);
            }
        }
    }

    /**
     * Adds the rule files under {@code dir} to {@code files}, by their path relative to the root
     * ({@code /}-separated). Skips the root's {@code lists/} folder and {@code allowlist.yaml}, and
     * names starting with a dot (version control, and the {@code ..data} links of a Kubernetes
     * ConfigMap volume, which would load every rule twice).
     */
    private static void collect(
            Path dir,
            String relative,
            int depth,
            String label,
            List<String> problems,
            TreeMap<String, Path> files) {
        List<Path> entries;
        try (Stream<Path> listing = Files.list(dir)) {
            entries = listing.toList();
        } catch (IOException | RuntimeException e) {
            problems.add(
                    label + (relative.isEmpty() ? "" : "/" + relative) + ": cannot list: " + e);
            return;
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            // Zip file systems name directories with a trailing slash.
            if (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            String path = relative.isEmpty() ? name : relative + "/" + name;
            if (name.startsWith(".")
                    || (depth == 0
                            && (name.equals(LISTS_DIR) || name.equals(Allowlist.FILE_NAME)))) {
                continue;
            }
            if (Files.isDirectory(entry)) {
                if (depth + 1 > MAX_DEPTH) {
                    problems.add(
                            label
                                    + "/"
                                    + path
                                    + ": rule folders nest at most "
                                    + MAX_DEPTH
                                    + " levels below the rules directory; move its files up");
                } else {
                    collect(entry, path, depth + 1, label, problems, files);
                }
            } else if (isRuleFile(entry)) {
                files.put(path, entry);
            }
        }
    }

    /** The root's allowlist; empty if there is none, or after reporting its problems. */
    private static Allowlist readAllowlist(
            Path dir, UnaryOperator<String> sourceName, List<String> problems, ListFiles lists) {
        Path file = dir.resolve(Allowlist.FILE_NAME);
        if (!Files.exists(file)) {
            return Allowlist.EMPTY;
        }
        Problems fileProblems = new Problems(sourceName.apply(Allowlist.FILE_NAME), problems);
        if (!Files.isRegularFile(file)) {
            fileProblems.add(1, "the allowlist is not a file");
            return Allowlist.EMPTY;
        }
        String text = read(file, fileProblems);
        Allowlist allowlist = text == null ? null : Allowlist.parse(text, fileProblems, lists);
        return allowlist == null ? Allowlist.EMPTY : allowlist;
    }

    private static boolean isRuleFile(Path file) {
        String name = file.getFileName().toString();
        return (name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(file);
    }

    /** The file as strict UTF-8, or null after reporting why not. */
    private static String read(Path file, Problems problems) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                problems.add(1, "the file is larger than " + MAX_FILE_BYTES + " bytes");
                return null;
            }
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            problems.add(1, "the file is not valid UTF-8");
            return null;
        } catch (IOException | RuntimeException e) {
            problems.add(1, "cannot read: " + e);
            return null;
        }
    }

    /** Adds duplicate-id problems, then returns the rules sorted by id or throws everything. */
    private static List<Rule> finish(
            String label,
            List<String> problems,
            List<RuleParser.Parsed> parsed,
            List<String> sources)
            throws RuleException {
        Map<String, String> firstSource = new LinkedHashMap<>();
        for (int i = 0; i < parsed.size(); i++) {
            String id = parsed.get(i).id();
            if (id == null) {
                continue;
            }
            String other = firstSource.putIfAbsent(id, sources.get(i));
            if (other != null) {
                problems.add(
                        sources.get(i)
                                + ":"
                                + Math.max(1, parsed.get(i).idLine())
                                + ": duplicate id '"
                                + id
                                + "', also defined in "
                                + other);
            }
        }
        if (problems.isEmpty() && parsed.isEmpty()) {
            problems.add(label + ": no rule files (*.yaml, *.yml)");
        }
        if (!problems.isEmpty()) {
            throw new RuleException(problems);
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            Rule rule = parsed.get(i).rule();
            if (rule == null) {
                // Cannot happen (a failed parse always reports why), but never return a null rule.
                throw new RuleException(List.of(sources.get(i) + ":1: not a valid rule"));
            }
            rules.add(rule);
        }
        rules.sort(Comparator.comparing(Rule::id));
        sharePrefilters(rules);
        return List.copyOf(rules);
    }

    /**
     * One prefilter scan per field for all of the set's regexes on it ({@link SharedPrefilters}):
     * the steps' conditions and ratio rules' {@code of}.
     */
    static void sharePrefilters(List<Rule> rules) {
        List<Condition> roots = new ArrayList<>();
        for (Rule rule : rules) {
            for (Step step : rule.steps()) {
                roots.add(step.condition());
            }
            if (rule.kind() instanceof RuleKind.Ratio ratio) {
                roots.add(ratio.of());
            }
        }
        SharedPrefilters.share(roots);
    }

    private static String trimSlashes(String path) {
        int from = 0;
        int to = path.length();
        while (from < to && path.charAt(from) == '/') {
            from++;
        }
        while (to > from && path.charAt(to - 1) == '/') {
            to--;
        }
        return path.substring(from, to);
    }
}
