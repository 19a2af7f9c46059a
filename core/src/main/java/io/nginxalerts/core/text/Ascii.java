package io.nginxalerts.core.text;

/** Character classes by their ASCII definition, for parsers that must not take look-alikes. */
public final class Ascii {
    private Ascii() {}

    /**
     * The value of an ASCII hex digit ({@code 0-9}, {@code a-f}, {@code A-F}), or -1. {@link
     * Character#digit} would also take full-width and other scripts' digits, which no percent
     * escape, IP address or JSON escape may contain.
     */
    public static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
