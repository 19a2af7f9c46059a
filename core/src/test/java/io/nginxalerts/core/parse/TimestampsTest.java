package io.nginxalerts.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written time parsers agree with java.time and refuse what java.time refuses. */
class TimestampsTest {

    private static final DateTimeFormatter NGINX_LOCAL =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    @Test
    void parsesTheShapesNginxAndLogstashPrint() {
        long expected = Instant.parse("2026-11-26T10:00:01Z").toEpochMilli();
        assertThat(Timestamps.parseIso("2026-11-26T10:00:01+00:00")).isEqualTo(expected);
        assertThat(Timestamps.parseIso("2026-11-26T10:00:01.000Z")).isEqualTo(expected);
        assertThat(Timestamps.parseIso("2026-11-26T11:00:01+01:00")).isEqualTo(expected);
        assertThat(Timestamps.parseIso("2026-11-26T05:30:01-0430")).isEqualTo(expected);
        assertThat(Timestamps.parseIso("2026-11-26T12:00:01+02")).isEqualTo(expected);
        assertThat(Timestamps.parseIso("2026-11-26T10:00:01.123456789Z")).isEqualTo(expected + 123);
        assertThat(Timestamps.parseIso("2026-11-26T10:00:01.5Z")).isEqualTo(expected + 500);
        assertThat(Timestamps.parseCommonLog("26/Nov/2026:10:00:01 +0000")).isEqualTo(expected);
        assertThat(Timestamps.parseCommonLog("26/Nov/2026:05:00:01 -0500")).isEqualTo(expected);
    }

    @Test
    void agreesWithJavaTimeOnRandomInstantsAndOffsets() {
        SplittableRandom random = new SplittableRandom(42);
        DateTimeFormatter iso = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(946_684_800L, 4_102_444_800L); // 2000..2100
            int offsetMinutes = random.nextInt(-18 * 60, 18 * 60 + 1);
            OffsetDateTime time =
                    Instant.ofEpochSecond(seconds, random.nextInt(1000) * 1_000_000L)
                            .atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
            long expected = time.toInstant().toEpochMilli();

            assertThat(Timestamps.parseIso(time.format(iso)))
                    .as(time.format(iso))
                    .isEqualTo(expected);
            String local = time.format(NGINX_LOCAL);
            assertThat(Timestamps.parseCommonLog(local))
                    .as(local)
                    .isEqualTo(expected / 1000 * 1000);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "2026-11-26",
                "2026-11-26T10:00:01",
                "2026-11-26T10:00:01.000",
                "2026-11-26T10:00:01 Z",
                "2026-11-26T10:00:01ZZ",
                "2026-11-26T10:00:01+00:00 ",
                "2026-11-26T10:00:01+0",
                "2026-11-26T10:00:01+00:0",
                "2026-11-26T10:00:01+19:00",
                "2026-11-26T10:00:01+00:60",
                "2026-11-26T10:00:01.Z",
                "2026-00-26T10:00:01Z",
                "2026-13-26T10:00:01Z",
                "2026-11-00T10:00:01Z",
                "2026-04-31T10:00:01Z",
                "2026-02-29T10:00:01Z",
                "2100-02-29T10:00:01Z",
                "2026-11-26T24:00:00Z",
                "2026-11-26T10:60:01Z",
                "2026-11-26T10:00:60Z",
                "2026/11/26T10:00:01Z",
                "2026-11-26X10:00:01Z",
                "+2026-11-26T10:00:01Z",
                "２０２６-11-26T10:00:01Z",
                "2026-11-26T10:00:01.+00:00",
                "2026-11-26T10:00:01.1234567890Z"
            })
    void refusesInvalidIsoTimes(String text) {
        assertThat(Timestamps.parseIso(text)).isEqualTo(Timestamps.INVALID);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "26/Nov/2026:10:00:01",
                "26/nov/2026:10:00:01 +0000",
                "26/Noe/2026:10:00:01 +0000",
                "31/Nov/2026:10:00:01 +0000",
                "29/Feb/2026:10:00:01 +0000",
                "26/Nov/2026 10:00:01 +0000",
                "26/Nov/2026:10:00:01 +00:00",
                "26/Nov/2026:10:00:01 0000 ",
                "26/Nov/2026:10:00:01 *0000",
                "26/Nov/2026:25:00:01 +0000"
            })
    void refusesInvalidCommonLogTimes(String text) {
        assertThat(Timestamps.parseCommonLog(text)).isEqualTo(Timestamps.INVALID);
    }

    @Test
    void knowsLeapYears() {
        assertThat(Timestamps.parseIso("2024-02-29T00:00:00Z"))
                .isEqualTo(Instant.parse("2024-02-29T00:00:00Z").toEpochMilli());
        assertThat(Timestamps.parseIso("2000-02-29T00:00:00Z"))
                .isEqualTo(Instant.parse("2000-02-29T00:00:00Z").toEpochMilli());
        assertThat(Timestamps.parseCommonLog("29/Feb/2024:00:00:00 +0000"))
                .isEqualTo(Instant.parse("2024-02-29T00:00:00Z").toEpochMilli());
    }
}
