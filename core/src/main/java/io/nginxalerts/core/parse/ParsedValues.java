package io.nginxalerts.core.parse;

import io.nginxalerts.core.text.Ascii;
import java.nio.charset.StandardCharsets;

/** Small value checks and conversions shared by the JSON and combined parsers; no regex. */
final class ParsedValues {

    /** Longest textual IP address (IPv4-mapped IPv6). */
    private static final int MAX_IP_CHARS = 45;

    /** How much of a bad value a rejection detail may quote. */
    private static final int EXCERPT_CHARS = 40;

    private ParsedValues() {}

    /** nginx prints "-" for an unset variable, and escape=json prints "": both mean absent. */
    static String absentToNull(String value) {
        return value == null || value.isEmpty() || "-".equals(value) ? null : value;
    }

    /**
     * Whether {@code ip} looks like an IPv4 or IPv6 literal: only {@code [0-9a-fA-F:.]}, at most 45
     * characters; with no colon it must be dotted-quad IPv4 (four parts 0-255), with colons it
     * needs at least two of them. This is a plausibility check, not a full RFC 4291 parser: it
     * keeps garbage and host names out of per-IP state.
     */
    static boolean looksLikeIp(String ip) {
        int n = ip.length();
        if (n < 2 || n > MAX_IP_CHARS) {
            return false;
        }
        int colons = 0;
        for (int i = 0; i < n; i++) {
            char c = ip.charAt(i);
            if (c == ':') {
                colons++;
            } else if (!(isDigit(c)
                    || c == '.'
                    || (c >= 'a' && c <= 'f')
                    || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return colons == 0 ? isIpv4(ip) : colons >= 2;
    }

    private static boolean isIpv4(String ip) {
        int parts = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= ip.length(); i++) {
            char c = i < ip.length() ? ip.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || value > 255) {
                    return false;
                }
                parts++;
                value = 0;
                digits = 0;
            } else if (isDigit(c) && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
            } else {
                return false;
            }
        }
        return parts == 4;
    }

    /** A non-negative integer of at most 18 digits (fits a long), or -1. */
    static long parseNonNegativeLong(String s) {
        int n = s.length();
        if (n == 0 || n > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * A non-negative decimal such as nginx's {@code $request_time} ({@code 0.004}), or -1. The
     * syntax is checked by hand because {@link Double#parseDouble} also takes "NaN", "Infinity",
     * hex floats and a trailing "d".
     */
    static double parseNonNegativeDecimal(String s) {
        int n = s.length();
        if (n == 0 || n > 32) {
            return -1;
        }
        int i = 0;
        int intDigits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0) {
            return -1;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0 || expDigits > 3) {
                return -1;
            }
        }
        if (i != n) {
            return -1;
        }
        double value = Double.parseDouble(s);
        return Double.isFinite(value) ? value : -1;
    }

    /** A short, single-line, quoted excerpt of a value for a rejection detail. */
    static String excerpt(String value) {
        if (value == null) {
            return "null";
        }
        int n = Math.min(value.length(), EXCERPT_CHARS);
        StringBuilder sb = new StringBuilder(n + 3).append('\'');
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (value.length() > n) {
            sb.append('…');
        }
        return sb.append('\'').toString();
    }

    /**
     * Makes a Jackson message fit for a detail: first line only, without the location suffix and
     * the hints about parser features (they talk to developers, not to whoever reads the
     * dead-letter topic), capped in length.
     */
    static String shortMessage(String message) {
        if (message == null) {
            return "unknown error";
        }
        String line = cutAt(message, "\n");
        line = cutAt(line, " (start marker at");
        line = cutAt(line, " at [Source");
        line = cutAt(line, ": enable `");
        line = cutAt(line, " (not recognized as one since");
        int from = line.indexOf(", from `");
        if (from >= 0) {
            int to = line.indexOf("`)", from + 8);
            if (to >= 0) {
                line = line.substring(0, from) + line.substring(to + 1);
            }
        }
        if (line.length() > 160) {
            line = line.substring(0, 160) + "…";
        }
        // Jackson quotes the offending character, which may be a control character of the input.
        StringBuilder sb = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }

    private static String cutAt(String s, String marker) {
        int at = s.indexOf(marker);
        return at >= 0 ? s.substring(0, at) : s;
    }

    /** Whether {@code s} is one or more ASCII digits. */
    static boolean digitsOnly(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Undoes nginx's default log escaping in a quoted string of a text line: {@code \xHH} (how
     * nginx writes {@code "}, {@code \} and bytes outside printable ASCII), and the {@code \"} and
     * {@code \\} that other writers use. Runs of {@code \xHH} are bytes of UTF-8 text (a UTF-8 user
     * agent is escaped byte by byte), so they are decoded together; bytes that are not valid UTF-8
     * become U+FFFD rather than failing the record, because the line itself was valid.
     */
    static String unescapeNginx(String s, int start, int end) {
        int backslash = s.indexOf('\\', start);
        if (backslash < 0 || backslash >= end) {
            return s.substring(start, end);
        }
        StringBuilder out = new StringBuilder(end - start);
        byte[] bytes = null;
        int i = start;
        while (i < end) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < end) {
                char next = s.charAt(i + 1);
                if (next == 'x' && i + 3 < end) {
                    int hi = Ascii.hexValue(s.charAt(i + 2));
                    int lo = Ascii.hexValue(s.charAt(i + 3));
                    if (hi >= 0 && lo >= 0) {
                        // Collect the whole run of escaped bytes, then decode it as UTF-8.
                        if (bytes == null) {
                            bytes = new byte[(end - start) / 4 + 1];
                        }
                        int count = 0;
                        while (i + 3 < end
                                && s.charAt(i) == '\\'
                                && s.charAt(i + 1) == 'x'
                                && (hi = Ascii.hexValue(s.charAt(i + 2))) >= 0
                                && (lo = Ascii.hexValue(s.charAt(i + 3))) >= 0) {
                            bytes[count++] = (byte) (hi << 4 | lo);
                            i += 4;
                        }
                        out.append(decodeUtf8Lenient(bytes, count));
                        continue;
                    }
                }
                if (next == '"' || next == '\\') {
                    out.append(next);
                    i += 2;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** UTF-8 with U+FFFD for malformed bytes (what {@code new String(..., UTF_8)} does). */
    static String decodeUtf8Lenient(byte[] bytes, int count) {
        return new String(bytes, 0, count, StandardCharsets.UTF_8);
    }
}
