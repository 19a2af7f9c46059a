package io.nginxalerts.core.parse;

import static io.nginxalerts.core.parse.ParseFixtures.COMBINED;
import static io.nginxalerts.core.parse.ParseFixtures.FIXED_CLOCK;
import static io.nginxalerts.core.parse.ParseFixtures.LOGSTASH7;
import static io.nginxalerts.core.parse.ParseFixtures.LOGSTASH8_ECS;
import static io.nginxalerts.core.parse.ParseFixtures.NGINX_JSON;
import static io.nginxalerts.core.parse.ParseFixtures.lines;
import static io.nginxalerts.core.parse.ParseFixtures.parser;
import static io.nginxalerts.core.parse.ParseFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What Flink needs from the parser: Java serialization and use from many threads. */
class LogParserSerializationTest {

    private static final String AT_NOW =
            "{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"clientip\":\"203.0.113.7\",\"status\":\"200\"}";
    private static final String ONE_SECOND_AHEAD = AT_NOW.replace("12:00:00Z", "12:00:01Z");

    private static LogParser roundTrip(LogParser parser) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(parser);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (LogParser) in.readObject();
        }
    }

    @Test
    void keepsLimitsAndASerializableClockThroughJavaSerialization() throws Exception {
        LogParser copy =
                roundTrip(new LogParser(new ParserSettings(200, Duration.ZERO, FIXED_CLOCK)));

        assertThat(copy.parse(utf8(AT_NOW)).isEvent()).isTrue();
        assertThat(copy.parse(utf8(ONE_SECOND_AHEAD)).reason())
                .isEqualTo(RejectReason.FUTURE_TIMESTAMP);
        assertThat(copy.parse(utf8(AT_NOW + " ".repeat(200))).reason())
                .isEqualTo(RejectReason.TOO_LARGE);
    }

    @Test
    void fallsBackToTheSystemClockWhenTheClockIsNotSerializable() throws Exception {
        String in2010 = AT_NOW.replace("2026-11-26", "2010-06-01");
        LogParser original =
                new LogParser(new ParserSettings(65536, Duration.ZERO, new FrozenClock()));
        assertThat(original.parse(utf8(in2010)).reason()).isEqualTo(RejectReason.FUTURE_TIMESTAMP);

        LogParser copy = roundTrip(original);

        assertThat(copy.parse(utf8(in2010)).isEvent()).isTrue();
        assertThat(copy.parse(utf8(AT_NOW.replace("2026", "9999"))).reason())
                .isEqualTo(RejectReason.FUTURE_TIMESTAMP);
    }

    @Test
    void givesTheSameResultsFromManyThreads() throws Exception {
        List<byte[]> inputs = new ArrayList<>();
        for (String file : List.of(NGINX_JSON, LOGSTASH7, LOGSTASH8_ECS, COMBINED)) {
            lines(file).forEach(line -> inputs.add(utf8(line)));
        }
        inputs.add(utf8("{\"broken\":"));
        LogParser shared = parser();
        List<ParseResult> expected = inputs.stream().map(shared::parse).toList();

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<ParseResult>>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                runs.add(
                        pool.submit(
                                () -> {
                                    List<ParseResult> last = null;
                                    for (int round = 0; round < 200; round++) {
                                        last = inputs.stream().map(shared::parse).toList();
                                    }
                                    return last;
                                }));
            }
            for (Future<List<ParseResult>> run : runs) {
                assertThat(run.get(1, TimeUnit.MINUTES)).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A clock that is not {@link java.io.Serializable}, stuck in 2001. */
    private static final class FrozenClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.parse("2001-01-01T00:00:00Z");
        }
    }
}
