package io.nginxalerts.traffic;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes {@link GeneratedLine}s as nginx would log them, in one {@link LineFormat}, with UTC times
 * ({@code +00:00} / {@code +0000}).
 *
 * <p>Not thread-safe: it reuses one buffer and a small cache of formatted seconds, so the hot path
 * only copies pre-escaped bytes and writes digits (no {@code String.format}, no per-field
 * allocation).
 */
public final class LineEncoder {

    private static final byte[] HEX = bytes("0123456789abcdef");
    private static final byte[][] MONTHS = {
        bytes("Jan"), bytes("Feb"), bytes("Mar"), bytes("Apr"), bytes("May"), bytes("Jun"),
        bytes("Jul"), bytes("Aug"), bytes("Sep"), bytes("Oct"), bytes("Nov"), bytes("Dec")
    };

    private static final byte[] J_TIMESTAMP = bytes("{\"@timestamp\":\"");
    private static final byte[] J_MSEC = bytes("\",\"msec\":\"");
    private static final byte[] J_HOST = bytes("\",\"host\":\"");
    private static final byte[] J_CLIENTIP = bytes("\",\"clientip\":\"");
    private static final byte[] J_SIZE = bytes("\",\"size\":");
    private static final byte[] J_RESPONSETIME = bytes(",\"responsetime\":");
    private static final byte[] J_UPSTREAMTIME = bytes(",\"upstreamtime\":\"");
    private static final byte[] J_UPSTREAMHOST = bytes("\",\"upstreamhost\":\"");
    private static final byte[] J_HTTP_HOST = bytes("\",\"http_host\":\"");
    private static final byte[] J_URL = bytes("\",\"url\":\"");
    private static final byte[] J_XFF_REFER = bytes("\",\"xff\":\"-\",\"refer\":\"");
    private static final byte[] J_AGENT = bytes("\",\"agent\":\"");
    private static final byte[] J_STATUS = bytes("\",\"status\":\"");
    private static final byte[] J_METHOD = bytes("\",\"method\":\"");
    private static final byte[] J_PROTOCOL = bytes("\",\"protocol\":\"");
    private static final byte[] J_REQUEST_ID = bytes("\",\"request_id\":\"");
    private static final byte[] J_END = bytes("\"}");

    private static final byte[] L_TIMESTAMP = bytes("{\"@timestamp\":\"");
    private static final byte[] L_LOGSTASH =
            bytes(
                    "\",\"@version\":\"1\",\"path\":\"/var/log/nginx/access.json.log\",\"user_agent\":");
    private static final byte[] L_GEOIP = bytes(",\"geoip\":{\"ip\":\"");
    private static final byte[] L_GEO = bytes("\",\"geo\":");
    private static final byte[] L_END = bytes("}}");

    /**
     * Locations given to clients in {@link LineFormat#LOGSTASH_JSON}, as the geoip filter writes
     * them under {@code geoip.geo} (ECS).
     */
    private static final byte[][] LOCATIONS = {
        bytes(
                "{\"continent_code\":\"EU\",\"country_iso_code\":\"GB\",\"country_name\":\"United"
                        + " Kingdom\",\"region_iso_code\":\"GB-ENG\",\"region_name\":\"England\","
                        + "\"city_name\":\"London\",\"postal_code\":\"EC2V\",\"timezone\":"
                        + "\"Europe/London\",\"location\":{\"lat\":51.5142,\"lon\":-0.0931}}"),
        bytes(
                "{\"continent_code\":\"EU\",\"country_iso_code\":\"DE\",\"country_name\":\"Germany\","
                        + "\"region_iso_code\":\"DE-HE\",\"region_name\":\"Hesse\",\"city_name\":"
                        + "\"Frankfurt am Main\",\"postal_code\":\"60313\",\"timezone\":"
                        + "\"Europe/Berlin\",\"location\":{\"lat\":50.1188,\"lon\":8.6843}}"),
        bytes(
                "{\"continent_code\":\"NA\",\"country_iso_code\":\"US\",\"country_name\":\"United"
                        + " States\",\"region_iso_code\":\"US-VA\",\"region_name\":\"Virginia\","
                        + "\"city_name\":\"Ashburn\",\"postal_code\":\"20149\",\"timezone\":"
                        + "\"America/New_York\",\"location\":{\"lat\":39.0469,\"lon\":-77.4903}}"),
        bytes(
                "{\"continent_code\":\"EU\",\"country_iso_code\":\"NL\",\"country_name\":"
                        + "\"Netherlands\",\"region_iso_code\":\"NL-NH\",\"region_name\":\"North"
                        + " Holland\",\"city_name\":\"Amsterdam\",\"postal_code\":\"1012\","
                        + "\"timezone\":\"Europe/Amsterdam\",\"location\":{\"lat\":52.3759,"
                        + "\"lon\":4.8975}}"),
        bytes(
                "{\"continent_code\":\"AS\",\"country_iso_code\":\"SG\",\"country_name\":"
                        + "\"Singapore\",\"timezone\":\"Asia/Singapore\",\"location\":{\"lat\":1.2868,"
                        + "\"lon\":103.8503}}"),
        bytes(
                "{\"continent_code\":\"SA\",\"country_iso_code\":\"BR\",\"country_name\":\"Brazil\","
                        + "\"region_iso_code\":\"BR-SP\",\"region_name\":\"Sao Paulo\",\"city_name\":"
                        + "\"São Paulo\",\"timezone\":\"America/Sao_Paulo\",\"location\":"
                        + "{\"lat\":-23.5335,\"lon\":-46.6359}}"),
    };

