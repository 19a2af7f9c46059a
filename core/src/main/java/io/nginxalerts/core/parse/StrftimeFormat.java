package io.nginxalerts.core.parse;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.format.SignStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Locale;

/**
 * The {@code strftime(3)} format of an Apache {@code %{format}t} directive, compiled to a parser of
 * the times it prints. Apache formats in the C locale, so names are English.
 *
 * <p>Conversions read: {@code %Y %y %m %d %e %j %H %I %M %S %p %b %h %B %a %A %z %s %T %R %F %D %%
 * %n %t}. The locale's own forms ({@code %c %x %X}), zone names ({@code %Z}, ambiguous: {@code
 * CST}) and week numbers are refused when the format is compiled, naming the conversion; so is any
 * other letter.
 *
 * <p>Guarantees: {@link #parse} gives the date, time of day, UTC offset and epoch second each
 * format holds, or throws for a text that does not fit; {@link #width()} is the exact length of
 * every text the format prints when that is fixed (all numbers padded, English abbreviations), so a
 * value with spaces can be cut from a log line without looking for its end. Immutable and
 * thread-safe.
 */
final class StrftimeFormat implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What one printed time gave; null for what its format does not hold. */
    record Parts(LocalDate date, LocalTime time, ZoneOffset offset, Long epochSecond) {}

    private final String source;
    private final int width;
    private final boolean date;
    private final boolean time;
    private final boolean offset;
    private final boolean epoch;

    /** Built again after deserialization: {@link DateTimeFormatter} is not serializable. */
    private transient DateTimeFormatter formatter;

    /**
     * @throws IllegalArgumentException naming the conversion that cannot be read
     */
    StrftimeFormat(String source) {
        this.source = source;
        Compiled c = compile(source);
        this.formatter = c.formatter;
        this.width = c.width;
        this.date = c.year && c.month && c.day || c.year && c.dayOfYear;
        this.time = c.hour && c.minute;
        this.offset = c.offset;
        this.epoch = c.epoch;
    }

    /** The format as written in the directive. */
    String source() {
        return source;
    }

    /** The length of every text this format prints, or -1 where it varies. */
    int width() {
        return width;
    }

    /** Whether a printed time holds a whole date (year, month and day, or year and day of year). */
    boolean hasDate() {
        return date;
    }

    /** Whether a printed time holds the hour and the minute. */
    boolean hasTime() {
        return time;
    }

    /** Whether a printed time holds its UTC offset ({@code %z}). */
    boolean hasOffset() {
        return offset;
    }

    /** Whether a printed time holds seconds since the epoch ({@code %s}). */
    boolean hasEpoch() {
        return epoch;
    }

    /**
     * The parts of one printed time.
     *
     * @throws DateTimeParseException if {@code text} is not a time of this format
     */
    Parts parse(String text) {
        DateTimeFormatter f = formatter;
        if (f == null) {
            f = compile(source).formatter;
            formatter = f;
        }
        TemporalAccessor t = f.parse(text);
        LocalDate d = date ? t.query(TemporalQueries.localDate()) : null;
        LocalTime lt = time ? t.query(TemporalQueries.localTime()) : null;
        ZoneOffset z = offset ? t.query(TemporalQueries.offset()) : null;
        Long e = epoch ? t.getLong(ChronoField.INSTANT_SECONDS) : null;
        return new Parts(d, lt, z, e);
    }

    private static final class Compiled {
        final DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().parseCaseInsensitive();
        DateTimeFormatter formatter;
        int width;
        boolean year;
        boolean month;
        boolean day;
        boolean dayOfYear;
        boolean hour;
        boolean minute;
        boolean offset;
        boolean epoch;

        void number(ChronoField field, int digits) {
            b.appendValue(field, digits);
            fixed(digits);
        }

        void fixed(int n) {
            if (width >= 0) {
                width += n;
            }
        }

        void varies() {
            width = -1;
        }
    }

    private static Compiled compile(String source) {
        Compiled c = new Compiled();
        DateTimeFormatterBuilder b = c.b;
        int n = source.length();
        for (int i = 0; i < n; i++) {
            char ch = source.charAt(i);
            if (ch != '%') {
                b.appendLiteral(ch);
                c.fixed(1);
                continue;
            }
            if (++i == n) {
                throw new IllegalArgumentException("a lone % at the end of the time format");
            }
            char conv = source.charAt(i);
            switch (conv) {
                case 'Y' -> {
                    b.appendValue(ChronoField.YEAR, 4, 4, SignStyle.NEVER);
                    c.fixed(4);
                    c.year = true;
                }
                case 'y' -> {
                    b.appendValueReduced(ChronoField.YEAR, 2, 2, 2000);
                    c.fixed(2);
                    c.year = true;
                }
                case 'm' -> {
                    c.number(ChronoField.MONTH_OF_YEAR, 2);
                    c.month = true;
                }
                case 'd' -> {
                    c.number(ChronoField.DAY_OF_MONTH, 2);
                    c.day = true;
                }
                case 'e' -> {
                    // Space-padded: " 7".
                    b.padNext(2).appendValue(ChronoField.DAY_OF_MONTH);
                    c.fixed(2);
                    c.day = true;
                }
                case 'j' -> {
                    c.number(ChronoField.DAY_OF_YEAR, 3);
                    c.dayOfYear = true;
                }
                case 'H' -> {
                    c.number(ChronoField.HOUR_OF_DAY, 2);
                    c.hour = true;
                }
                case 'I' -> {
                    c.number(ChronoField.CLOCK_HOUR_OF_AMPM, 2);
                    c.hour = true;
                }
                case 'p' -> {
                    b.appendText(ChronoField.AMPM_OF_DAY, TextStyle.SHORT);
                    c.fixed(2);
                }
                case 'M' -> {
                    c.number(ChronoField.MINUTE_OF_HOUR, 2);
                    c.minute = true;
                }
                case 'S' -> c.number(ChronoField.SECOND_OF_MINUTE, 2);
                case 'b', 'h' -> {
                    b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.SHORT);
                    c.fixed(3);
                    c.month = true;
                }
                case 'B' -> {
                    b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.FULL);
                    c.varies();
                    c.month = true;
                }
                case 'a' -> {
                    b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.SHORT);
                    c.fixed(3);
                }
                case 'A' -> {
                    b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.FULL);
                    c.varies();
                }
                case 'z' -> {
                    b.appendOffset("+HHMM", "+0000");
                    c.fixed(5);
                    c.offset = true;
                }
                case 's' -> {
                    b.appendValue(ChronoField.INSTANT_SECONDS, 1, 19, SignStyle.NORMAL);
                    c.varies();
                    c.epoch = true;
                }
                case 'T' -> {
                    hourMinute(c);
                    b.appendLiteral(':');
                    c.number(ChronoField.SECOND_OF_MINUTE, 2);
                    c.fixed(1);
                }
                case 'R' -> hourMinute(c);
                case 'F' -> {
                    b.appendValue(ChronoField.YEAR, 4, 4, SignStyle.NEVER).appendLiteral('-');
                    c.fixed(5);
                    c.number(ChronoField.MONTH_OF_YEAR, 2);
                    b.appendLiteral('-');
                    c.fixed(1);
                    c.number(ChronoField.DAY_OF_MONTH, 2);
                    c.year = c.month = c.day = true;
                }
                case 'D' -> {
                    c.number(ChronoField.MONTH_OF_YEAR, 2);
                    b.appendLiteral('/');
                    c.number(ChronoField.DAY_OF_MONTH, 2);
                    b.appendLiteral('/').appendValueReduced(ChronoField.YEAR, 2, 2, 2000);
                    c.fixed(4);
                    c.year = c.month = c.day = true;
                }
                case '%' -> {
                    b.appendLiteral('%');
                    c.fixed(1);
                }
                case 'n' -> {
                    b.appendLiteral('\n');
                    c.fixed(1);
                }
                case 't' -> {
                    b.appendLiteral('\t');
                    c.fixed(1);
                }
                default ->
                        throw new IllegalArgumentException(
                                "%"
                                        + conv
                                        + (conv == 'Z'
                                                ? " (a zone name: ambiguous; use %z)"
                                                : conv == 'c' || conv == 'x' || conv == 'X'
                                                        ? " (the locale's own form; spell it out)"
                                                        : "")
                                        + " cannot be read in a time format");
            }
        }
        // English names, as the C locale Apache formats in; STRICT, so that a damaged line's
        // 30 February is refused rather than moved to the 28th.
        c.formatter = b.toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.STRICT);
        return c;
    }

    private static void hourMinute(Compiled c) {
        c.number(ChronoField.HOUR_OF_DAY, 2);
        c.b.appendLiteral(':');
        c.fixed(1);
        c.number(ChronoField.MINUTE_OF_HOUR, 2);
        c.hour = c.minute = true;
    }

    @Override
    public String toString() {
        return source;
    }
}
