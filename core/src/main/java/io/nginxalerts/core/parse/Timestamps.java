package io.nginxalerts.core.parse;

/**
 * Hand-written parsers for the two time formats nginx prints. They exist because {@code
 * DateTimeFormatter} allocates and is several times slower on the hot path, and because a strict
 * scanner gives a plain "no" instead of an exception for garbage.
 *
 * <p>Both return epoch milliseconds (UTC), or {@link #INVALID} when the text is not a valid time.
 */
final class Timestamps {

    static final long INVALID = Long.MIN_VALUE;

    /** 2000-01-01T00:00:00Z: older events are bogus clocks or replayed junk. */
    static final long Y2000_MILLIS = 946_684_800_000L;

    private static final int DAYS_0000_TO_1970 = 719_528;
    private static final int MAX_OFFSET_SECONDS = 18 * 3600;
    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

    private Timestamps() {}

    /**
     * ISO-8601 with an offset, as nginx {@code $time_iso8601} ({@code 2026-11-26T10:00:01+00:00})
     * and Logstash ({@code 2026-11-26T10:00:01.000Z}) print it. Accepts fractional seconds (up to 9
     * digits, truncated to milliseconds), {@code Z}, {@code ±HH:MM}, {@code ±HHMM}, {@code ±HH}. An
     * offset is required: a local time without one would be guessed, not parsed.
     */
    static long parseIso(String s) {
        int n = s.length();
        if (n < 20 || n > 40) {
            return INVALID;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        char t = s.charAt(10);
        if ((year | month | day | hour | minute | second) < 0
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || (t != 'T' && t != 't' && t != ' ')
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return INVALID;
        }
        int i = 19;
        int millis = 0;
        if (s.charAt(i) == '.' || s.charAt(i) == ',') {
            int start = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                if (i - start < 3) {
                    millis = millis * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            int count = i - start;
            if (count == 0 || count > 9) {
                return INVALID;
            }
            for (int k = count; k < 3; k++) {
                millis *= 10;
            }
        }
        if (i >= n) {
            return INVALID;
        }
        int offsetSeconds;
        char sign = s.charAt(i);
        if (sign == 'Z' || sign == 'z') {
            offsetSeconds = 0;
            i++;
        } else if (sign == '+' || sign == '-') {
            int oh = digits(s, i + 1, 2);
            int om = 0;
            i += 3;
            if (i < n) {
                if (s.charAt(i) == ':') {
                    i++;
                }
                om = digits(s, i, 2);
                i += 2;
            }
            if (oh < 0 || om < 0 || om > 59) {
                return INVALID;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (sign == '-' ? -1 : 1);
        } else {
            return INVALID;
        }
        if (i != n) {
            return INVALID;
        }
        return toEpochMillis(year, month, day, hour, minute, second, millis, offsetSeconds);
    }

    /**
     * nginx {@code $time_local} as in the {@code combined} format: {@code 26/Nov/2026:10:00:01
     * +0000}.
     */
    static long parseCommonLog(String s) {
        if (s.length() != 26
                || s.charAt(2) != '/'
                || s.charAt(6) != '/'
                || s.charAt(11) != ':'
                || s.charAt(14) != ':'
                || s.charAt(17) != ':'
                || s.charAt(20) != ' ') {
            return INVALID;
        }
        int day = digits(s, 0, 2);
        int month = month(s, 3);
        int year = digits(s, 7, 4);
        int hour = digits(s, 12, 2);
        int minute = digits(s, 15, 2);
        int second = digits(s, 18, 2);
        char sign = s.charAt(21);
        int oh = digits(s, 22, 2);
        int om = digits(s, 24, 2);
        if ((day | month | year | hour | minute | second | oh | om) < 0
                || (sign != '+' && sign != '-')
                || om > 59) {
            return INVALID;
        }
        int offsetSeconds = (oh * 3600 + om * 60) * (sign == '-' ? -1 : 1);
        return toEpochMillis(year, month, day, hour, minute, second, 0, offsetSeconds);
    }

    private static long toEpochMillis(
            int year,
            int month,
            int day,
            int hour,
            int minute,
            int second,
            int millis,
            int offsetSeconds) {
        if (month < 1
                || month > 12
                || day < 1
                || day > lengthOfMonth(year, month)
                || hour > 23
                || minute > 59
                || second > 59
                || Math.abs(offsetSeconds) > MAX_OFFSET_SECONDS) {
            return INVALID;
        }
        long seconds =
                epochDay(year, month, day) * 86_400L
                        + hour * 3600L
                        + minute * 60L
                        + second
                        - offsetSeconds;
        return seconds * 1000L + millis;
    }

    /** Days since 1970-01-01 for a proleptic Gregorian date, year 0..9999 (as in LocalDate). */
    private static long epochDay(int year, int month, int day) {
        long y = year;
        long total = 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
        total += (367 * month - 362) / 12;
        total += day - 1;
        if (month > 2) {
            total--;
            if (!isLeap(year)) {
                total--;
            }
        }
        return total - DAYS_0000_TO_1970;
    }

    private static boolean isLeap(int year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    private static int lengthOfMonth(int year, int month) {
        switch (month) {
            case 2:
                return isLeap(year) ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    /** 1..12 for an English three-letter month name at {@code at}, -1 otherwise. */
    private static int month(String s, int at) {
        for (int m = 0; m < 12; m++) {
            if (s.regionMatches(at, MONTHS, m * 3, 3)) {
                return m + 1;
            }
        }
        return -1;
    }

    /** 1..12 for the bytes of an English three-letter month name, -1 otherwise. */
    static int month(byte a, byte b, byte c) {
        for (int m = 0; m < 12; m++) {
            int at = m * 3;
            if (MONTHS.charAt(at) == a
                    && MONTHS.charAt(at + 1) == b
                    && MONTHS.charAt(at + 2) == c) {
                return m + 1;
            }
        }
        return -1;
    }

    /** The non-negative value of {@code count} ASCII digits at {@code at}, or -1. */
    private static int digits(String s, int at, int count) {
        if (at < 0 || at + count > s.length()) {
            return -1;
        }
        int value = 0;
        for (int i = at; i < at + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