    /** Agents seen by {@link LineFormat#LOGSTASH_JSON}: a catalogue, so this stays small. */
    private static final int MAX_AGENTS = 4096;

    private static final byte[] C_USERS = bytes(" - - [");
    private static final byte[] C_REQUEST = bytes("] \"");
    private static final byte[] C_STATUS = bytes("\" ");
    private static final byte[] C_REFER = bytes(" \"");
    private static final byte[] C_AGENT = bytes("\" \"");

    /** A power of two, so a slot is a mask of the second; a collision only costs a re-format. */
    private static final int TIME_CACHE = 16;

    private final LineFormat format;
    private byte[] buf = new byte[1024];
    private int pos;

    // With jitter, timestamps wander over a few seconds; a tiny direct-mapped cache of formatted
    // seconds turns time formatting into a copy for all but the first line of each second.
    private final long[] cachedSecond = new long[TIME_CACHE];
    private final byte[][] cachedTime = new byte[TIME_CACHE][];
    private final Map<String, byte[]> userAgents = new HashMap<>();

    public LineEncoder(LineFormat format) {
        this.format = Objects.requireNonNull(format, "format");
        Arrays.fill(cachedSecond, Long.MIN_VALUE);
    }

    public LineFormat format() {
        return format;
    }

    /** The line in this encoder's format, without a line terminator, in a new array. */
    public byte[] encode(GeneratedLine line) {
        pos = 0;
        write(line);
        return Arrays.copyOf(buf, pos);
    }

    /** Writes the line and a {@code '\n'} to {@code out} with a single {@code write} call. */
    public void writeTo(GeneratedLine line, OutputStream out) throws IOException {
        pos = 0;
        write(line);
        ensure(1);
        buf[pos++] = '\n';
        out.write(buf, 0, pos);
    }

    private void write(GeneratedLine line) {
        switch (format) {
            case NGINX_JSON -> {
                put(J_TIMESTAMP);
                put(time(line.timestampMillis));
                writeJsonFields(line);
                put(J_END);
            }
            case LOGSTASH_JSON -> {
                put(L_TIMESTAMP);
                put(time(line.timestampMillis));
                writeJsonFields(line);
                put(L_LOGSTASH);
                put(userAgent(line.agent));
                put(L_GEOIP);
                address(line.clientAddress);
                put(L_GEO);
                put(
                        LOCATIONS[
                                Integer.remainderUnsigned(
                                        line.clientAddress * 0x9E3779B9, LOCATIONS.length)]);
                put(L_END);
            }
            case COMBINED -> writeCombined(line);
        }
    }

    /** From {@code msec} to the value of {@code request_id}, without its closing quote. */
    private void writeJsonFields(GeneratedLine l) {
        put(J_MSEC);
        msec(l.timestampMillis);
        put(J_HOST);
        put(l.host.json);
        put(J_CLIENTIP);
        address(l.clientAddress);
        put(J_SIZE);
        number(l.size);
        put(J_RESPONSETIME);
        millisAsSeconds(l.responseMillis);
        put(J_UPSTREAMTIME);
        if (l.upstreamMillis < 0) {
            put((byte) '-');
        } else {
            millisAsSeconds(l.upstreamMillis);
        }
        put(J_UPSTREAMHOST);
        put(l.upstreamHost.json);
        put(J_HTTP_HOST);
        put(l.httpHost.json);
        put(J_URL);
        put(l.url.json);
        put(J_XFF_REFER);
        put(l.refer.json);
        put(J_AGENT);
        put(l.agent.json);
        put(J_STATUS);
        number(l.status);
        put(J_METHOD);
        put(l.method.json);
        put(J_PROTOCOL);
        put(l.protocol.json);
        put(J_REQUEST_ID);
        hex(l.requestIdHigh);
        hex(l.requestIdLow);
    }

