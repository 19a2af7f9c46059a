package io.nginxalerts.core.rules;

import io.nginxalerts.core.text.Ascii;
import java.io.Serializable;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single address).
 *
 * <p>Addresses are parsed here rather than with {@link java.net.InetAddress}, which falls back to a
 * DNS lookup for anything that is not a literal: neither loading rules nor matching an event may
 * ever touch the network. An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is treated as the
 * IPv4 address, which is how dual-stack servers log IPv4 clients.
 */
final class IpNet implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] network;
    private final int prefix;
    private final String text;

    private IpNet(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses {@code a.b.c.d[/n]} or an IPv6 literal with an optional {@code /n}.
     *
     * @throws IllegalArgumentException with a message fit for a rule error
     */
    static IpNet parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = parseAddress(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String digits = text.substring(slash + 1);
            if (digits.isEmpty()
                    || digits.length() > 3
                    || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("prefix length must be a number");
            }
            // A mapped address became IPv4, but its prefix would count the 96 bits of ::ffff:0:0.
            if (bytes.length == 4 && address.indexOf(':') >= 0) {
                throw new IllegalArgumentException(
                        "write an IPv4-mapped network in IPv4 form (a.b.c.d/n)");
            }
            prefix = Integer.parseInt(digits);
            if (prefix > max) {
                throw new IllegalArgumentException("prefix length must be at most " + max);
            }
        }
        // Host bits are cleared so that 10.1.2.3/8 means 10.0.0.0/8.
        for (int bit = prefix; bit < max; bit++) {
            bytes[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        return new IpNet(bytes, prefix, text);
    }

    /** True if {@code bytes} (from {@link #parseAddress}) is an address inside this network. */
    boolean contains(byte[] bytes) {
        if (bytes.length != network.length) {
            return false;
        }
        int full = prefix >>> 3;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix & 7;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (bytes[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpNet other
                && prefix == other.prefix
                && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    /**
     * The 4 or 16 bytes of an IPv4 or IPv6 literal (IPv4-mapped IPv6 as 4 bytes), or {@code null}
     * for anything else, including zone ids ({@code fe80::1%eth0}) and brackets.
     */
    static byte[] parseAddress(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            return parseV4(s, 0, s.length());
        }
        byte[] v6 = parseV6(s);
        if (v6 == null) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return v6;
            }
        }
        if (v6[10] == (byte) 0xff && v6[11] == (byte) 0xff) {
            return Arrays.copyOfRange(v6, 12, 16);
        }
        return v6;
    }

    /** Dotted quad, decimal, no leading zeros (which some parsers read as octal). */
    private static byte[] parseV4(String s, int from, int to) {
        byte[] out = new byte[4];
        int part = 0;
        int i = from;
        while (true) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 4 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int length = i - start;
            if (length == 0
                    || length > 3
                    || value > 255
                    || (length > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part++] = (byte) value;
            if (part == 4) {
                return i == to ? out : null;
            }
            if (i >= to || s.charAt(i) != '.') {
                return null;
            }
            i++;
        }
    }

    private static byte[] parseV6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head;
        int[] tail;
        if (gap < 0) {
            head = groups(s, 0, s.length(), true);
            tail = new int[0];
            if (head == null || head.length != 8) {
                return null;
            }
        } else {
            head = groups(s, 0, gap, false);
            tail = groups(s, gap + 2, s.length(), true);
            // "::" stands for at least one zero group.
            if (head == null || tail == null || head.length + tail.length > 7) {
                return null;
            }
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.length; i++) {
            out[2 * i] = (byte) (head[i] >>> 8);
            out[2 * i + 1] = (byte) head[i];
        }
        int offset = 16 - 2 * tail.length;
        for (int i = 0; i < tail.length; i++) {
            out[offset + 2 * i] = (byte) (tail[i] >>> 8);
            out[offset + 2 * i + 1] = (byte) tail[i];
        }
        return out;
    }

    /**
     * The 16-bit groups of {@code s[from, to)}: hex groups separated by single colons; the last may
     * be a dotted IPv4 address (two groups) if {@code ipv4Last}. An empty range has no groups.
     */
    private static int[] groups(String s, int from, int to, boolean ipv4Last) {
        if (from == to) {
            return new int[0];
        }
        int[] out = new int[8];
        int count = 0;
        int i = from;
        while (true) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 5 && Ascii.hexValue(s.charAt(i)) >= 0) {
                value = (value << 4) | Ascii.hexValue(s.charAt(i));
                i++;
            }
            if (ipv4Last && i < to && s.charAt(i) == '.') {
                byte[] v4 = parseV4(s, start, to);
                if (v4 == null || count > 6) {
                    return null;
                }
                out[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                out[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                return Arrays.copyOf(out, count);
            }
            int length = i - start;
            if (length == 0 || length > 4 || count == 8) {
                return null;
            }
            out[count++] = value;
            if (i == to) {
                return Arrays.copyOf(out, count);
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i == to) {
                return null;
            }
        }
    }
}
