package io.nginxalerts.core.parse;

/**
 * Finds the message inside a syslog-wrapped access-log line, so that the log format applies to
 * what nginx wrote and not to the transport's header. Recognised headers:
 *
 * <ul>
 *   <li>RFC 3164, as nginx writes it with {@code access_log syslog:server=...}: {@code <190>Dec  6
 *       20:40:49 host nginx: MSG}; also without the {@code <PRI>} (as rsyslog writes it to files)
 *       and with a {@code tag[pid]:}, and with an RFC 3339 time instead of {@code Mmm dd hh:mm:ss}
 *       (rsyslog's forward format).
 *   <li>RFC 5424: {@code <190>1 2026-12-06T20:40:49.123Z host nginx - - - MSG}, with {@code -} or
 *       one or more {@code [...]} structured-data elements.
 * </ul>
 *
 * <p>The check is cheap and fails fast: an ordinary line starts with an address or {@code {}, and
 * one byte (or four, for a line starting with a month's initial) tells it is no syslog header. The
 * header's own time and host are dropped: the access-log line carries the request's time.
 */
final class SyslogHeader {

    /** The longest header accepted; beyond it the line is taken as not wrapped. */
    private static final int MAX_HEADER_BYTES = 512;

    private SyslogHeader() {}

    /**
     * The offset in {@code raw} where the message starts, or -1 when the bytes from {@code first}
     * (a non-blank byte) to {@code end} (exclusive) do not start with a syslog header.
     */
    static int messageStart(byte[] raw, int first, int end) {
        byte b = raw[first];
        if (b == '<') {
            return afterPri(raw, first, end);
        }
        if (b >= 'A' && b <= 'S' && first + 16 < end && raw[first + 3] == ' ') {
            return afterBsdTimestamp(raw, first, end);
        }
        if (isDigit(b) && first + 20 < end && raw[first + 4] == '-' && raw[first + 10] == 'T') {
            // rsyslog's file format: 2026-12-06T20:40:49.123456+00:00 host tag: MSG. No IP
            // address has a '-' at its fifth character.
            int t = skipToken(raw, first, end);
            return t < 0 ? -1 : afterHostAndTag(raw, t, end);
        }
        return -1;
    }

    /** {@code <PRI>} is one to three digits; then RFC 5424's version or RFC 3164's time. */
    private static int afterPri(byte[] raw, int first, int end) {
        int i = first + 1;
        int digits = 0;
        while (i < end && isDigit(raw[i]) && digits < 4) {
            i++;
            digits++;
        }
        if (digits == 0 || digits > 3 || i >= end || raw[i] != '>') {
            return -1;
        }
        i++;
        if (i + 2 < end && isDigit(raw[i]) && raw[i + 1] == ' ' && isDigit(raw[i + 2])) {
            return afterRfc5424Version(raw, i + 2, end);
        }
        if (i < end && isDigit(raw[i])) {
            // rsyslog's forward format: <PRI>2026-12-06T20:40:49.123+00:00 host tag: MSG
            int t = skipToken(raw, i, end);
            return t < 0 ? -1 : afterHostAndTag(raw, t, end);
        }
        return i + 15 < end ? afterBsdTimestamp(raw, i, end) : -1;
    }

    /** {@code Mmm dd hh:mm:ss } (a space pads a one-digit day), then host and tag. */
    private static int afterBsdTimestamp(byte[] raw, int at, int end) {
        if (at + 16 > end
                || !isMonth(raw, at)
                || raw[at + 3] != ' '
                || !(raw[at + 4] == ' ' || isDigit(raw[at + 4]))
                || !isDigit(raw[at + 5])
                || raw[at + 6] != ' '
                || !isDigit(raw[at + 7])
                || !isDigit(raw[at + 8])
                || raw[at + 9] != ':'
                || !isDigit(raw[at + 10])
                || !isDigit(raw[at + 11])
                || raw[at + 12] != ':'
                || !isDigit(raw[at + 13])
                || !isDigit(raw[at + 14])
                || raw[at + 15] != ' ') {
            return -1;
        }
        return afterHostAndTag(raw, at + 16, end);
    }

    /**
     * {@code host tag: MSG} where the tag ends with a colon ({@code nginx:}, {@code nginx[7]:}).
     */
    private static int afterHostAndTag(byte[] raw, int at, int end) {
        int tag = skipToken(raw, at, end);
        if (tag < 0) {
            return -1;
        }
        int limit = Math.min(end, tag + 64);
        for (int i = tag; i < limit; i++) {
            byte b = raw[i];
            if (b == ':') {
                int msg = i + 1;
                while (msg < end && raw[msg] == ' ') {
                    msg++;
                }
                return msg < end ? msg : -1;
            }
            if (b == ' ') {
                return -1;
            }
        }
        return -1;
    }

    /**
     * After {@code VERSION SP}: {@code TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA}
     * then the message.
     */
    private static int afterRfc5424Version(byte[] raw, int at, int end) {
        int i = at;
        for (int field = 0; field < 5; field++) {
            i = skipToken(raw, i, end);
            if (i < 0) {
                return -1;
            }
        }
        if (i >= end) {
            return -1;
        }
        if (raw[i] == '-') {
            i++;
        } else {
            while (i < end && raw[i] == '[') {
                // SD-ELEMENT: values are quoted and may hold an escaped ']' or '"'.
                boolean quoted = false;
                i++;
                while (i < end && (quoted || raw[i] != ']')) {
                    if (raw[i] == '\\' && quoted) {
                        i++;
                    } else if (raw[i] == '"') {
                        quoted = !quoted;
                    }
                    i++;
                }
                if (i >= end || i - at > MAX_HEADER_BYTES) {
                    return -1;
                }
                i++;
            }
        }
        if (i >= end || raw[i] != ' ') {
            return -1;
        }
        i++;
        // A UTF-8 BOM may introduce the message.
        if (i + 2 < end
                && raw[i] == (byte) 0xEF
                && raw[i + 1] == (byte) 0xBB
                && raw[i + 2] == (byte) 0xBF) {
            i += 3;
        }
        return i < end ? i : -1;
    }

    /** Skips a run of non-space bytes and the one space after it; -1 if either is missing. */
    private static int skipToken(byte[] raw, int at, int end) {
        int i = at;
        int limit = Math.min(end, at + 256);
        while (i < limit && raw[i] != ' ') {
            i++;
        }
        return i > at && i < end && raw[i] == ' ' ? i + 1 : -1;
    }

    private static boolean isMonth(byte[] raw, int at) {
        return Timestamps.month(raw[at], raw[at + 1], raw[at + 2]) > 0;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
