package io.nginxalerts.traffic;

/**
 * A one-to-one map from an index ({@code 0..size()-1}) to an IPv4 address whose first octet comes
 * from a fixed list, so two spaces with disjoint lists never share an address. Consecutive indexes
 * land far apart (a multiplicative permutation), and the last octet is never 0 or 255, so the
 * addresses look like ordinary public clients rather than a counter.
 */
final class IpSpace {

    /** Public ranges of consumer ISPs and the like; none private, reserved or multicast. */
    static final int[] CLIENT_OCTETS = {
        24, 31, 37, 46, 50, 66, 68, 71, 73, 76, 77, 79, 81, 82, 84, 86, 87, 88, 90, 93, 94, 95, 96,
        97, 98, 99, 108, 109, 151, 173, 174, 176, 178, 188, 189, 201, 212, 213, 217
    };

    /** Public ranges full of hosting providers, where scanners usually come from. */
    static final int[] ATTACKER_OCTETS = {
        5, 45, 62, 91, 103, 107, 138, 139, 141, 146, 159, 162, 167, 185, 193, 194, 195, 209
    };

    /** A prime larger than any domain below, hence coprime with it: the map is a bijection. */
    private static final long MULTIPLIER = 2_654_435_761L;

    private final int[] firstOctets;
    private final long domain;
    private final long offset;

    IpSpace(int[] firstOctets, long seed) {
        this.firstOctets = firstOctets.clone();
        this.domain = (long) firstOctets.length * 254 * 256 * 256;
        this.offset = Math.floorMod(seed * 0x9E3779B97F4A7C15L, domain);
    }

    long size() {
        return domain;
    }

    /** The address for {@code index} as a 32-bit integer (first octet in the high byte). */
    int address(long index) {
        long x = Math.floorMod(Math.floorMod(index, domain) * MULTIPLIER + offset, domain);
        int first = firstOctets[(int) (x % firstOctets.length)];
        x /= firstOctets.length;
        int fourth = (int) (x % 254) + 1;
        x /= 254;
        int third = (int) (x & 0xff);
        int second = (int) (x >>> 8);
        return first << 24 | second << 16 | third << 8 | fourth;
    }

    static String format(int address) {
        return (address >>> 24)
                + "."
                + (address >>> 16 & 0xff)
                + "."
                + (address >>> 8 & 0xff)
                + "."
                + (address & 0xff);
    }
}
