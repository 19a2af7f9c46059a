package io.nginxalerts.core.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Shared time fixtures, a parser on a fixed clock, and the sample files under {@code /parse}. */
final class ParseFixtures {

    /** "Now" for every parser test: an hour or two after the fixture events. */
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    static final Clock FIXED_CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static final ParserSettings SETTINGS =
            new ParserSettings(65536, Duration.ofMinutes(5), FIXED_CLOCK);

    static final String NGINX_JSON = "nginx-json.log";
    static final String LOGSTASH7 = "logstash7.jsonl";
    static final String LOGSTASH8_ECS = "logstash8-ecs.jsonl";
    static final String COMBINED = "combined.log";

    /** The longest detail a rejection may carry: a sentence, never the record. */
    static final int MAX_DETAIL_CHARS = 200;

    private ParseFixtures() {}

    static LogParser parser() {
        return new LogParser(SETTINGS);
    }

    static ParseResult parse(String text) {
        return parser().parse(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The non-blank lines of a resource under {@code /parse/}. */
    static List<String> lines(String name) {
        return resource(name).lines().filter(line -> !line.isBlank()).toList();
    }

    static String resource(String name) {
        try (InputStream in = ParseFixtures.class.getResourceAsStream("/parse/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /parse/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long millis(String isoInstant) {
        return Instant.parse(isoInstant).toEpochMilli();
    }
}