    private byte[] userAgent(Text agent) {
        byte[] cached = userAgents.get(agent.value);
        if (cached == null) {
            if (userAgents.size() >= MAX_AGENTS) {
                userAgents.clear();
            }
            cached = userAgentObject(agent);
            userAgents.put(agent.value, cached);
        }
        return cached;
    }

    /**
     * The {@code user_agent} object of Logstash's useragent filter (ECS): browser or tool name and
     * version, operating system, device, and the original string. A few rules stand in for the
     * uap-core database; names and versions keep only characters that need no JSON escaping.
     */
    static byte[] userAgentObject(Text agent) {
        String a = agent.value;
        String name = "Other";
        String version = null;
        String[][] browsers = {
            {"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}
        };
        for (String[] b : browsers) {
            int at = a.indexOf(b[0]);
            if (at >= 0) {
                name = b[1];
                version = token(a, at + b[0].length());
                break;
            }
        }
        if (version == null && a.contains("Safari/") && a.contains("Version/")) {
            name = "Safari";
            version = token(a, a.indexOf("Version/") + "Version/".length());
        }
        if (version == null) {
            // A tool ("curl/8.4.0", "sqlmap/1.7.2#stable") or a bot inside a browser's clothes
            // ("Mozilla/5.0 (compatible; Googlebot/2.1; ...)"): its own product token.
            int compatible = a.indexOf("compatible; ");
            int from = a.startsWith("Mozilla/") ? compatible < 0 ? -1 : compatible + 12 : 0;
            int slash = from < 0 ? -1 : a.indexOf('/', from);
            String product = slash < 0 ? "" : token(a, from);
            if (!product.isEmpty() && from + product.length() == slash) {
                name = product;
                version = token(a, slash + 1);
            }
        }
        // First match wins: an iPhone's agent also says "like Mac OS X".
        String[][] systems = {
            {"Windows NT 10.0", "Windows", "Windows 10"},
            {"iPhone", "iOS", "iOS"},
            {"Mac OS X", "Mac OS X", "Mac OS X"},
            {"Android", "Android", "Android"},
            {"Linux", "Linux", "Linux"},
            {"", "Other", "Other"}
        };
        String[] system = systems[systems.length - 1];
        for (String[] candidate : systems) {
            if (a.contains(candidate[0])) {
                system = candidate;
                break;
            }
        }
        String lower = a.toLowerCase(Locale.ROOT);
        String device =
                a.contains("iPhone")
                        ? "iPhone"
                        : a.contains("Android") && a.contains("Mobile")
                                ? "Generic Smartphone"
                                : lower.contains("bot")
                                                || lower.contains("spider")
                                                || lower.contains("crawl")
                                        ? "Spider"
                                        : "Other";
        StringBuilder s = new StringBuilder(96).append("{\"name\":\"").append(name).append('"');
        if (version != null && !version.isEmpty()) {
            s.append(",\"version\":\"").append(version).append('"');
        }
        s.append(",\"os\":{\"name\":\"")
                .append(system[1])
                .append("\",\"full\":\"")
                .append(system[2])
                .append("\"},\"device\":{\"name\":\"")
                .append(device)
                .append("\"},\"original\":\"");
        byte[] head = bytes(s.toString());
        byte[] out = Arrays.copyOf(head, head.length + agent.json.length + 2);
        System.arraycopy(agent.json, 0, out, head.length, agent.json.length);
        out[out.length - 2] = '"';
        out[out.length - 1] = '}';
        return out;
    }

    /** The version-like run of characters at {@code from}: letters, digits, dots, dashes. */
    private static String token(String s, int from) {
        int end = from;
        while (end < s.length()
                && (Character.isLetterOrDigit(s.charAt(end)) && s.charAt(end) < 128
                        || s.charAt(end) == '.'
                        || s.charAt(end) == '_'
                        || s.charAt(end) == '-')) {
            end++;
        }
        return s.substring(from, end);
    }

    private void writeCombined(GeneratedLine l) {
        address(l.clientAddress);
        put(C_USERS);
        put(time(l.timestampMillis));
        put(C_REQUEST);
        put(l.method.combined);
        put((byte) ' ');
        put(l.url.combined);
        put((byte) ' ');
        put(l.protocol.combined);
        put(C_STATUS);
        number(l.status);
        put((byte) ' ');
        number(l.size);
        put(C_REFER);
        put(l.refer.combined);
        put(C_AGENT);
        put(l.agent.combined);
        put((byte) '"');
    }

    private byte[] time(long millis) {
        long second = Math.floorDiv(millis, 1000);
        int slot = (int) (second & (TIME_CACHE - 1));
        if (cachedSecond[slot] != second) {
            cachedTime[slot] =
                    switch (format) {
                        case NGINX_JSON -> iso8601(second);
                        case LOGSTASH_JSON -> logstashTime(second);
                        case COMBINED -> timeLocal(second);
                    };
            cachedSecond[slot] = second;
        }
        return cachedTime[slot];
    }

    /** {@code $time_iso8601} in UTC: {@code 2026-11-26T10:00:01+00:00}. */
    static byte[] iso8601(long epochSecond) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        byte[] b = new byte[25];
        digits(b, 0, t.getYear(), 4);
        b[4] = '-';
        digits(b, 5, t.getMonthValue(), 2);
        b[7] = '-';
        digits(b, 8, t.getDayOfMonth(), 2);
        b[10] = 'T';
        clock(b, 11, t);
        System.arraycopy(bytes("+00:00"), 0, b, 19, 6);
        return b;
    }

