package io.nginxalerts.core.rules;

import io.nginxalerts.core.text.Ascii;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of request text as the decoded rule fields ({@link DecodedField}) need it: what
 * an attacker hides behind one or more layers of URL encoding becomes visible to plain text tests.
 *
 * <p>Guarantees, for {@link #decode}: a round replaces every {@code %XX} ({@code X} a hex digit,
 * either case) by its byte; a run of consecutive escaped bytes is decoded as UTF-8, every malformed
 * sequence in it (an overlong form such as {@code %C0%AE}, a truncated or stray byte such as a lone
 * {@code %C3} or {@code %FF}, an encoded surrogate) becoming one U+FFFD REPLACEMENT CHARACTER per
 * maximal invalid subsequence, as Java's UTF-8 decoder reports them. Characters that are not part
 * of a valid escape, including a {@code %} without two hex digits after it ({@code %}, {@code %z},
 * {@code %zz}, a {@code %} at the end), are kept as they are. Rounds repeat while a round still
 * decodes something, at most {@link #MAX_ROUNDS} times: {@code %252e} takes two rounds to {@code
 * .}, {@code %25252e} three, and {@code %2525252e} stops at {@code %2e}. With {@code plusAsSpace},
 * every {@code +} in the input is a space first, before any round, as in a form-encoded query; a
 * {@code +} that a round decodes ({@code %2B}) stays a {@code +}, because it is what the client
 * escaped on purpose. Text without {@code %} (and, with {@code plusAsSpace}, without {@code +}) is
 * returned unchanged, as the same instance. Never throws; {@code null} stays {@code null}.
 */
final class PercentDecoding {
    /**
     * Three layers cover the double and triple encodings seen in attacks while keeping the cost of
     * a hostile text bounded (each round is one linear pass).
     */
    static final int MAX_ROUNDS = 3;

    private PercentDecoding() {}

    static String decode(String text, boolean plusAsSpace) {
        if (text == null) {
            return null;
        }
        String decoded = plusAsSpace ? text.replace('+', ' ') : text;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            String next = decodeOnce(decoded);
            if (next == decoded) {
                break;
            }
            decoded = next;
        }
        return decoded;
    }

    /** One round; the same instance if the text holds no valid escape. */
    static String decodeOnce(String text) {
        int i = firstEscape(text, 0);
        if (i < 0) {
            return text;
        }
        int n = text.length();
        StringBuilder out = new StringBuilder(n);
        out.append(text, 0, i);
        byte[] bytes = new byte[n / 3];
        while (i < n) {
            if (isEscape(text, i)) {
                int count = 0;
                while (i < n && isEscape(text, i)) {
                    bytes[count++] =
                            (byte)
                                    (Ascii.hexValue(text.charAt(i + 1)) << 4
                                            | Ascii.hexValue(text.charAt(i + 2)));
                    i += 3;
                }
                // String's UTF-8 decoding replaces malformed input, never throws.
                out.append(new String(bytes, 0, count, StandardCharsets.UTF_8));
            } else {
                out.append(text.charAt(i));
                i++;
            }
        }
        return out.toString();
    }

    private static int firstEscape(String text, int from) {
        for (int i = text.indexOf('%', from); i >= 0; i = text.indexOf('%', i + 1)) {
            if (isEscape(text, i)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isEscape(String text, int i) {
        return text.charAt(i) == '%'
                && i + 2 < text.length()
                && Ascii.hexValue(text.charAt(i + 1)) >= 0
                && Ascii.hexValue(text.charAt(i + 2)) >= 0;
    }
}
