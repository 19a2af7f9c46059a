package io.nginxalerts.core.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code log_format} directives from the text of an nginx.conf, with nginx's own token rules:
 * words and quoted strings separated by white space, {@code #} comments, {@code ;} ending a
 * directive (which may span lines), and inside quotes the escapes {@code \"}, {@code \'}, {@code
 * \\}, {@code \t}, {@code \r}, {@code \n}. {@code include}d files are not followed.
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
        List<String> tokens = tokens(confText);
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
