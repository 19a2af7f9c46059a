package io.nginxalerts.core.rules;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the list files that conditions name ({@code contains: { file: lists/backdoors.txt }}),
 * relative to the directory the rule files were read from: a directory on disk, or the class-path
 * folder (inside a jar too). Each file is read at most once per load, however many rules use it.
 *
 * <p>The format: UTF-8, one entry per line; surrounding whitespace is trimmed; blank lines and
 * lines whose first non-blank character is {@code #} are ignored (a {@code #} later in a line is
 * part of the entry); a repeated entry counts once. A list that is missing, not a regular file,
 * larger than {@link #MAX_LIST_BYTES}, not valid UTF-8, has no entry, or whose path is absolute or
 * leaves the rules directory is a problem of the rule, reported at the line of its {@code file:}
 * key.
 */
final class ListFiles {
    /** A bound like that of rule files; 1 MiB holds tens of thousands of paths or agents. */
    static final long MAX_LIST_BYTES = 1 << 20;

    /** For a rule parsed without a directory: every list file is a problem. */
    static final ListFiles NONE = new ListFiles(null);

    private final Path base;
    private final Map<Path, Loaded> loaded = new HashMap<>();

    /** Entries, or why there are none. */
    private record Loaded(List<String> entries, String problem) {}

    /**
     * @param base the rules directory; {@code null} if there is none
     */
    ListFiles(Path base) {
        this.base = base == null ? null : base.toAbsolutePath().normalize();
    }

    /**
     * The entries of the list file {@code name}, or {@code null} after reporting why not.
     *
     * @param line the line of the {@code file:} key, for the problem
     */
    List<String> read(String name, Problems problems, int line) {
        String what = "list file '" + name + "'";
        if (base == null) {
            problems.add(
                    line,
                    what
                            + ": this rule was not loaded from a rules directory, so there is"
                            + " nothing to resolve the path against");
            return null;
        }
        Path file;
        try {
            Path relative = base.getFileSystem().getPath(name);
            file = base.resolve(relative).normalize();
            if (relative.isAbsolute() || !file.startsWith(base) || file.equals(base)) {
                problems.add(
                        line,
                        what + " must be a relative path to a file inside the rules directory");
                return null;
            }
        } catch (InvalidPathException e) {
            problems.add(line, what + " is not a valid path: " + e.getReason());
            return null;
        }
        Loaded list = loaded.computeIfAbsent(file, ListFiles::load);
        if (list.problem() != null) {
            problems.add(line, what + " " + list.problem());
            return null;
        }
        return list.entries();
    }

    private static Loaded load(Path file) {
        String text;
        try {
            if (!Files.exists(file)) {
                return new Loaded(null, "does not exist (" + file + ")");
            }
            if (!Files.isRegularFile(file)) {
                return new Loaded(null, "is not a file (" + file + ")");
            }
            if (Files.size(file) > MAX_LIST_BYTES) {
                return new Loaded(null, "is larger than " + MAX_LIST_BYTES + " bytes");
            }
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                            .toString();
        } catch (CharacterCodingException e) {
            return new Loaded(null, "is not valid UTF-8");
        } catch (IOException | RuntimeException e) {
            return new Loaded(null, "cannot be read: " + e);
        }
        List<String> entries = parse(text);
        if (entries.isEmpty()) {
            return new Loaded(null, "has no entries (only blank lines and # comments)");
        }
        return new Loaded(entries, null);
    }

    /** The entries of a list file's text, in file order, each once. */
    static List<String> parse(String text) {
        Set<String> entries = new LinkedHashSet<>();
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        for (String line : body.split("\r\n|\r|\n")) {
            String entry = line.strip();
            if (!entry.isEmpty() && !entry.startsWith("#")) {
                entries.add(entry);
            }
        }
        return List.copyOf(entries);
    }
}
