package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** IP literals are parsed without {@code InetAddress}, so no text ever causes a DNS lookup. */
class IpNetTest {

    static boolean contains(String net, String address) {
        byte[] bytes = IpNet.parseAddress(address);
        return bytes != null && IpNet.parse(net).contains(bytes);
    }

    @Test
    void parsesIpv4DottedQuadsStrictly() {
        assertThat(IpNet.parseAddress("192.0.2.1")).containsExactly(192, 0, 2, 1);
        assertThat(IpNet.parseAddress("0.0.0.0")).hasSize(4);
        assertThat(IpNet.parseAddress("255.255.255.255")).hasSize(4);
        for (String bad :
                new String[] {
                    "256.0.0.1",
                    "1.2.3",
                    "1.2.3.4.5",
                    "01.2.3.4",
                    "1.2.3.4 ",
                    "a.b.c.d",
                    "",
                    "1..2.3",
                    "١.٢.٣.٤"
                }) {
            assertThat(IpNet.parseAddress(bad)).as(bad).isNull();
        }
    }

    @Test
    void parsesIpv6WithCompressionAndEmbeddedIpv4() {
        assertThat(IpNet.parseAddress("::")).hasSize(16);
        assertThat(IpNet.parseAddress("::1")).hasSize(16);
        assertThat(IpNet.parseAddress("2001:db8::")).hasSize(16);
        assertThat(IpNet.parseAddress("2001:0db8:0000:0000:0000:ff00:0042:8329")).hasSize(16);
        assertThat(IpNet.parseAddress("64:ff9b::192.0.2.33")).hasSize(16);
        for (String bad :
                new String[] {
                    "1::2::3",
                    ":1",
                    "1:",
                    "12345::",
                    "1:2:3:4:5:6:7:8:9",
                    "1:2:3:4:5:6:7",
                    "g::1",
                    "fe80::1%eth0",
                    "[::1]",
                    "1:2:3:4:5:6:7::8",
                    ":::"
                }) {
            assertThat(IpNet.parseAddress(bad)).as(bad).isNull();
        }
    }

    @Test
    void treatsIpv4MappedIpv6AsIpv4() {
        assertThat(IpNet.parseAddress("::ffff:192.0.2.1")).containsExactly(192, 0, 2, 1);
        assertThat(IpNet.parseAddress("::FFFF:c000:0201")).containsExactly(192, 0, 2, 1);
    }

    @Test
    void matchesByPrefixIncludingOddLengths() {
        assertThat(contains("10.0.0.0/8", "10.255.255.255")).isTrue();
        assertThat(contains("10.0.0.0/8", "11.0.0.0")).isFalse();
        assertThat(contains("172.16.0.0/12", "172.31.1.1")).isTrue();
        assertThat(contains("172.16.0.0/12", "172.32.0.1")).isFalse();
        assertThat(contains("0.0.0.0/0", "1.2.3.4")).isTrue();
        assertThat(contains("0.0.0.0/0", "::1")).isFalse();
        assertThat(contains("::/0", "::1")).isTrue();
        assertThat(contains("fe80::/10", "febf::1")).isTrue();
        assertThat(contains("fe80::/10", "fec0::1")).isFalse();
        assertThat(contains("2001:db8::1", "2001:db8::1")).isTrue();
        assertThat(contains("2001:db8::1", "2001:db8::2")).isFalse();
    }

    @Test
    void clearsHostBitsOfTheNetwork() {
        assertThat(contains("10.1.2.3/8", "10.9.9.9")).isTrue();
        assertThat(IpNet.parse("10.1.2.3/8")).isEqualTo(IpNet.parse("10.0.0.0/8"));
    }

    @Test
    void refusesNamesAndBadPrefixes() {
        assertThatThrownBy(() -> IpNet.parse("localhost"))
                .hasMessage("not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> IpNet.parse("10.0.0.0/"))
                .hasMessage("prefix length must be a number");
        assertThatThrownBy(() -> IpNet.parse("10.0.0.0/-1"))
                .hasMessage("prefix length must be a number");
        assertThatThrownBy(() -> IpNet.parse("::/129"))
                .hasMessage("prefix length must be at most 128");
        assertThatThrownBy(() -> IpNet.parse("::ffff:10.0.0.0/104"))
                .hasMessage("write an IPv4-mapped network in IPv4 form (a.b.c.d/n)");
    }
}
