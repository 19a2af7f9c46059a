package io.nginxalerts.job.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.event.AccessEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link RoutedEventSerializer} passes the checks Flink runs on its own serializers (round trips,
 * copies, snapshots, stream copies) on events with every field set, with the optional ones null,
 * with extra fields and several words of rule bits; and {@code TypeInformation.of} finds it.
 */
class RoutedEventSerializerTest extends SerializerTestBase<RoutedEvent> {

    @Override
    protected TypeSerializer<RoutedEvent> createSerializer() {
        return new RoutedEventSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<RoutedEvent> getTypeClass() {
        return RoutedEvent.class;
    }

    @Override
    protected RoutedEvent[] getTestData() {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("geoip_country", "FR");
        extra.put("ssl_protocol", "TLSv1.3");
        AccessEvent full =
                new AccessEvent(
                        1_795_000_000_123L,
                        "203.0.113.7",
                        "web-1",
                        "POST",
                        "/wp-login.php?redirect_to=%2Fwp-admin",
                        "/wp-login.php",
                        "redirect_to=%2Fwp-admin",
                        "HTTP/1.1",
                        200,
                        4_321,
                        0.125,
                        "0.120, 0.004",
                        "10.0.0.5:8080",
                        "example.org",
                        "198.51.100.1",
                        "https://example.org/",
                        "Mozilla/5.0 (X11; Linux x86_64) \u00e9\u4e2d",
                        "req-1",
                        extra);
        AccessEvent sparse =
                new AccessEvent(
                        0,
                        "2001:db8::1",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        0,
                        0,
                        0.0,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        Map.of());
        return new RoutedEvent[] {
            new RoutedEvent("203.0.113.7", full, new long[] {0b1011L}, 7),
            new RoutedEvent("2001:db8::1", sparse, new long[] {-1L, 1L << 63, 5L}, -3),
            new RoutedEvent("k", sparse, new long[0], 0),
            new RoutedEvent(null, null, null, 1),
        };
    }

    @Test
    void isWhatTypeInformationFindsForTheClass() {
        TypeInformation<RoutedEvent> info = TypeInformation.of(RoutedEvent.class);

        assertThat(info).isEqualTo(RoutedEventTypeInfo.INSTANCE);
        assertThat(
                        info.createSerializer(
                                new org.apache.flink.api.common.ExecutionConfig()
                                        .getSerializerConfig()))
                .isSameAs(RoutedEventSerializer.INSTANCE)
                .isNotInstanceOf(KryoSerializer.class);
    }

    @Test
    void copiesTheRuleBitsSoAChangeToTheCopyLeavesTheOriginal() {
        RoutedEvent original = getTestData()[0];
        RoutedEvent copy = RoutedEventSerializer.INSTANCE.copy(original);

        copy.rules[0] = 0;

        assertThat(original.rules[0]).isEqualTo(0b1011L);
        assertThat(copy.event).isSameAs(original.event);
    }
}
