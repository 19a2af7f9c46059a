package io.nginxalerts.core.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The cache of dotted keys is one per JVM and, once full, stays full: the test that fills it runs
 * last, and the one that needs room says so when another class of the same JVM filled it first.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DottedKeysTest {

    @Test
    @Order(1)
    void givesTheSameKeyInstanceForTheSameNames() {
        assumeTrue(
                JsonLogParser.cachedKeys() < JsonLogParser.MAX_CACHED_KEYS - 2,
                "the JVM-wide key cache was filled by an earlier test");
        String geo = JsonLogParser.dotted("geoip", "geo");
        assertThat(geo).isEqualTo("geoip.geo");
        assertThat(JsonLogParser.dotted("geoip", "geo")).isSameAs(geo);
        String city = JsonLogParser.dotted(geo, "city_name");
        assertThat(city).isEqualTo("geoip.geo.city_name");
        assertThat(JsonLogParser.dotted(geo, new String("city_name"))).isSameAs(city);
    }

    @Test
    @Order(2)
    void keepsAtMostTheBoundWhenNamesNeverRepeat() {
        for (int i = 0; i < JsonLogParser.MAX_CACHED_KEYS + 1_000; i++) {
            assertThat(JsonLogParser.dotted("hostile", "n" + i)).isEqualTo("hostile.n" + i);
        }
        assertThat(JsonLogParser.cachedKeys()).isLessThanOrEqualTo(JsonLogParser.MAX_CACHED_KEYS);
    }
}
