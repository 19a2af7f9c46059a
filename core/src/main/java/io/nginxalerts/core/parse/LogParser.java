package io.nginxalerts.core.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Turns one raw record into an {@link io.nginxalerts.core.event.AccessEvent} or a rejection.
 *
 * <p>The input shape is detected per record: nginx JSON (the project's {@code log_format}), the
 * same JSON after Logstash (7 legacy or 8 ECS, with {@code geoip}/{@code user_agent}/{@code host}
 * objects flattened into {@code extra}), an nginx or Apache {@code combined} text line, Apache
 * {@code common} and {@code vhost_combined} lines, or a line of the custom {@link LogFormat} of the
 * settings (tried first; a line that fits neither it nor a built-in shape is rejected with where it
 * stopped fitting the custom format). A syslog header (RFC 3164 or 5424, as nginx writes with
 * {@code access_log syslog:}) in front of any of them is recognised and dropped first.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>{@link #parse(byte[])} never throws; every input gives exactly an event or a {@link
 *       RejectReason} with a short detail that never contains the whole input.
 *   <li>Cost is bounded by the input: records over {@link ParserSettings#maxLineBytes()} are
 *       rejected before decoding, JSON nesting and number length are capped, nothing recurses on
 *       input depth.
 *   <li>Thread-safe and stateless apart from its settings, so one instance can serve all threads.
 *   <li>{@link Serializable} for use in Flink operators. The clock survives serialization if it is
 *       serializable itself (the JDK's system, fixed and offset clocks are); any other clock is
 *       replaced by {@link Clock#systemUTC()}.
 * </ul>
 */
public final class LogParser implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int maxLineBytes;
    private final long maxFutureSkewMillis;

    /** The custom text format, or null. */
    private final LogFormat format;

    /** Written by hand in {@link #writeObject}: {@link Clock} itself is not serializable. */
    private transient Clock clock;

    public LogParser(ParserSettings settings) {
        Objects.requireNonNull(settings, "settings");
        this.maxLineBytes = settings.maxLineBytes();
        this.maxFutureSkewMillis = saturatedMillis(settings.maxFutureSkew());
        this.clock = settings.clock();
        this.format = settings.logFormat();
    }

    /** Parses one record; see the class comment for what is accepted. Never throws. */
    public ParseResult parse(byte[] raw) {
        try {
            return parseRecord(raw);
        } catch (RuntimeException | StackOverflowError e) {
            // A bug, not an input problem; still a rejection, so one record cannot stop the job.
            RejectReason reason =
                    startsWithBrace(raw)
                            ? RejectReason.INVALID_JSON
                            : RejectReason.UNRECOGNIZED_FORMAT;
            return ParseResult.rejected(reason, "parser failure: " + e.getClass().getSimpleName());
        }
    }

    private ParseResult parseRecord(byte[] raw) {
        if (raw == null || raw.length == 0) {
            return ParseResult.rejected(RejectReason.EMPTY, "zero bytes");
        }
        if (raw.length > maxLineBytes) {
            return ParseResult.rejected(
                    RejectReason.TOO_LARGE,
                    raw.length + " bytes, more than the limit of " + maxLineBytes);
        }
        int start = hasUtf8Bom(raw) ? 3 : 0;
        // NUL and non-ASCII bytes are the only ones <= 0: one branch-free pass (the JIT
        // vectorizes it) tells whether there are any, the byte-by-byte pass runs only then.
        int lowest = 1;
        for (int i = start; i < raw.length; i++) {
            lowest |= raw[i] - 1;
        }
        boolean ascii = true;
        if (lowest < 0) {
            for (int i = start; i < raw.length; i++) {
                if (raw[i] == 0) {
                    return ParseResult.rejected(
                            RejectReason.INVALID_UTF8, "NUL byte at offset " + i);
                }
                if (raw[i] < 0) {
                    ascii = false;
                }
            }
        }
        int first = start;
        while (first < raw.length && isBlank(raw[first])) {
            first++;
        }
        if (first == raw.length) {
            // Blank bytes are ASCII, so there is nothing for the UTF-8 check below to find.
            return ParseResult.rejected(RejectReason.EMPTY, "only white space");
        }
        int last = raw.length - 1;
        while (isBlank(raw[last])) {
            last--;
        }
        if (!ascii) {
            // ASCII is valid UTF-8; only records with high bytes pay for a strict decode.
            int bad = firstInvalidUtf8(raw, start);
            if (bad >= 0) {
                return ParseResult.rejected(
                        RejectReason.INVALID_UTF8, "invalid UTF-8 at byte " + bad);
            }
        }
        int message = SyslogHeader.messageStart(raw, first, last + 1);
        if (message >= 0) {
            first = message;
            while (first <= last && isBlank(raw[first])) {
                first++;
            }
            if (first > last) {
                return ParseResult.rejected(RejectReason.EMPTY, "a syslog header only");
            }
        }
        if (format != null && format.mayStartWith((char) (raw[first] & 0xFF))) {
            return parseCustom(raw, first, last, ascii);
        }
        return parseBuiltIn(raw, first, last, ascii);
    }

    /** The custom format first; a line it does not fit may still be one of the built-in shapes. */
    private ParseResult parseCustom(byte[] raw, int first, int last, boolean ascii) {
        EventDraft d = new EventDraft();
        format.parse(text(raw, first, last, ascii), d);
        if (d.failReason != RejectReason.UNRECOGNIZED_FORMAT) {
            return finish(d);
        }
        ParseResult builtIn = parseBuiltIn(raw, first, last, ascii);
        if (builtIn.isEvent() || (raw[first] == '{' && !format.mustStartWith('{'))) {
            return builtIn;
        }
        return ParseResult.rejected(RejectReason.UNRECOGNIZED_FORMAT, d.failDetail);
    }

    private static String text(byte[] raw, int first, int last, boolean ascii) {
        return new String(
                raw,
                first,
                last + 1 - first,
                ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    private ParseResult parseBuiltIn(byte[] raw, int first, int last, boolean ascii) {
        switch (raw[first]) {
            case '{':
                return parseJson(raw, first, last + 1 - first);
            case '[':
                return ParseResult.rejected(
                        RejectReason.UNRECOGNIZED_FORMAT, "a JSON array, not an object");
            case '"':
                return ParseResult.rejected(
                        RejectReason.UNRECOGNIZED_FORMAT, "a JSON string, not an object");
            default:
                EventDraft d = new EventDraft();
                CombinedLineParser.parse(text(raw, first, last, ascii), d);
                return finish(d);
        }
    }

    private ParseResult parseJson(byte[] raw, int off, int len) {
        EventDraft d = new EventDraft();
        try {
            JsonLogParser.parse(raw, off, len, d);
        } catch (StreamConstraintsException e) {
            return ParseResult.rejected(
                    RejectReason.INVALID_JSON, ParsedValues.shortMessage(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            byte[] rewritten = JsonLogParser.rewriteHexEscapes(raw, off, len);
            if (rewritten != null) {
                EventDraft retry = new EventDraft();
                try {
                    JsonLogParser.parse(rewritten, 0, rewritten.length, retry);
                    return finish(retry);
                } catch (IOException ignored) {
                    // Report the error of the original bytes, which the user can see.
                }
            }
            return ParseResult.rejected(
                    RejectReason.INVALID_JSON, ParsedValues.shortMessage(e.getOriginalMessage()));
        } catch (IOException e) {
            return ParseResult.rejected(
                    RejectReason.INVALID_JSON, ParsedValues.shortMessage(e.getMessage()));
        }
        return finish(d);
    }

    /** Checks that hold for every shape, in a fixed order so the reported reason is stable. */
    private ParseResult finish(EventDraft d) {
        if (d.failed()) {
            return ParseResult.rejected(d.failReason, d.failDetail);
        }
        if (d.clientip == null) {
            return ParseResult.rejected(RejectReason.MISSING_FIELD, "no clientip");
        }
        if (!ParsedValues.looksLikeIp(d.clientip)) {
            return ParseResult.rejected(
                    RejectReason.INVALID_FIELD,
                    "clientip " + ParsedValues.excerpt(d.clientip) + " is not an IP address");
        }
        if (d.status == 0) {
            return ParseResult.rejected(RejectReason.MISSING_FIELD, "no status");
        }
        if (d.msec >= 0) {
            // $msec and $time_iso8601 are the same instant; $msec adds the milliseconds, which
            // order events within a second and let the watermark pass them without waiting for
            // the next second. If they disagree, one of them is not what nginx wrote.
            if (d.hasTimestamp && Math.floorDiv(d.msec, 1000) != Math.floorDiv(d.timestamp, 1000)) {
                return ParseResult.rejected(
                        RejectReason.INVALID_TIMESTAMP,
                        "msec "
                                + java.time.Instant.ofEpochMilli(d.msec)
                                + " is not within the second of @timestamp "
                                + java.time.Instant.ofEpochMilli(d.timestamp));
            }
            d.timestamp = d.msec;
            d.hasTimestamp = true;
        }
        if (!d.hasTimestamp) {
            return ParseResult.rejected(RejectReason.INVALID_TIMESTAMP, "no @timestamp");
        }
        if (d.timestamp < Timestamps.Y2000_MILLIS) {
            return ParseResult.rejected(
                    RejectReason.INVALID_TIMESTAMP,
                    "timestamp " + java.time.Instant.ofEpochMilli(d.timestamp) + " is before 2000");
        }
        long now = clock.millis();
        long limit = now + maxFutureSkewMillis;
        if (limit < now) {
            limit = Long.MAX_VALUE;
        }
        if (d.timestamp > limit) {
            return ParseResult.rejected(
                    RejectReason.FUTURE_TIMESTAMP,
                    "timestamp is "
                            + human(d.timestamp - now)
                            + " ahead of now (allowed skew "
                            + human(maxFutureSkewMillis)
                            + ")");
        }
        d.addLegacyAliases();
        return ParseResult.of(d.toEvent());
    }

    /** A duration for people: {@code 3d4h}, {@code 2h5m}, {@code 5m0.001s}, {@code 850ms}. */
    static String human(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long s = millis / 1000;
        long d = s / 86_400;
        long h = s / 3600 % 24;
        long m = s / 60 % 60;
        long sec = s % 60;
        long ms = millis % 1000;
        StringBuilder sb = new StringBuilder();
        if (d > 0) {
            return sb.append(d).append('d').append(h > 0 ? h + "h" : "").toString();
        }
        if (h > 0) {
            return sb.append(h).append('h').append(m > 0 ? m + "m" : "").toString();
        }
        if (m > 0) {
            sb.append(m).append('m');
        }
        if (ms > 0) {
            // Near the skew limit the milliseconds are what tell "5m" from "just over 5m".
            sb.append(sec).append('.').append(String.format("%03d", ms)).append('s');
        } else if (sec > 0) {
            sb.append(sec).append('s');
        }
        return sb.toString();
    }

    private static long saturatedMillis(Duration duration) {
        try {
            return duration.toMillis();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static boolean hasUtf8Bom(byte[] raw) {
        return raw.length >= 3
                && raw[0] == (byte) 0xEF
                && raw[1] == (byte) 0xBB
                && raw[2] == (byte) 0xBF;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == 0x0B;
    }

    private static boolean startsWithBrace(byte[] raw) {
        if (raw == null) {
            return false;
        }
        for (byte b : raw) {
            if (!isBlank(b)) {
                return b == '{';
            }
        }
        return false;
    }

    /**
     * The offset of the first byte that is not valid UTF-8 (malformed, overlong, surrogate,
     * truncated), or -1. Decodes in small chunks so that validation allocates little.
     */
    private static int firstInvalidUtf8(byte[] raw, int start) {
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw, start, raw.length - start);
        CharBuffer out = CharBuffer.allocate(1024);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return in.position();
            }
            if (result.isUnderflow()) {
                break;
            }
            out.clear();
        }
        out.clear();
        return decoder.flush(out).isError() ? in.position() : -1;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeObject(clock instanceof Serializable ? clock : null);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        Object stored = in.readObject();
        clock = stored instanceof Clock c ? c : Clock.systemUTC();
    }
}
