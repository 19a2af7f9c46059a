package io.nginxalerts.traffic;

import java.time.Instant;

/** Hand-made lines for encoding tests. */
final class Lines {

    private Lines() {}

    static final long T0 = Instant.parse("2026-11-26T10:00:01Z").toEpochMilli();

    static GeneratedLine withAgentAndUrl(String agent, String url) {
        return line(Text.of(agent), Text.of(url), 4, 3);
    }

    static GeneratedLine withTimes(int responseMillis, int upstreamMillis) {
        return line(Text.of("curl/8.4.0"), Text.of("/"), responseMillis, upstreamMillis);
    }

    private static GeneratedLine line(
            Text agent, Text url, int responseMillis, int upstreamMillis) {
        return new GeneratedLine(
                T0,
                T0,
                203 << 24 | 113 << 8 | 7,
                Text.of("web-1"),
                Text.of("shop.example.com"),
                Text.of("GET"),
                url,
                Text.of("HTTP/1.1"),
                200,
                612,
                responseMillis,
                upstreamMillis,
                Text.of("10.0.1.7:8080"),
                Text.DASH,
                agent,
                0x7f9c2ba4e88f827dL,
                0x616045507605853eL,
                null);
    }
}
