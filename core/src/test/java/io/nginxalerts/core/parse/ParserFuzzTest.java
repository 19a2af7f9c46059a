package io.nginxalerts.core.parse;

import static io.nginxalerts.core.parse.ParseFixtures.COMBINED;
import static io.nginxalerts.core.parse.ParseFixtures.LOGSTASH7;
import static io.nginxalerts.core.parse.ParseFixtures.LOGSTASH8_ECS;
import static io.nginxalerts.core.parse.ParseFixtures.MAX_DETAIL_CHARS;
import static io.nginxalerts.core.parse.ParseFixtures.NGINX_JSON;
import static io.nginxalerts.core.parse.ParseFixtures.lines;
import static io.nginxalerts.core.parse.ParseFixtures.parser;
import static io.nginxalerts.core.parse.ParseFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random and mutated inputs derived from the good fixtures: {@link LogParser#parse} must
 * return a result (never throw) with a short detail, whatever the bytes.
 */
class ParserFuzzTest {

    private static final long SEED = 20261126L;
    private static final int CASES = 10_000;

    /** Bytes that change the meaning of JSON or combined lines most. */
    private static final byte[] INTERESTING = {
        '{',
        '}',
        '[',
        ']',
        '"',
        '\\',
        ':',
        ',',
        ' ',
        '-',
        '0',
        '9',
        'x',
        0,
        (byte) 0xFF,
        (byte) 0xC3,
        (byte) 0xA9,
        '\n',
        '\t',
        '.',
        'e'
    };

    @Test
    void neverThrowsOnTenThousandMutatedInputs() {
        List<byte[]> seeds = new ArrayList<>();
        for (String file : List.of(NGINX_JSON, LOGSTASH7, LOGSTASH8_ECS, COMBINED)) {
            lines(file).forEach(line -> seeds.add(utf8(line)));
        }
        SplittableRandom random = new SplittableRandom(SEED);
        LogParser parser = parser();
        Map<RejectReason, Integer> reasons = new EnumMap<>(RejectReason.class);
        int events = 0;

        for (int i = 0; i < CASES; i++) {
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), seeds, random);

            ParseResult result = parser.parse(input);

            assertThat(result).as("case %d", i).isNotNull();
            if (result.isEvent()) {
                events++;
                assertThat(result.event().clientip()).isNotBlank();
            } else {
                reasons.merge(result.reason(), 1, Integer::sum);
                assertThat(result.detail())
                        .as("case %d: %s", i, result.reason())
                        .isNotBlank()
                        .hasSizeLessThanOrEqualTo(MAX_DETAIL_CHARS)
                        // The catch-all in parse() is for bugs; fuzzing must not reach it.
                        .doesNotStartWith("parser failure");
            }
        }

        // The mutations reach deep into the parser, not just its first checks.
        assertThat(events).isPositive();
        assertThat(reasons)
                .containsKeys(
                        RejectReason.INVALID_UTF8,
                        RejectReason.INVALID_JSON,
                        RejectReason.UNRECOGNIZED_FORMAT,
                        RejectReason.INVALID_FIELD,
                        RejectReason.INVALID_TIMESTAMP);
    }

    private static byte[] mutate(byte[] seed, List<byte[]> seeds, SplittableRandom random) {
        byte[] b = seed.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            if (b.length == 0) {
                return b;
            }
            int at = random.nextInt(b.length);
            switch (random.nextInt(9)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> b = delete(b, at, 1 + random.nextInt(Math.min(16, b.length - at)));
                case 4 -> b = insert(b, at, randomBytes(random, 1 + random.nextInt(8)));
                case 5 -> {
                    int len = 1 + random.nextInt(Math.min(32, b.length - at));
                    b = insert(b, at, Arrays.copyOfRange(b, at, at + len));
                }
                case 6 -> {
                    byte[] other = seeds.get(random.nextInt(seeds.size()));
                    int from = random.nextInt(other.length);
                    b =
                            insert(
                                    Arrays.copyOf(b, at),
                                    at,
                                    Arrays.copyOfRange(other, from, other.length));
                }
                case 7 ->
                        b =
                                insert(
                                        b,
                                        at,
                                        new byte[] {
                                            INTERESTING[random.nextInt(INTERESTING.length)]
                                        });
                default -> b = randomBytes(random, random.nextInt(300));
            }
        }
        return b;
    }

    private static byte[] randomBytes(SplittableRandom random, int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private static byte[] insert(byte[] b, int at, byte[] piece) {
        byte[] out = new byte[b.length + piece.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(b, at, out, at + piece.length, b.length - at);
        return out;
    }

    private static byte[] delete(byte[] b, int at, int len) {
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + len, out, at, b.length - at - len);
        return out;
    }
}
