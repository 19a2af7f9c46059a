package io.nginxalerts.core.parse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads {@code log_format} directives from the text of an nginx.conf, with nginx's own token rules:
 * words and quoted strings separated by white space, {@code #} comments, {@code ;} ending a
 * directive (which may span lines), and inside quotes the escapes {@code \"}, {@code \'}, {@code
 * \\}, {@code \t}, {@code \r}, {@code \n}. Read from a file ({@link #logFormat(Path, String)}),
 * {@code include} directives are followed as nginx follows them.
 */
public final class NginxConf {

    private NginxConf() {}

    /**
     * Compiles the {@code log_format} named {@code name} in {@code confText}: its quoted parts
     * concatenated, with its {@code escape=} parameter.
     *
     * @throws LogFormatException when there is no such format (the message lists those there are)
     *     or it does not compile
     */
    public static LogFormat logFormat(String confText, String name) {
        return logFormat(tokens(confText), name);
    }

    /**
     * As {@link #logFormat(String, String)}, over the file {@code conf} with every {@code include}
     * read in its place, as nginx reads them: a relative path is taken from the directory of {@code
     * conf} (nginx's configuration prefix, for nginx.conf), also in included files; a pattern with
     * {@code *}, {@code ?} or {@code [} in its file name includes the matching files in name order,
     * or none (nginx accepts a pattern that matches nothing); a plain path that is not there is an
     * error, as it is for nginx. A file that includes itself, directly or not, is an error.
     *
     * @throws IOException when {@code conf} itself cannot be read
     * @throws LogFormatException as {@link #logFormat(String, String)}, and when an include cannot
     *     be followed (the message names the file and the directive)
     */
    public static LogFormat logFormat(Path conf, String name) throws IOException {
        Path main = conf.toAbsolutePath().normalize();
        String text = Files.readString(main);
        List<String> tokens = new ArrayList<>();
        expand(main, text, main.getParent(), tokens, new ArrayDeque<>());
        return logFormat(tokens, name);
    }

    /** How deep includes may nest; nginx has no limit, a cycle is caught before this. */
    private static final int MAX_INCLUDE_DEPTH = 32;

    /** Appends the tokens of {@code file} to {@code out}, each include replaced by its files'. */
    private static void expand(
            Path file, String text, Path prefix, List<String> out, Deque<Path> including) {
        if (including.contains(file)) {
            throw new LogFormatException(
                    "include cycle: " + cycle(including, file) + " includes itself again",
                    "include");
        }
        if (including.size() >= MAX_INCLUDE_DEPTH) {
            throw new LogFormatException(
                    "includes nested more than " + MAX_INCLUDE_DEPTH + " deep at " + file,
                    "include");
        }
        List<String> tokens;
        try {
            tokens = tokens(text);
        } catch (LogFormatException e) {
            throw new LogFormatException(file + ": " + e.getMessage(), e.variable());
        }
        including.push(file);
        int start = 0;
        for (int i = 0; i < tokens.size(); i++) {
            if (!isStructural(tokens.get(i))) {
                continue;
            }
            if (i - start == 2
                    && tokens.get(start).equals("include")
                    && tokens.get(i) == SEMICOLON) {
                for (Path included : included(file, prefix, tokens.get(start + 1))) {
                    String includedText;
                    try {
                        includedText = Files.readString(included);
                    } catch (IOException e) {
                        throw new LogFormatException(
                                "cannot read " + included + ", included by " + file + ": " + e,
                                "include");
                    }
                    expand(included, includedText, prefix, out, including);
                }
            } else {
                out.addAll(tokens.subList(start, i + 1));
            }
            start = i + 1;
        }
        out.addAll(tokens.subList(start, tokens.size()));
        including.pop();
    }

    /** The files {@code include pattern;} in {@code file} names, in the order nginx reads them. */
    private static List<Path> included(Path file, Path prefix, String pattern) {
        Path path = prefix.resolve(pattern).normalize();
        String fileName = path.getFileName() == null ? "" : path.getFileName().toString();
        boolean glob =
                fileName.indexOf('*') >= 0
                        || fileName.indexOf('?') >= 0
                        || fileName.indexOf('[') >= 0;
        if (!glob) {
            if (!Files.isRegularFile(path)) {
                throw new LogFormatException(
                        "include " + pattern + " in " + file + ": no file " + path, "include");
            }
            return List.of(path);
        }
        Path dir = path.getParent();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        PathMatcher matcher = dir.getFileSystem().getPathMatcher("glob:" + fileName);
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> matcher.matches(p.getFileName()))
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new LogFormatException(
                    "include " + pattern + " in " + file + ": cannot list " + dir + ": " + e,
                    "include");
        }
    }

    private static String cycle(Deque<Path> including, Path again) {
        List<String> chain = new ArrayList<>();
        for (Iterator<Path> outermostFirst = including.descendingIterator();
                outermostFirst.hasNext(); ) {
            chain.add(outermostFirst.next().toString());
        }
        chain.add(again.toString());
        return String.join(" -> ", chain);
    }

    private static LogFormat logFormat(List<String> tokens, String name) {
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (isStructural(t)) {
                if (i - start >= 2 && tokens.get(start).equals("log_format")) {
                    String found = tokens.get(start + 1);
                    if (found.equals(name)) {
                        return compileArguments(tokens.subList(start + 2, i));
                    }
                    names.add(found);
                }
                start = i + 1;
            }
        }
        if (name.equals("combined")) {
            // nginx's built-in format, which no nginx.conf defines.
            return LogFormat.nginx(COMBINED, LogFormat.Escape.DEFAULT);
        }
        throw new LogFormatException(
                "no log_format named '"
                        + name
                        + "'"
                        + (names.isEmpty() ? "" : " (there are: " + String.join(", ", names) + ")"),
                name);
    }

    /** nginx's predefined {@code combined} format. */
    public static final String COMBINED =
            "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent"
                    + " \"$http_referer\" \"$http_user_agent\"";

    /** {@code [escape=...] part part ...}: the arguments of a directive after its name. */
    static LogFormat compileArguments(List<String> args) {
        LogFormat.Escape escape = LogFormat.Escape.DEFAULT;
        int from = 0;
        if (!args.isEmpty() && args.get(0).startsWith("escape=")) {
            escape = LogFormat.Escape.named(args.get(0).substring("escape=".length()));
            from = 1;
        }
        if (from >= args.size()) {
            throw new LogFormatException("the log_format has no format string", null);
        }
        return LogFormat.nginx(String.join("", args.subList(from, args.size())), escape);
    }

    private static final String SEMICOLON = new String(";");
    private static final String OPEN = new String("{");
    private static final String CLOSE = new String("}");

    /**
     * Whether a token of {@link #tokens} ends a directive. Compared by identity: a quoted {@code
     * '{'} in a JSON format is text, not a block.
     */
    @SuppressWarnings("StringEquality")
    static boolean isStructural(String token) {
        return token == SEMICOLON || token == OPEN || token == CLOSE;
    }

    /**
     * nginx.conf tokens; {@code ;}, {@code {} and {@code }} out of quotes are tokens of their own,
     * recognised by {@link #isStructural}.
     */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        StringBuilder sb = new StringBuilder();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == ';' || c == '{' || c == '}') {
                out.add(c == ';' ? SEMICOLON : c == '{' ? OPEN : CLOSE);
                i++;
            } else if (c == '"' || c == '\'') {
                sb.setLength(0);
                i++;
                while (i < n && text.charAt(i) != c) {
                    char ch = text.charAt(i);
                    if (ch == '\\' && i + 1 < n) {
                        char e = text.charAt(i + 1);
                        switch (e) {
                            case '"', '\'', '\\' -> sb.append(e);
                            case 't' -> sb.append('\t');
                            case 'r' -> sb.append('\r');
                            case 'n' -> sb.append('\n');
                            default -> sb.append(ch).append(e);
                        }
                        i += 2;
                    } else {
                        sb.append(ch);
                        i++;
                    }
                }
                if (i >= n) {
                    throw new LogFormatException("unclosed quote in the configuration", null);
                }
                i++;
                out.add(sb.toString());
            } else {
                sb.setLength(0);
                while (i < n) {
                    char ch = text.charAt(i);
                    if (Character.isWhitespace(ch) || ch == ';' || ch == '{' || ch == '}') {
                        break;
                    }
                    sb.append(ch);
                    i++;
                }
                out.add(sb.toString());
            }
        }
        return out;
    }
}
