package io.nginxalerts.core.rules;

/** Strict decimal number parsing for event fields and rule values; never throws. */
final class Numbers {
    private Numbers() {}

    /**
     * The decimal number in {@code text} (optional sign, digits, optional fraction and exponent,
     * surrounding blanks ignored), or {@code NaN}. Stricter than {@link Double#parseDouble}, which
     * would also accept {@code "NaN"}, {@code "Infinity"}, hex and a trailing {@code d}/{@code f}.
     */
    static double parse(String text) {
        if (text == null) {
            return Double.NaN;
        }
        return parse(text, 0, text.length());
    }

    /**
     * The sum of a comma- or colon-separated list of numbers such as nginx's {@code
     * $upstream_response_time} ({@code "0.004, 0.010 : 0.002"}); {@code "-"} entries (no time
     * recorded) are skipped. {@code NaN} if there is no number or any other entry is not one.
     */
    static double sumOfList(String text) {
        if (text == null) {
            return Double.NaN;
        }
        double sum = 0;
        boolean any = false;
        int start = 0;
        int n = text.length();
        for (int i = 0; i <= n; i++) {
            if (i == n || text.charAt(i) == ',' || text.charAt(i) == ':') {
                int from = start;
                int to = i;
                while (from < to && text.charAt(from) == ' ') {
                    from++;
                }
                while (to > from && text.charAt(to - 1) == ' ') {
                    to--;
                }
                if (!(to - from == 1 && text.charAt(from) == '-')) {
                    double value = parse(text, from, to);
                    if (Double.isNaN(value)) {
                        return Double.NaN;
                    }
                    sum += value;
                    any = true;
                }
                start = i + 1;
            }
        }
        return any ? sum : Double.NaN;
    }

    private static double parse(String text, int from, int to) {
        while (from < to && Character.isWhitespace(text.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
            to--;
        }
        if (to - from == 0 || to - from > 64) {
            return Double.NaN;
        }
        int i = from;
        if (text.charAt(i) == '+' || text.charAt(i) == '-') {
            i++;
        }
        int digits = 0;
        while (i < to && isDigit(text.charAt(i))) {
            i++;
            digits++;
        }
        if (i < to && text.charAt(i) == '.') {
            i++;
            while (i < to && isDigit(text.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        if (i < to && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < to && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < to && isDigit(text.charAt(i))) {
                i++;
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return Double.NaN;
            }
        }
        if (i != to) {
            return Double.NaN;
        }
        return Double.parseDouble(text.substring(from, to));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
