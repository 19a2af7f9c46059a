package io.nginxalerts.core.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.nginxalerts.core.text.Ascii;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads an nginx JSON record (as written by the project's {@code log_format}, directly or after
 * Logstash) into an {@link EventDraft} with Jackson's streaming parser: one pass, no tree.
 *
 * <p>Structural problems (truncation, trailing content, duplicate keys, nesting deeper than {@value
 * #MAX_NESTING_DEPTH}, numbers longer than {@value #MAX_NUMBER_LENGTH} digits) are thrown as
 * Jackson exceptions; field problems are recorded in the draft while the parse carries on, so that
 * a broken document is always reported as broken JSON whatever its fields hold.
 */
final class JsonLogParser {

    /** Real records nest 4 levels at most; 32 leaves room and stops deep-nesting attacks early. */
    static final int MAX_NESTING_DEPTH = 32;

    /** Longer than any sane value; stops Jackson from doing quadratic work on 10,000 digits. */
    static final int MAX_NUMBER_LENGTH = 64;

    /** Dotted keys kept by {@link #dotted}; beyond this, keys are built per record. */
    static final int MAX_CACHED_KEYS = 4096;

    private static final ConcurrentHashMap<String, ConcurrentHashMap<String, String>> KEYS =
            new ConcurrentHashMap<>();
    private static final AtomicInteger CACHED_KEYS = new AtomicInteger();

    /**
     * One factory for the JVM: it is thread-safe once built, and creating it per parser would waste
     * its symbol table for field names (the main reason streaming parsing is fast).
     */
    private static final JsonFactory FACTORY =
            JsonFactory.builder()
                    // Duplicate names are found here instead (FieldNames): Jackson's detector
                    // hashes every name of every object into a new HashSet, a quarter of the parse.
                    .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    // Buffers from a pool of this factory's own instead of Jackson's default
                    // thread-local one: on the job's source thread that one was found empty on
                    // every parse, so each parse allocated new buffers and paid ThreadLocal.set
                    // (a quarter of the source task's CPU in a profile of the bench).
                    .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
                    .streamReadConstraints(
                            StreamReadConstraints.builder()
                                    .maxNestingDepth(MAX_NESTING_DEPTH)
                                    .maxNumberLength(MAX_NUMBER_LENGTH)
                                    .build())
                    .build();

    private JsonLogParser() {}

    /**
     * Parses {@code len} bytes at {@code off}, which start (after white space) with {@code {}.
     *
     * @throws IOException (in practice a {@link com.fasterxml.jackson.core.JsonProcessingException})
     *     when the bytes are not exactly one well-formed JSON object within the constraints
     */
    static void parse(byte[] raw, int off, int len, EventDraft d) throws IOException {
        try (JsonParser p = FACTORY.createParser(raw, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "expected a JSON object");
            }
            String name;
            long known = 0;
            FieldNames others = null;
            while ((name = p.nextFieldName()) != null) {
                long bit = field(p, name, p.nextToken(), d);
                if (bit != 0) {
                    if ((known & bit) != 0) {
                        throw duplicate(p, name);
                    }
                    known |= bit;
                } else {
                    if (others == null) {
                        others = new FieldNames();
                    }
                    if (!others.add(name)) {
                        throw duplicate(p, name);
                    }
                }
            }
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "trailing content after the JSON object");
            }
        }
    }

    /**
     * Reads one top-level field into the draft; returns the field's bit when it is one of the
     * event's own fields (for duplicate detection), 0 for any other field.
     */
    private static long field(JsonParser p, String name, JsonToken t, EventDraft d)
            throws IOException {
        switch (name) {
            case "@timestamp" -> {
                timestamp(p, t, d);
                return 1L;
            }
            case "clientip" -> {
                d.clientip = text(p, t, name, d);
                return 1L << 1;
            }
            case "host" -> {
                if (t == JsonToken.START_OBJECT) {
                    // Logstash (ECS) turns host into {"name": ...}.
                    flatten(p, name, 1, d);
                } else {
                    d.host = text(p, t, name, d);
                }
                return 1L << 2;
            }
            case "status" -> {
                status(p, t, d);
                return 1L << 3;
            }
            case "size" -> {
                size(p, t, d);
                return 1L << 4;
            }
            case "responsetime" -> {
                responsetime(p, t, d);
                return 1L << 5;
            }
            case "method" -> {
                d.method = text(p, t, name, d);
                return 1L << 6;
            }
            case "url" -> {
                d.url = text(p, t, name, d);
                return 1L << 7;
            }
            case "protocol" -> {
                d.protocol = text(p, t, name, d);
                return 1L << 8;
            }
            case "upstreamtime" -> {
                d.upstreamtime = text(p, t, name, d);
                return 1L << 9;
            }
            case "upstreamhost" -> {
                d.upstreamhost = text(p, t, name, d);
                return 1L << 10;
            }
            case "http_host" -> {
                d.httpHost = text(p, t, name, d);
                return 1L << 11;
            }
            case "xff" -> {
                d.xff = text(p, t, name, d);
                return 1L << 12;
            }
            case "refer" -> {
                d.refer = text(p, t, name, d);
                return 1L << 13;
            }
            case "agent" -> {
                d.agent = text(p, t, name, d);
                return 1L << 14;
            }
            case "request_id" -> {
                d.requestId = text(p, t, name, d);
                return 1L << 15;
            }
            case "msec" -> {
                msec(p, t, d);
                return 1L << 16;
            }
            default -> {
                extra(p, name, t, d);
                return 0L;
            }
        }
    }

    private static JsonParseException duplicate(JsonParser p, String name) {
        // Jackson's own wording, which records rejected before this change carry.
        return new JsonParseException(p, "Duplicate field '" + name + "'");
    }

    /**
     * Skips the value at the current token, like {@link JsonParser#skipChildren()}, while still
     * refusing duplicate names in the objects it skips: a record is valid JSON or it is not,
     * whichever part of it we use. Recursion is bounded by {@link #MAX_NESTING_DEPTH}, which the
     * parser enforces as it reads.
     */
    private static void skip(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.START_OBJECT) {
            FieldNames names = new FieldNames();
            String name;
            while ((name = p.nextFieldName()) != null) {
                if (!names.add(name)) {
                    throw duplicate(p, name);
                }
                skip(p, p.nextToken());
            }
        } else if (t == JsonToken.START_ARRAY) {
            JsonToken v;
            while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                if (v == null) {
                    throw new JsonParseException(p, "unexpected end of input in an array");
                }
                skip(p, v);
            }
        }
    }

    /** A text field: scalars as their text, "-"/"" as absent, containers are invalid. */
    private static String text(JsonParser p, JsonToken t, String name, EventDraft d)
            throws IOException {
        switch (t) {
            case VALUE_STRING:
                return ParsedValues.absentToNull(p.getText());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
            case VALUE_TRUE:
            case VALUE_FALSE:
                return p.getText();
            case VALUE_NULL:
                return null;
            default:
                d.fail(RejectReason.INVALID_FIELD, name + " is " + describe(t) + ", not a string");
                skip(p, p.currentToken());
                return null;
        }
    }

    private static void timestamp(JsonParser p, JsonToken t, EventDraft d) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText();
            long millis = Timestamps.parseIso(s);
            if (millis == Timestamps.INVALID) {
                d.fail(
                        RejectReason.INVALID_TIMESTAMP,
                        "unparseable @timestamp " + ParsedValues.excerpt(s));
            } else {
                d.timestamp = millis;
                d.hasTimestamp = true;
            }
        } else if (t != JsonToken.VALUE_NULL) {
            d.fail(
                    RejectReason.INVALID_TIMESTAMP,
                    "@timestamp is " + describe(t) + ", not an ISO-8601 string");
            skip(p, p.currentToken());
        }
    }

    /**
     * nginx's {@code $msec} ({@code 1764151200.123}, seconds with millisecond resolution), which
     * the shipped log_format writes next to the one-second {@code $time_iso8601}.
     */
    private static void msec(JsonParser p, JsonToken t, EventDraft d) throws IOException {
        String s;
        switch (t) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> s = p.getText();
            case VALUE_NULL -> {
                return;
            }
            default -> {
                d.fail(
                        RejectReason.INVALID_TIMESTAMP,
                        "msec is " + describe(t) + ", not seconds since the epoch");
                skip(p, t);
                return;
            }
        }
        s = ParsedValues.absentToNull(s);
        if (s == null) {
            return;
        }
        long exact = exactMillis(s);
        if (exact >= 0) {
            d.msec = exact;
            return;
        }
        double seconds = ParsedValues.parseNonNegativeDecimal(s);
        if (seconds < 0 || seconds > 1e11) {
            d.fail(
                    RejectReason.INVALID_TIMESTAMP,
                    "msec " + ParsedValues.excerpt(s) + " is not seconds since the epoch");
        } else {
            d.msec = Math.round(seconds * 1000);
        }
    }

    /**
     * Milliseconds of nginx's usual {@code $msec} form, whole seconds (at most 11 digits) with up
     * to three decimals, in integer arithmetic; -1 for anything else, which takes the general
     * decimal path (the same result for this form, without parsing a double per record).
     */
    static long exactMillis(String s) {
        int n = s.length();
        int i = 0;
        long seconds = 0;
        while (i < n && i < 11 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            seconds = seconds * 10 + (s.charAt(i) - '0');
            i++;
        }
        if (i == 0) {
            return -1;
        }
        if (i == n) {
            return seconds * 1000;
        }
        if (s.charAt(i) != '.' || n - i - 1 < 1 || n - i - 1 > 3) {
            return -1;
        }
        long millis = 0;
        int digits = 0;
        for (int j = i + 1; j < n; j++) {
            char c = s.charAt(j);
            if (c < '0' || c > '9') {
                return -1;
            }
            millis = millis * 10 + (c - '0');
            digits++;
        }
        for (; digits < 3; digits++) {
            millis *= 10;
        }
        return seconds * 1000 + millis;
    }

    private static void status(JsonParser p, JsonToken t, EventDraft d) throws IOException {
        switch (t) {
            case VALUE_STRING -> {
                String s = ParsedValues.absentToNull(p.getText());
                if (s != null) {
                    long code = ParsedValues.parseNonNegativeLong(s);
                    if (code < 100 || code > 599) {
                        d.fail(
                                RejectReason.INVALID_FIELD,
                                "status "
                                        + ParsedValues.excerpt(s)
                                        + " is not an HTTP status (100-599)");
                    } else {
                        d.status = (int) code;
                    }
                }
            }
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.INT
                        && p.getIntValue() >= 100
                        && p.getIntValue() <= 599) {
                    d.status = p.getIntValue();
                } else {
                    d.fail(
                            RejectReason.INVALID_FIELD,
                            "status "
                                    + ParsedValues.excerpt(p.getText())
                                    + " is not an HTTP status (100-599)");
                }
            }
            case VALUE_NULL -> {}
            default -> {
                d.fail(
                        RejectReason.INVALID_FIELD,
                        "status is " + describe(t) + ", not an integer 100-599");
                skip(p, p.currentToken());
            }
        }
    }

    private static void size(JsonParser p, JsonToken t, EventDraft d) throws IOException {
        switch (t) {
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        || p.getLongValue() < 0) {
                    d.fail(
                            RejectReason.INVALID_FIELD,
                            "size " + ParsedValues.excerpt(p.getText()) + " is out of range");
                } else {
                    d.size = p.getLongValue();
                }
            }
            case VALUE_NUMBER_FLOAT -> {
                double v = p.getDoubleValue();
                if (v >= 0 && v <= 1e18 && v == Math.rint(v)) {
                    d.size = (long) v;
                } else {
                    d.fail(
                            RejectReason.INVALID_FIELD,
                            "size " + ParsedValues.excerpt(p.getText()) + " is not a byte count");
                }
            }
            case VALUE_STRING -> {
                String s = ParsedValues.absentToNull(p.getText());
                if (s != null) {
                    long v = ParsedValues.parseNonNegativeLong(s);
                    if (v < 0) {
                        d.fail(
                                RejectReason.INVALID_FIELD,
                                "size " + ParsedValues.excerpt(s) + " is not a byte count");
                    } else {
                        d.size = v;
                    }
                }
            }
            case VALUE_NULL -> {}
            default -> {
                d.fail(RejectReason.INVALID_FIELD, "size is " + describe(t) + ", not a number");
                skip(p, p.currentToken());
            }
        }
    }

    private static void responsetime(JsonParser p, JsonToken t, EventDraft d) throws IOException {
        switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                double v = p.getDoubleValue();
                if (v >= 0 && Double.isFinite(v)) {
                    d.responsetime = v;
                } else {
                    d.fail(
                            RejectReason.INVALID_FIELD,
                            "responsetime "
                                    + ParsedValues.excerpt(p.getText())
                                    + " is out of range");
                }
            }
            case VALUE_STRING -> {
                String s = ParsedValues.absentToNull(p.getText());
                if (s != null) {
                    double v = ParsedValues.parseNonNegativeDecimal(s);
                    if (v < 0) {
                        d.fail(
                                RejectReason.INVALID_FIELD,
                                "responsetime "
                                        + ParsedValues.excerpt(s)
                                        + " is not a number of seconds");
                    } else {
                        d.responsetime = v;
                    }
                }
            }
            case VALUE_NULL -> {}
            default -> {
                d.fail(
                        RejectReason.INVALID_FIELD,
                        "responsetime is " + describe(t) + ", not a number");
                skip(p, p.currentToken());
            }
        }
    }

    /** A field the event has no slot for: kept in {@code extra}, flattened and bounded. */
    private static void extra(JsonParser p, String name, JsonToken t, EventDraft d)
            throws IOException {
        // Walked even when extra is full: an ECS key in it may still be needed for an alias.
        if (t == JsonToken.VALUE_NULL) {
            return;
        } else if (t == JsonToken.START_OBJECT) {
            flatten(p, name, 1, d);
        } else if (t == JsonToken.START_ARRAY) {
            array(p, name, d);
        } else {
            d.putExtra(name, p.getText());
        }
    }

    /**
     * Flattens the object at the current token into dotted keys below {@code prefix}, which has
     * {@code segments} segments. Deeper levels than {@link EventDraft#MAX_EXTRA_KEY_SEGMENTS} are
     * skipped (not rejected: Logstash may add detail we do not need). Recursion is bounded by that
     * limit, so it cannot overflow the stack.
     */
    private static void flatten(JsonParser p, String prefix, int segments, EventDraft d)
            throws IOException {
        String name;
        FieldNames names = new FieldNames();
        while ((name = p.nextFieldName()) != null) {
            if (!names.add(name)) {
                throw duplicate(p, name);
            }
            JsonToken t = p.nextToken();
            if (segments == 1 && "host".equals(prefix) && "name".equals(name)) {
                // The event's host, whether or not extra still has room.
                if (t.isScalarValue()) {
                    d.host = ParsedValues.absentToNull(p.getText());
                }
            }
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            String key = dotted(prefix, name);
            if (t == JsonToken.START_OBJECT) {
                if (segments + 2 <= EventDraft.MAX_EXTRA_KEY_SEGMENTS) {
                    flatten(p, key, segments + 1, d);
                } else {
                    skip(p, p.currentToken());
                }
            } else if (t == JsonToken.START_ARRAY) {
                array(p, key, d);
            } else {
                d.putExtra(key, p.getText());
            }
        }
    }

    /**
     * {@code prefix + "." + name}, the same instance for the same names: a Logstash record has two
     * dozen nested fields (geoip.geo.city_name, user_agent.os.name...), and building and hashing
     * their keys anew for every record was a fifth of its parse. The prefix is a top-level name
     * (Jackson's canonical instance) or a key from here, so both lookups hit cached hashes. At most
     * {@link #MAX_CACHED_KEYS} are kept, so names that never repeat (hostile input) cannot fill the
     * memory; beyond that keys are built per record, as before.
     */
    static String dotted(String prefix, String name) {
        ConcurrentHashMap<String, String> byName = KEYS.get(prefix);
        if (byName != null) {
            String key = byName.get(name);
            if (key != null) {
                return key;
            }
        }
        String key = prefix + '.' + name;
        if (CACHED_KEYS.get() < MAX_CACHED_KEYS) {
            if (byName == null) {
                byName = KEYS.computeIfAbsent(prefix, p -> new ConcurrentHashMap<>());
            }
            String earlier = byName.putIfAbsent(name, key);
            if (earlier == null) {
                CACHED_KEYS.incrementAndGet();
            } else {
                key = earlier;
            }
        }
        return key;
    }

    /** How many keys {@link #dotted} keeps. */
    static int cachedKeys() {
        return CACHED_KEYS.get();
    }

    /** An array of scalars becomes one comma-joined value; nested containers are skipped. */
    private static void array(JsonParser p, String key, EventDraft d) throws IOException {
        StringBuilder sb = null;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new JsonParseException(p, "unexpected end of input in an array");
            }
            if (t.isStructStart()) {
                skip(p, p.currentToken());
            } else if (t != JsonToken.VALUE_NULL) {
                if (sb == null) {
                    sb = new StringBuilder();
                } else if (sb.length() < EventDraft.MAX_EXTRA_VALUE_CHARS) {
                    sb.append(',');
                }
                if (sb.length() < EventDraft.MAX_EXTRA_VALUE_CHARS) {
                    sb.append(p.getText());
                }
            }
        }
        if (sb != null) {
            d.putExtra(key, sb.toString());
        }
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a decimal number";
            case VALUE_STRING -> "a string";
            default -> String.valueOf(t);
        };
    }

    /**
     * nginx before {@code escape=json} (and with {@code escape=default}) writes {@code "} and
     * non-ASCII bytes inside JSON strings as {@code \xHH}, which is not JSON. This rewrites those
     * escapes into valid JSON ({@code \"}, {@code \\}, {@code \\uXXXX}, decoding runs of bytes as
     * UTF-8) so such records still parse. Returns {@code null} when there is no {@code \xHH} inside
     * a string, i.e. when the original error was something else.
     */
    static byte[] rewriteHexEscapes(byte[] raw, int off, int len) {
        int end = off + len;
        byte[] out = null;
        int o = 0;
        boolean inString = false;
        byte[] run = null;
        int i = off;
        while (i < end) {
            byte b = raw[i];
            if (inString && b == '\\' && i + 1 < end) {
                if (raw[i + 1] == 'x' && hexByte(raw, i, end) >= 0) {
                    if (out == null) {
                        // Worst case: each 4-byte \xHH becomes a 6-byte \\uXXXX.
                        out = new byte[len * 2 + 16];
                        System.arraycopy(raw, off, out, 0, i - off);
                        o = i - off;
                        run = new byte[len / 4 + 1];
                    }
                    int count = 0;
                    int v;
                    while (i + 3 < end && raw[i] == '\\' && (v = hexByte(raw, i, end)) >= 0) {
                        run[count++] = (byte) v;
                        i += 4;
                    }
                    String decoded = ParsedValues.decodeUtf8Lenient(run, count);
                    for (int k = 0; k < decoded.length(); k++) {
                        o = appendJsonChar(out, o, decoded.charAt(k));
                    }
                    continue;
                }
                // A JSON escape: copy both bytes so an escaped quote does not end the string.
                if (out != null) {
                    out[o++] = b;
                    out[o++] = raw[i + 1];
                }
                i += 2;
                continue;
            }
            if (b == '"') {
                inString = !inString;
            }
            if (out != null) {
                out[o++] = b;
            }
            i++;
        }
        if (out == null) {
            return null;
        }
        byte[] result = new byte[o];
        System.arraycopy(out, 0, result, 0, o);
        return result;
    }

    /** The byte value of {@code \xHH} at {@code i}, or -1. */
    private static int hexByte(byte[] raw, int i, int end) {
        if (i + 3 >= end || raw[i + 1] != 'x') {
            return -1;
        }
        int hi = Ascii.hexValue(raw[i + 2]);
        int lo = Ascii.hexValue(raw[i + 3]);
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }

    private static int appendJsonChar(byte[] out, int o, char c) {
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (byte) c;
        } else if (c >= 0x20 && c < 0x7f) {
            out[o++] = (byte) c;
        } else {
            String hex = Integer.toHexString(c);
            out[o++] = '\\';
            out[o++] = 'u';
            for (int k = hex.length(); k < 4; k++) {
                out[o++] = '0';
            }
            for (int k = 0; k < hex.length(); k++) {
                out[o++] = (byte) hex.charAt(k);
            }
        }
        return o;
    }
}
