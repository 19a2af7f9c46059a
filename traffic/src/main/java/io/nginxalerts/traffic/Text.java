package io.nginxalerts.traffic;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A field value with both of its escaped encodings computed once, so that writing a line only
 * copies bytes. Almost every value in generated traffic comes from a fixed catalogue, which is what
 * makes this pay off.
 */
final class Text {

    private static final byte[] HEX_UPPER = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX_LOWER = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    static final Text DASH = of("-");

    final String value;

    /** UTF-8, escaped as nginx does for {@code log_format ... escape=json}, without quotes. */
    final byte[] json;

    /** UTF-8, escaped as nginx does by default: {@code "}, {@code \}, controls and non-ASCII. */
    final byte[] combined;

    private Text(String value, byte[] json, byte[] combined) {
        this.value = value;
        this.json = json;
        this.combined = combined;
    }

    static Text of(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        byte[] json = escapeJson(utf8);
        byte[] combined = escapeDefault(utf8);
        // Most values need no escaping: share one array for both formats.
        if (json.length == utf8.length) {
            json = utf8;
        }
        if (combined.length == utf8.length) {
            combined = utf8;
        }
        return new Text(value, json, combined);
    }

    static Text[] all(String... values) {
        Text[] texts = new Text[values.length];
        for (int i = 0; i < values.length; i++) {
            texts[i] = of(values[i]);
        }
        return texts;
    }

    /** As nginx's {@code ngx_escape_json}: bytes from 0x80 up pass unchanged (they are UTF-8). */
    static byte[] escapeJson(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 8);
        for (byte b : in) {
            int c = b & 0xff;
            if (c > 0x1f) {
                if (c == '"' || c == '\\') {
                    out.write('\\');
                }
                out.write(c);
                continue;
            }
            out.write('\\');
            switch (c) {
                case '\n' -> out.write('n');
                case '\r' -> out.write('r');
                case '\t' -> out.write('t');
                case '\b' -> out.write('b');
                case '\f' -> out.write('f');
                default -> {
                    out.write('u');
                    out.write('0');
                    out.write('0');
                    out.write(HEX_LOWER[c >> 4]);
                    out.write(HEX_LOWER[c & 0xf]);
                }
            }
        }
        return out.toByteArray();
    }

    /** As nginx's {@code ngx_http_log_escape}: {@code \xHH} with upper-case hex digits. */
    static byte[] escapeDefault(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 8);
        for (byte b : in) {
            int c = b & 0xff;
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                out.write('\\');
                out.write('x');
                out.write(HEX_UPPER[c >> 4]);
                out.write(HEX_UPPER[c & 0xf]);
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return value;
    }
}