    /** Logstash's {@code @timestamp} of a whole second: {@code 2026-11-26T10:00:01.000Z}. */
    static byte[] logstashTime(long epochSecond) {
        byte[] b = Arrays.copyOf(iso8601(epochSecond), 24);
        System.arraycopy(bytes(".000Z"), 0, b, 19, 5);
        return b;
    }

    /** {@code $time_local} in UTC: {@code 26/Nov/2026:10:00:01 +0000}. */
    static byte[] timeLocal(long epochSecond) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        byte[] b = new byte[26];
        digits(b, 0, t.getDayOfMonth(), 2);
        b[2] = '/';
        System.arraycopy(MONTHS[t.getMonthValue() - 1], 0, b, 3, 3);
        b[6] = '/';
        digits(b, 7, t.getYear(), 4);
        b[11] = ':';
        clock(b, 12, t);
        System.arraycopy(bytes(" +0000"), 0, b, 20, 6);
        return b;
    }

    private static void clock(byte[] b, int at, LocalDateTime t) {
        digits(b, at, t.getHour(), 2);
        b[at + 2] = ':';
        digits(b, at + 3, t.getMinute(), 2);
        b[at + 5] = ':';
        digits(b, at + 6, t.getSecond(), 2);
    }

    private static void digits(byte[] b, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Seconds with three decimals, as nginx writes {@code $request_time}. */
    static String seconds(int millis) {
        int frac = millis % 1000;
        return millis / 1000 + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    private void millisAsSeconds(int millis) {
        number(millis / 1000);
        ensure(4);
        int frac = millis % 1000;
        buf[pos] = '.';
        buf[pos + 1] = (byte) ('0' + frac / 100);
        buf[pos + 2] = (byte) ('0' + frac / 10 % 10);
        buf[pos + 3] = (byte) ('0' + frac % 10);
        pos += 4;
    }

    private void address(int a) {
        number(a >>> 24);
        put((byte) '.');
        number(a >>> 16 & 0xff);
        put((byte) '.');
        number(a >>> 8 & 0xff);
        put((byte) '.');
        number(a & 0xff);
    }

    /** nginx's {@code $msec}: seconds since the epoch with three decimals. */
    private void msec(long millis) {
        number(millis / 1000);
        ensure(4);
        int ms = (int) (millis % 1000);
        buf[pos++] = '.';
        buf[pos++] = (byte) ('0' + ms / 100);
        buf[pos++] = (byte) ('0' + ms / 10 % 10);
        buf[pos++] = (byte) ('0' + ms % 10);
    }

    /** A non-negative number in decimal. */
    private void number(long value) {
        ensure(20);
        if (value < 10) {
            buf[pos++] = (byte) ('0' + value);
            return;
        }
        int start = pos;
        while (value > 0) {
            buf[pos++] = (byte) ('0' + value % 10);
            value /= 10;
        }
        // Written least significant first; reverse in place.
        for (int i = start, j = pos - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    private void hex(long value) {
        ensure(16);
        for (int shift = 60; shift >= 0; shift -= 4) {
            buf[pos++] = HEX[(int) (value >>> shift) & 0xf];
        }
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    private void put(byte b) {
        ensure(1);
        buf[pos++] = b;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
