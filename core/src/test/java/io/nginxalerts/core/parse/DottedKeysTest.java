package io.nginxalerts.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DottedKeysTest {

    @Test
    void givesTheSameKeyInstanceForTheSameNames() {
        String geo = JsonLogParser.dotted("geoip", "geo");
        assertThat(geo).isEqualTo("geoip.geo");
        assertThat(JsonLogParser.dotted("geoip", "geo")).isSameAs(geo);
        String city = JsonLogParser.dotted(geo, "city_name");
        assertThat(city).isEqualTo("geoip.geo.city_name");
        assertThat(JsonLogParser.dotted(geo, new String("city_name"))).isSameAs(city);
    }

    @Test
    void keepsAtMostTheBoundWhenNamesNeverRepeat() {
        for (int i = 0; i < JsonLogParser.MAX_CACHED_KEYS + 1_000; i++) {
            assertThat(JsonLogParser.dotted("hostile", "n" + i)).isEqualTo("hostile.n" + i);
        }
        assertThat(JsonLogParser.cachedKeys()).isLessThanOrEqualTo(JsonLogParser.MAX_CACHED_KEYS);
    }
}
