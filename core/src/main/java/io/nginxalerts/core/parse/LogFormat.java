package io.nginxalerts.core.parse;

import io.nginxalerts.core.event.AccessEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A text log format (an nginx {@code log_format} or an Apache {@code LogFormat} string) compiled
 * once into a parser for its lines.
 *
 * <p>The format is a sequence of literals and variables. A line is read left to right: each literal
 * must be there, and a variable's value runs up to the next literal (for a value in quotes, a
 * backslash-escaped quote does not end it; for a value out of quotes, a separator after a comma
 * does not end it, since nginx lists upstreams as {@code a, b}). No regex, no backtracking: the
 * cost is linear in the line.
 *
 * <p>Variables map to the event's fields ({@link #mappings()}); any other variable becomes an extra
 * field under its own name ({@code $ssl_protocol} → {@code ssl_protocol}), which rules can use like
 * any field; a name that is one of the event's own fields gets {@value #SHADOWED_SUFFIX} ({@code
 * $http_host} beside {@code $host} → {@code http_host_raw}). nginx prints {@code -} for an empty
 * value, and that is read as absent. Escaping is undone: {@code \xHH} (nginx's default, Apache's),
 * JSON escapes ({@code escape=json}), or nothing ({@code escape=none}).
 *
 * <p>Guarantees: construction fails with a {@link LogFormatException} naming the offending variable
 * for a format that cannot be parsed or lacks the client address, the status or a time; a line that
 * does not fit is rejected as {@link RejectReason#UNRECOGNIZED_FORMAT} with the character offset
 * where it stopped fitting and what was expected there. Immutable and thread-safe.
 */
public final class LogFormat implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Appended to an extra field's name that is one of the event's own field names. */
    public static final String SHADOWED_SUFFIX = "_raw";

    /** How values were escaped when nginx wrote them ({@code log_format ... escape=}). */
    public enum Escape {
        /** {@code \xHH} for quotes, backslashes and bytes outside printable ASCII. */
        DEFAULT,
        /** JSON string escapes. */
        JSON,
        /** Written as they are. */
        NONE;

        static Escape named(String name) {
            return switch (name) {
                case "default" -> DEFAULT;
                case "json" -> JSON;
                case "none" -> NONE;
                default ->
                        throw new LogFormatException(
                                "escape=" + name + " is not one of default, json, none", name);
            };
        }
    }

    /** Where a variable's value goes. */
    enum Target {
        CLIENTIP("clientip"),
        REQUEST("method, url, protocol"),
        METHOD("method"),
        URL("url"),
        URI("url (path part)"),
        ARGS("url (query part)"),
        PROTOCOL("protocol"),
        STATUS("status"),
        SIZE("size"),
        RESPONSETIME("responsetime"),
        RESPONSETIME_MICROS("responsetime (from microseconds)"),
        RESPONSETIME_MILLIS("responsetime (from milliseconds)"),
        UPSTREAMTIME("upstreamtime"),
        UPSTREAMHOST("upstreamhost"),
        HTTP_HOST("http_host"),
        HOST("host"),
        AGENT("agent"),
        REFER("refer"),
        XFF("xff"),
        REQUEST_ID("request_id"),
        TIME_LOCAL("@timestamp"),
        TIME_LOCAL_BRACKETED("@timestamp"),
        TIME_ISO("@timestamp"),
        MSEC("@timestamp (milliseconds)"),
        /** Apache's {@code %{format}t}: parts of one time, put together at the end of the line. */
        TIME_STRFTIME("@timestamp"),
        TIME_FRACTION_MILLIS("@timestamp (milliseconds of the second)"),
        TIME_FRACTION_MICROS("@timestamp (microseconds of the second)"),
        EPOCH_MILLIS("@timestamp (milliseconds since the epoch)"),
        EPOCH_MICROS("@timestamp (microseconds since the epoch)"),
        EXTRA("extra field"),
        IGNORED("(ignored)");

        final String field;

        Target(String field) {
            this.field = field;
        }
    }

    /**
     * One variable of the format.
     *
     * @param name as written in the format ({@code $remote_addr}, {@code %>s})
     * @param target where the value goes
     * @param key the extra field's name for {@link Target#EXTRA}
     * @param rank among variables with the same target, the lowest rank wins and the others become
     *     extra fields
     */
    record Variable(String name, Target target, String key, int rank) implements Serializable {
        Variable asExtra() {
            return new Variable(name, Target.EXTRA, key, rank);
        }

        /**
         * This variable, as an extra field whose name is not one of the event's own: {@code
         * $http_host} beside {@code $host}, or a variable of the user's named {@code $agent}, would
         * otherwise be an extra field that rules cannot reach ({@link AccessEvent#get} reads the
         * event's own field first) and that alerts write twice under one JSON name.
         */
        Variable unshadowed() {
            return target == Target.EXTRA && AccessEvent.FIELDS.contains(key)
                    ? new Variable(name, target, key + SHADOWED_SUFFIX, rank)
                    : this;
        }

        /** What the variable maps to, for people. */
        String mapping() {
            return switch (target) {
                case EXTRA -> "extra field " + key;
                default -> target.field;
            };
        }
    }

    private final String source;
    private final Escape escape;

    /** {@code literals[i]} comes before {@code variables[i]}; the last one ends the line. */
    private final String[] literals;

    private final Variable[] variables;

    /** Whether variable i is inside quotes (its literal before ends with one). */
    private final boolean[] quoted;

    /** The compiled format of variable i if it is a {@link Target#TIME_STRFTIME}, else null. */
    private final StrftimeFormat[] strftime;

    private LogFormat(String source, Escape escape, List<String> literals, List<Variable> vars) {
        this.source = source;
        this.escape = escape;
        this.variables = resolveRanks(vars).toArray(new Variable[0]);
        this.literals = literals.toArray(new String[0]);
        // The parser sees lines without surrounding white space.
        this.literals[0] = stripLeading(this.literals[0]);
        this.literals[this.literals.length - 1] = this.literals[this.literals.length - 1].strip();
        this.strftime = new StrftimeFormat[variables.length];
        for (int i = 0; i < variables.length; i++) {
            if (variables[i].target() == Target.TIME_STRFTIME) {
                String name = variables[i].name();
                try {
                    strftime[i] = new StrftimeFormat(variables[i].key());
                } catch (IllegalArgumentException e) {
                    throw new LogFormatException(name + ": " + e.getMessage(), name);
                }
            }
        }
        this.quoted = new boolean[variables.length];
        for (int i = 0; i < variables.length; i++) {
            String before = this.literals[i];
            String after = this.literals[i + 1];
            quoted[i] =
                    !before.isEmpty()
                            && before.charAt(before.length() - 1) == '"'
                            && after.startsWith("\"");
            if (after.isEmpty() && i + 1 < variables.length && width(i) < 0) {
                throw new LogFormatException(
                        "variables "
                                + variables[i].name()
                                + " and "
                                + variables[i + 1].name()
                                + " have nothing between them, so where one ends cannot be told",
                        variables[i + 1].name());
            }
        }
        requireWholeStrftimeTime();
        requireOne(Target.CLIENTIP, "client address ($remote_addr or %h)");
        requireOne(Target.STATUS, "status ($status or %>s)");
        if (!has(Target.TIME_LOCAL)
                && !has(Target.TIME_LOCAL_BRACKETED)
                && !has(Target.TIME_ISO)
                && !has(Target.MSEC)
                && !has(Target.TIME_STRFTIME)
                && !has(Target.EPOCH_MILLIS)
                && !has(Target.EPOCH_MICROS)) {
            throw new LogFormatException(
                    "the format has no time ($time_local, $time_iso8601, $msec, %t or %{...}t)",
                    null);
        }
    }

    /**
     * Compiles an nginx {@code log_format} string (the format itself, after nginx.conf's quoting is
     * undone: {@code $remote_addr - $remote_user [$time_local] "$request" ...}).
     *
     * @throws LogFormatException for a format that cannot be compiled
     */
    public static LogFormat nginx(String format, Escape escape) {
        List<String> literals = new ArrayList<>();
        List<Variable> vars = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        int n = format.length();
        while (i < n) {
            char c = format.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            int start;
            int end;
            int next;
            if (i + 1 < n && format.charAt(i + 1) == '{') {
                start = i + 2;
                end = format.indexOf('}', start);
                if (end < 0) {
                    throw new LogFormatException(
                            "unclosed ${ at character " + i, format.substring(i));
                }
                next = end + 1;
            } else {
                start = i + 1;
                end = start;
                while (end < n && isNameChar(format.charAt(end))) {
                    end++;
                }
                next = end;
            }
            String name = format.substring(start, end);
            if (name.isEmpty() || !name.chars().allMatch(ch -> isNameChar((char) ch))) {
                throw new LogFormatException(
                        "'$" + name + "' at character " + i + " is not a variable name",
                        "$" + name);
            }
            literals.add(literal.toString());
            literal.setLength(0);
            vars.add(nginxVariable(name));
            i = next;
        }
        literals.add(literal.toString());
        if (vars.isEmpty()) {
            throw new LogFormatException("the format has no $variable", null);
        }
        return new LogFormat(format, escape, literals, vars);
    }

    /**
     * Compiles an Apache {@code LogFormat} string ({@code %h %l %u %t \"%r\" %>s %b ...}). The
     * backslash escapes of Apache's configuration ({@code \"}, {@code \t}, {@code \n}) are undone
     * first, so the string can be copied from {@code httpd.conf} as it is.
     *
     * @throws LogFormatException for a format that cannot be compiled
     */
    public static LogFormat apache(String format) {
        List<String> literals = new ArrayList<>();
        List<Variable> vars = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        int n = format.length();
        while (i < n) {
            char c = format.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char e = format.charAt(i + 1);
                literal.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
                i += 2;
                continue;
            }
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            int at = i++;
            if (i < n && format.charAt(i) == '%') {
                literal.append('%');
                i++;
                continue;
            }
            // Modifiers: status conditions (%400,501{...}i, %!200a) and </>.
            while (i < n && "!0123456789,<>".indexOf(format.charAt(i)) >= 0) {
                i++;
            }
            String arg = null;
            if (i < n && format.charAt(i) == '{') {
                int close = format.indexOf('}', i);
                if (close < 0) {
                    throw new LogFormatException(
                            "unclosed %{ at character " + at, format.substring(at));
                }
                arg = format.substring(i + 1, close);
                i = close + 1;
            }
            if (i >= n) {
                throw new LogFormatException(
                        "a lone % at the end of the format", format.substring(at));
            }
            char letter = format.charAt(i++);
            String name = format.substring(at, i);
            literals.add(literal.toString());
            literal.setLength(0);
            vars.add(apacheVariable(name, letter, arg));
        }
        literals.add(literal.toString());
        if (vars.isEmpty()) {
            throw new LogFormatException("the format has no %directive", null);
        }
        return new LogFormat(format, Escape.DEFAULT, literals, vars);
    }

    /**
     * Compiles the value of an {@code input.log-format} option: an nginx format string (it has
     * {@code $variables}), the arguments of an nginx {@code log_format} directive ({@code
     * escape=json '...' '...'}) or the whole directive ({@code log_format main '...';}), or else an
     * Apache {@code LogFormat} string (it has {@code %directives}).
     */
    public static LogFormat fromOption(String value) {
        String v = value.strip();
        if (v.startsWith("log_format") || v.startsWith("escape=")) {
            List<String> tokens = NginxConf.tokens(v);
            int from = tokens.get(0).equals("log_format") ? 2 : 0;
            int to = tokens.size();
            while (to > from && NginxConf.isStructural(tokens.get(to - 1))) {
                to--;
            }
            return NginxConf.compileArguments(tokens.subList(Math.min(from, to), to));
        }
        if (hasNginxVariable(v)) {
            return nginx(v, Escape.DEFAULT);
        }
        if (v.indexOf('%') >= 0) {
            return apache(v);
        }
        throw new LogFormatException(
                "neither an nginx format ($variables) nor an Apache one (%directives)", null);
    }

    private static boolean hasNginxVariable(String v) {
        for (int i = 0; i + 1 < v.length(); i++) {
            if (v.charAt(i) == '$' && (isNameChar(v.charAt(i + 1)) || v.charAt(i + 1) == '{')) {
                return true;
            }
        }
        return false;
    }

    /** The format as given. */
    public String source() {
        return source;
    }

    public Escape escape() {
        return escape;
    }

    /**
     * Each variable in order with what it maps to ({@code $remote_addr} → {@code clientip}, {@code
     * $ssl_protocol} → {@code extra field ssl_protocol}), for {@code validate}.
     */
    public List<Map.Entry<String, String>> mappings() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Variable v : variables) {
            out.add(Map.entry(v.name(), v.mapping()));
        }
        return out;
    }

    /** Whether a line of this format starts with {@code c} for sure (false if it may not). */
    boolean mustStartWith(char c) {
        return !literals[0].isEmpty() && literals[0].charAt(0) == c;
    }

    /** Whether a line starting with {@code c} may be of this format. */
    boolean mayStartWith(char c) {
        return literals[0].isEmpty() || literals[0].charAt(0) == c;
    }

    // ---- parsing --------------------------------------------------------------------------------

    /** Fills {@code d} from {@code line} (already stripped of surrounding white space). */
    void parse(String line, EventDraft d) {
        int n = line.length();
        if (!line.startsWith(literals[0])) {
            misfit(d, 0, "'" + excerpt(literals[0]) + "' at the start of the line");
            return;
        }
        int pos = literals[0].length();
        String uri = null;
        String args = null;
        TimeParts time = null;
        int fractionMillis = -1;
        for (int i = 0; i < variables.length; i++) {
            Variable v = variables[i];
            String after = literals[i + 1];
            int end;
            int next;
            if (after.isEmpty() && i + 1 < variables.length) {
                // Only a variable of fixed width is followed by another without a literal.
                end = pos + width(i);
                if (end > n) {
                    misfit(d, pos, v.name() + " (" + width(i) + " characters)");
                    return;
                }
                next = end;
            } else if (after.isEmpty()) {
                end = n;
                next = n;
            } else {
                end = valueEnd(line, pos, after, v, quoted[i], width(i));
                if (end < 0) {
                    misfit(
                            d,
                            pos,
                            v.name()
                                    + " followed by '"
                                    + excerpt(after)
                                    + "'"
                                    + (i + 1 == variables.length ? " at the end" : ""));
                    return;
                }
                next = end + after.length();
            }
            String raw = line.substring(pos, end);
            if (!apply(v, raw, d, pos)) {
                return;
            }
            if (v.target() == Target.URI) {
                uri = value(raw);
            } else if (v.target() == Target.ARGS) {
                args = value(raw);
                if (args != null && args.startsWith("?")) {
                    args = args.substring(1);
                }
            } else if (strftime[i] != null) {
                String s = value(raw);
                if (s != null) {
                    if (time == null) {
                        time = new TimeParts();
                    }
                    if (!time.add(strftime[i], s, v, d)) {
                        return;
                    }
                }
            } else if (v.target() == Target.TIME_FRACTION_MILLIS
                    || v.target() == Target.TIME_FRACTION_MICROS) {
                String s = value(raw);
                long f = s == null ? -1 : ParsedValues.parseNonNegativeLong(s);
                int digits = v.target() == Target.TIME_FRACTION_MILLIS ? 3 : 6;
                if (s != null && (f < 0 || s.length() != digits)) {
                    misfit(d, pos, v.name() + " (" + digits + " digits)");
                    return;
                }
                if (f >= 0) {
                    fractionMillis = (int) (digits == 3 ? f : f / 1000);
                }
            }
            pos = next;
        }
        if (pos != n) {
            misfit(d, pos, "the end of the line");
            return;
        }
        if (d.url == null && uri != null) {
            d.url = args == null || args.isEmpty() ? uri : uri + "?" + args;
        }
        if (time != null) {
            time.finish(d);
        }
        if (fractionMillis >= 0 && d.hasTimestamp && Math.floorMod(d.timestamp, 1000) == 0) {
            // %t or a %{...}t to the second, and the milliseconds beside it.
            d.timestamp += fractionMillis;
        }
    }

    /** The {@code %{format}t} parts of one line, put together into its time. */
    private static final class TimeParts {
        java.time.LocalDate date;
        java.time.LocalTime time;
        java.time.ZoneOffset offset;
        Long epochSecond;

        boolean add(StrftimeFormat format, String text, Variable v, EventDraft d) {
            StrftimeFormat.Parts p;
            try {
                p = format.parse(text);
            } catch (java.time.DateTimeException e) {
                d.fail(
                        RejectReason.INVALID_TIMESTAMP,
                        "unparseable " + v.name() + " " + ParsedValues.excerpt(text));
                return false;
            }
            date = p.date() != null ? p.date() : date;
            time = p.time() != null ? p.time() : time;
            offset = p.offset() != null ? p.offset() : offset;
            epochSecond = p.epochSecond() != null ? p.epochSecond() : epochSecond;
            return true;
        }

        /** Sets the draft's time; the format guarantees the parts name an instant. */
        void finish(EventDraft d) {
            long seconds;
            if (epochSecond != null) {
                seconds = epochSecond;
            } else if (date != null && time != null && offset != null) {
                seconds = java.time.LocalDateTime.of(date, time).toEpochSecond(offset);
            } else {
                // A part printed as "-" (absent): no time on this line.
                return;
            }
            d.timestamp = seconds * 1000;
            d.hasTimestamp = true;
        }
    }

    /** Where the value that starts at {@code pos} ends (the start of {@code after}), or -1. */
    private static int valueEnd(
            String line, int pos, String after, Variable v, boolean quoted, int width) {
        if (width >= 0 && line.startsWith(after, pos + width)) {
            // A time of fixed width ("%d/%b/%Y %T") may hold the separator that follows it.
            return pos + width;
        }
        if (v.target() == Target.TIME_LOCAL_BRACKETED) {
            // Apache's %t prints its own brackets: [10/Oct/2000:13:55:36 -0700].
            int close = line.indexOf(']', pos);
            return close >= 0 && line.startsWith(after, close + 1) ? close + 1 : -1;
        }
        if (v.target() == Target.TIME_LOCAL && line.startsWith(after, pos + 26)) {
            // Always 26 characters, and it holds a space, which is often the separator.
            return pos + 26;
        }
        int n = line.length();
        char first = after.charAt(0);
        if (quoted) {
            for (int i = pos; i < n; i++) {
                char c = line.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == first && line.startsWith(after, i)) {
                    return i;
                }
            }
            return -1;
        }
        boolean list =
                v.target() == Target.UPSTREAMTIME
                        || v.target() == Target.UPSTREAMHOST
                        || v.target() == Target.XFF
                        || (v.target() == Target.EXTRA && v.key().startsWith("upstream_"));
        int from = pos;
        while (true) {
            int at = line.indexOf(after, from);
            if (at < 0) {
                return -1;
            }
            // "a, b" lists (upstreams, X-Forwarded-For) and "a : b" (upstream groups) go on.
            if (list
                    && first == ' '
                    && at > pos
                    && (line.charAt(at - 1) == ','
                            || line.charAt(at - 1) == ':'
                            || (at + 1 < n && line.charAt(at + 1) == ':'))) {
                from = at + 1;
                continue;
            }
            return at;
        }
    }

    /** Sets the field for one value; false (with the draft failed) when the line cannot fit. */
    private boolean apply(Variable v, String raw, EventDraft d, int pos) {
        switch (v.target()) {
            case STATUS -> {
                String s = value(raw);
                if (s == null) {
                    return true;
                }
                long code = ParsedValues.parseNonNegativeLong(s);
                if (code < 0) {
                    misfit(d, pos, v.name() + " (a number)");
                    return false;
                }
                if (code < 100 || code > 599 || s.length() > 3) {
                    d.fail(
                            RejectReason.INVALID_FIELD,
                            "status "
                                    + ParsedValues.excerpt(s)
                                    + " is not an HTTP status (100-599)");
                } else {
                    d.status = (int) code;
                }
            }
            case SIZE -> {
                String s = value(raw);
                if (s == null) {
                    return true;
                }
                long size = ParsedValues.parseNonNegativeLong(s);
                if (size < 0) {
                    if (!ParsedValues.digitsOnly(s)) {
                        misfit(d, pos, v.name() + " (a number)");
                        return false;
                    }
                    d.fail(
                            RejectReason.INVALID_FIELD,
                            "size " + ParsedValues.excerpt(s) + " is out of range");
                } else {
                    d.size = size;
                }
            }
            case RESPONSETIME, RESPONSETIME_MICROS, RESPONSETIME_MILLIS -> {
                String s = value(raw);
                if (s == null) {
                    return true;
                }
                double t = ParsedValues.parseNonNegativeDecimal(s);
                if (t < 0) {
                    d.fail(
                            RejectReason.INVALID_FIELD,
                            v.name() + " " + ParsedValues.excerpt(s) + " is not a duration");
                } else {
                    d.responsetime =
                            v.target() == Target.RESPONSETIME_MICROS
                                    ? t / 1e6
                                    : v.target() == Target.RESPONSETIME_MILLIS ? t / 1e3 : t;
                }
            }
            case TIME_LOCAL, TIME_LOCAL_BRACKETED, TIME_ISO -> {
                String s = value(raw);
                if (s == null) {
                    return true;
                }
                if (v.target() == Target.TIME_LOCAL_BRACKETED
                        && s.length() > 2
                        && s.charAt(0) == '['
                        && s.charAt(s.length() - 1) == ']') {
                    s = s.substring(1, s.length() - 1);
                }
                long millis =
                        v.target() == Target.TIME_ISO
                                ? Timestamps.parseIso(s)
                                : Timestamps.parseCommonLog(s);
                if (millis == Timestamps.INVALID) {
                    d.fail(
                            RejectReason.INVALID_TIMESTAMP,
                            "unparseable " + v.name() + " " + ParsedValues.excerpt(s));
                } else {
                    d.timestamp = millis;
                    d.hasTimestamp = true;
                }
            }
            case MSEC -> {
                String s = value(raw);
                if (s == null) {
                    return true;
                }
                long exact = JsonLogParser.exactMillis(s);
                double seconds = exact >= 0 ? 0 : ParsedValues.parseNonNegativeDecimal(s);
                if (exact < 0 && (seconds < 0 || seconds > 1e11)) {
                    d.fail(
                            RejectReason.INVALID_TIMESTAMP,
                            "msec " + ParsedValues.excerpt(s) + " is not seconds since the epoch");
                } else {
                    d.msec = exact >= 0 ? exact : Math.round(seconds * 1000);
                }
            }
            case REQUEST -> {
                String s = text(raw);
                if (s != null) {
                    CombinedLineParser.request(s, d);
                }
            }
            case CLIENTIP -> d.clientip = text(raw);
            case METHOD -> d.method = d.method != null ? d.method : text(raw);
            case URL -> d.url = text(raw);
            case PROTOCOL -> d.protocol = d.protocol != null ? d.protocol : text(raw);
            case UPSTREAMTIME -> d.upstreamtime = text(raw);
            case UPSTREAMHOST -> d.upstreamhost = text(raw);
            case HTTP_HOST -> d.httpHost = text(raw);
            case HOST -> d.host = text(raw);
            case AGENT -> d.agent = text(raw);
            case REFER -> d.refer = text(raw);
            case XFF -> d.xff = text(raw);
            case REQUEST_ID -> d.requestId = text(raw);
            case EXTRA -> d.putExtra(v.key(), text(raw));
            case EPOCH_MILLIS, EPOCH_MICROS -> {
                String s = value(raw);
                if (s == null) {
                    return true;
                }
                long n = ParsedValues.parseNonNegativeLong(s);
                if (n < 0) {
                    misfit(d, pos, v.name() + " (a number)");
                    return false;
                }
                d.msec = v.target() == Target.EPOCH_MICROS ? n / 1000 : n;
            }
            // Parts of an Apache time: put together by parse() once the line is read.
            case URI, ARGS, IGNORED, TIME_STRFTIME, TIME_FRACTION_MILLIS, TIME_FRACTION_MICROS -> {}
        }
        return true;
    }

    /** A value as written, {@code -} and empty as null. */
    private static String value(String raw) {
        return ParsedValues.absentToNull(raw);
    }

    /** A text value with the escaping undone, {@code -} and empty as null. */
    private String text(String raw) {
        String s = ParsedValues.absentToNull(raw);
        if (s == null || s.indexOf('\\') < 0) {
            return s;
        }
        return switch (escape) {
            case DEFAULT -> ParsedValues.unescapeNginx(s, 0, s.length());
            case JSON -> unescapeJson(s);
            case NONE -> s;
        };
    }

    /** Undoes JSON string escapes; a malformed escape is kept as written. */
    static String unescapeJson(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= n) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    int code = i + 4 < n ? hex4(s, i + 1) : -1;
                    if (code < 0) {
                        out.append('\\').append(e);
                    } else {
                        out.append((char) code);
                        i += 4;
                    }
                }
                default -> out.append('\\').append(e);
            }
        }
        return out.toString();
    }

    private static int hex4(String s, int at) {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int h = io.nginxalerts.core.text.Ascii.hexValue(s.charAt(at + k));
            if (h < 0) {
                return -1;
            }
            v = v << 4 | h;
        }
        return v;
    }

    private static void misfit(EventDraft d, int offset, String expected) {
        d.fail(
                RejectReason.UNRECOGNIZED_FORMAT,
                "does not fit the log format at character " + offset + ": expected " + expected);
    }

    private static String excerpt(String literal) {
        String s = literal.length() > 20 ? literal.substring(0, 20) + "…" : literal;
        return s.replace("\n", "\\n").replace("\t", "\\t");
    }

    // ---- compiling ------------------------------------------------------------------------------

    private static final Map<String, Variable> NGINX = new HashMap<>();

    static {
        nginxVar("remote_addr", Target.CLIENTIP, 0);
        nginxVar("realip_remote_addr", Target.CLIENTIP, 1);
        nginxVar("binary_remote_addr", Target.IGNORED, 0);
        nginxVar("request", Target.REQUEST, 0);
        nginxVar("request_method", Target.METHOD, 0);
        nginxVar("request_uri", Target.URL, 0);
        nginxVar("uri", Target.URI, 0);
        nginxVar("document_uri", Target.URI, 1);
        nginxVar("args", Target.ARGS, 0);
        nginxVar("query_string", Target.ARGS, 1);
        nginxVar("server_protocol", Target.PROTOCOL, 0);
        nginxVar("status", Target.STATUS, 0);
        nginxVar("body_bytes_sent", Target.SIZE, 0);
        nginxVar("bytes_sent", Target.SIZE, 1);
        nginxVar("request_time", Target.RESPONSETIME, 0);
        nginxVar("upstream_response_time", Target.UPSTREAMTIME, 0);
        nginxVar("upstream_addr", Target.UPSTREAMHOST, 0);
        nginxVar("host", Target.HTTP_HOST, 0);
        nginxVar("http_host", Target.HTTP_HOST, 1);
        nginxVar("hostname", Target.HOST, 0);
        nginxVar("http_user_agent", Target.AGENT, 0);
        nginxVar("http_referer", Target.REFER, 0);
        nginxVar("http_x_forwarded_for", Target.XFF, 0);
        nginxVar("request_id", Target.REQUEST_ID, 0);
        nginxVar("time_local", Target.TIME_LOCAL, 0);
        nginxVar("time_iso8601", Target.TIME_ISO, 0);
        nginxVar("msec", Target.MSEC, 0);
    }

    private static void nginxVar(String name, Target target, int rank) {
        NGINX.put(name, new Variable("$" + name, target, name, rank));
    }

    private static Variable nginxVariable(String name) {
        Variable known = NGINX.get(name);
        return known != null ? known : new Variable("$" + name, Target.EXTRA, name, 0);
    }

    private static Variable apacheVariable(String name, char letter, String arg) {
        if (arg != null) {
            String key = arg.toLowerCase(Locale.ROOT).replace('-', '_');
            return switch (letter) {
                case 'i' ->
                        switch (key) {
                            case "user_agent" -> new Variable(name, Target.AGENT, key, 0);
                            case "referer" -> new Variable(name, Target.REFER, key, 0);
                            case "x_forwarded_for" -> new Variable(name, Target.XFF, key, 0);
                            case "host" -> new Variable(name, Target.HTTP_HOST, "http_host", 2);
                            case "x_request_id" -> new Variable(name, Target.REQUEST_ID, key, 1);
                            default -> new Variable(name, Target.EXTRA, "http_" + key, 0);
                        };
                case 'o' -> new Variable(name, Target.EXTRA, "sent_http_" + key, 0);
                case 'C' -> new Variable(name, Target.EXTRA, "cookie_" + key, 0);
                case 'e', 'n', 'x', '^' -> new Variable(name, Target.EXTRA, key, 0);
                case 'T' ->
                        switch (key) {
                            case "ms" -> new Variable(name, Target.RESPONSETIME_MILLIS, key, 1);
                            case "us" -> new Variable(name, Target.RESPONSETIME_MICROS, key, 0);
                            case "s" -> new Variable(name, Target.RESPONSETIME, key, 2);
                            default -> throw unsupported(name);
                        };
                case 't' -> apacheTime(name, arg);
                case 'a' -> new Variable(name, Target.EXTRA, "peer_addr", 0);
                case 'p' -> new Variable(name, Target.EXTRA, "server_port_" + key, 0);
                default -> throw unsupported(name);
            };
        }
        return switch (letter) {
            case 'h' -> new Variable(name, Target.CLIENTIP, "remote_host", 1);
            case 'a' -> new Variable(name, Target.CLIENTIP, "remote_addr", 0);
            case 'A' -> new Variable(name, Target.EXTRA, "server_addr", 0);
            case 'l' -> new Variable(name, Target.IGNORED, "remote_ident", 0);
            case 'u' -> new Variable(name, Target.EXTRA, "remote_user", 0);
            case 't' -> new Variable(name, Target.TIME_LOCAL_BRACKETED, "time", 0);
            case 'r' -> new Variable(name, Target.REQUEST, "request", 0);
            case 'm' -> new Variable(name, Target.METHOD, "method", 0);
            case 'U' -> new Variable(name, Target.URI, "uri", 0);
            case 'q' -> new Variable(name, Target.ARGS, "query", 0);
            case 'H' -> new Variable(name, Target.PROTOCOL, "protocol", 0);
            case 's' -> new Variable(name, Target.STATUS, "status", 0);
            case 'b' -> new Variable(name, Target.SIZE, "bytes", 0);
            case 'B' -> new Variable(name, Target.SIZE, "bytes", 0);
            case 'O' -> new Variable(name, Target.SIZE, "bytes_sent", 1);
            case 'I' -> new Variable(name, Target.EXTRA, "bytes_received", 0);
            case 'S' -> new Variable(name, Target.EXTRA, "bytes_transferred", 0);
            case 'D' -> new Variable(name, Target.RESPONSETIME_MICROS, "duration_us", 0);
            case 'T' -> new Variable(name, Target.RESPONSETIME, "duration_s", 2);
            case 'v' -> new Variable(name, Target.HTTP_HOST, "server_name", 0);
            case 'V' -> new Variable(name, Target.HTTP_HOST, "server_name_used", 1);
            case 'p' -> new Variable(name, Target.EXTRA, "server_port", 0);
            case 'P' -> new Variable(name, Target.EXTRA, "pid", 0);
            case 'k' -> new Variable(name, Target.EXTRA, "keepalive_requests", 0);
            case 'X' -> new Variable(name, Target.EXTRA, "connection_status", 0);
            case 'L' -> new Variable(name, Target.EXTRA, "log_id", 0);
            case 'f' -> new Variable(name, Target.EXTRA, "filename", 0);
            case 'R' -> new Variable(name, Target.EXTRA, "handler", 0);
            default -> throw unsupported(name);
        };
    }

    /**
     * Apache's {@code %{format}t}: {@code sec}, {@code msec}, {@code usec} since the epoch, the
     * {@code msec_frac}/{@code usec_frac} of the second, or a {@code strftime} format; any of them
     * after {@code begin:} (the default) or {@code end:}, which only say when the time was taken.
     */
    private static Variable apacheTime(String name, String arg) {
        String format = arg;
        if (format.startsWith("begin:")) {
            format = format.substring("begin:".length());
        } else if (format.startsWith("end:")) {
            format = format.substring("end:".length());
        }
        return switch (format) {
            case "sec" -> new Variable(name, Target.MSEC, "sec", 0);
            case "msec" -> new Variable(name, Target.EPOCH_MILLIS, "msec", 0);
            case "usec" -> new Variable(name, Target.EPOCH_MICROS, "usec", 0);
            case "msec_frac" -> new Variable(name, Target.TIME_FRACTION_MILLIS, "msec_frac", 0);
            case "usec_frac" -> new Variable(name, Target.TIME_FRACTION_MICROS, "usec_frac", 0);
            // Compiled (and refused if it cannot be read) with the format, once.
            default -> new Variable(name, Target.TIME_STRFTIME, format, 0);
        };
    }

    private static LogFormatException unsupported(String name) {
        return new LogFormatException("unsupported Apache directive " + name, name);
    }

    /** Keeps the best-ranked variable of each target; the others become extra fields. */
    private static List<Variable> resolveRanks(List<Variable> vars) {
        Map<Target, Variable> best = new HashMap<>();
        for (Variable v : vars) {
            if (keptAll(v.target())) {
                continue;
            }
            Variable current = best.get(v.target());
            if (current == null || v.rank() < current.rank()) {
                best.put(v.target(), v);
            }
        }
        List<Variable> out = new ArrayList<>(vars.size());
        for (Variable v : vars) {
            boolean mapped = keptAll(v.target());
            out.add((mapped || best.get(v.target()) == v ? v : v.asExtra()).unshadowed());
        }
        return out;
    }

    /**
     * The length of every value variable {@code i} prints when that is fixed (a time of fixed
     * width, a fraction of the second), else -1: such a variable may be followed by another with
     * nothing between them, as in Apache's {@code %{%Y-%m-%dT%T}t.%{msec_frac}t%{%z}t}.
     */
    private int width(int i) {
        return switch (variables[i].target()) {
            case TIME_STRFTIME -> strftime[i].width();
            case TIME_FRACTION_MILLIS -> 3;
            case TIME_FRACTION_MICROS -> 6;
            default -> -1;
        };
    }

    /**
     * Targets every variable of which is used: extra fields, ignored ones, and the parts of an
     * Apache time ({@code %{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t} is one time in three parts).
     */
    private static boolean keptAll(Target target) {
        return switch (target) {
            case EXTRA, IGNORED, TIME_STRFTIME, TIME_FRACTION_MILLIS, TIME_FRACTION_MICROS -> true;
            default -> false;
        };
    }

    private void requireOne(Target target, String what) {
        if (!has(target)) {
            throw new LogFormatException("the format has no " + what, null);
        }
    }

    /**
     * The {@code %{format}t} parts of the format, together, must name one instant: seconds since
     * the epoch, or a date, an hour and minute, and the UTC offset. Apache prints local time, so
     * without {@code %z} the instant is unknown, and a guessed zone would shift every alert.
     */
    private void requireWholeStrftimeTime() {
        boolean any = false;
        boolean date = false;
        boolean time = false;
        boolean offset = false;
        String first = null;
        for (int i = 0; i < variables.length; i++) {
            StrftimeFormat f = strftime[i];
            if (f == null) {
                continue;
            }
            if (f.hasEpoch()) {
                return;
            }
            first = first == null ? variables[i].name() : first;
            any = true;
            date |= f.hasDate();
            time |= f.hasTime();
            offset |= f.hasOffset();
        }
        if (!any || date && time && offset) {
            return;
        }
        List<String> missing = new ArrayList<>();
        if (!date) {
            missing.add("date (%Y and %m and %d, %F or %D)");
        }
        if (!time) {
            missing.add("hour and minute (%H:%M, %T)");
        }
        if (!offset) {
            missing.add("UTC offset (%z: Apache prints local time)");
        }
        throw new LogFormatException(
                first
                        + ": the format's time has no "
                        + String.join(", no ", missing)
                        + "; add it to a %{...}t, or log %{sec}t or %{msec}t",
                first);
    }

    private boolean has(Target target) {
        for (Variable v : variables) {
            if (v.target() == target) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_';
    }

    private static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    @Override
    public String toString() {
        return "LogFormat{"
                + (escape == Escape.DEFAULT ? "" : "escape=" + escape + " ")
                + source
                + "}";
    }
}
