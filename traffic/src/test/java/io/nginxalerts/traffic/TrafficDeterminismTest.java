package io.nginxalerts.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficDeterminismTest {

    private static final int LINES = 30_000;

    @Test
    void sameProfileGivesIdenticalBytesInBothFormatsAndTheSameAttacks() {
        TrafficProfile profile = TrafficProfile.bench(10_000);
        TrafficGenerator a = new TrafficGenerator(profile);
        TrafficGenerator b = new TrafficGenerator(profile);
        LineEncoder jsonA = new LineEncoder(LineFormat.NGINX_JSON);
        LineEncoder jsonB = new LineEncoder(LineFormat.NGINX_JSON);
        LineEncoder combinedA = new LineEncoder(LineFormat.COMBINED);
        LineEncoder combinedB = new LineEncoder(LineFormat.COMBINED);

        for (int i = 0; i < LINES; i++) {
            GeneratedLine x = a.next();
            GeneratedLine y = b.next();
            assertThat(jsonA.encode(x)).as("json line %d", i).isEqualTo(jsonB.encode(y));
            assertThat(combinedA.encode(x))
                    .as("combined line %d", i)
                    .isEqualTo(combinedB.encode(y));
        }
        assertThat(a.attacks()).isNotEmpty().isEqualTo(b.attacks());
        assertThat(a.attackLines()).isEqualTo(b.attackLines());
    }

    @Test
    void encodingOnlyOneFormatDoesNotChangeTheStream() {
        TrafficProfile profile = TrafficProfile.demo();
        List<GeneratedLine> encodedAsTheyCome = Traffic.run(profile, 2_000);
        LineEncoder json = new LineEncoder(LineFormat.NGINX_JSON);
        TrafficGenerator generator = new TrafficGenerator(profile);
        for (GeneratedLine expected : encodedAsTheyCome) {
            GeneratedLine line = generator.next();
            json.encode(line);
            assertThat(line.combined()).isEqualTo(expected.combined());
        }
    }

    @Test
    void differentSeedsGiveDifferentTraffic() {
        TrafficProfile profile = TrafficProfile.demo();
        List<GeneratedLine> one = Traffic.run(profile, 1_000);
        List<GeneratedLine> other = Traffic.run(profile.toBuilder().seed(43).build(), 1_000);

        long same = 0;
        for (int i = 0; i < one.size(); i++) {
            if (Arrays.equals(one.get(i).json(), other.get(i).json())) {
                same++;
            }
        }
        assertThat(same).isZero();
        assertThat(one.get(0).clientip()).isNotEqualTo(other.get(0).clientip());
    }

    @Test
    void requestIdsAreDistinct() {
        List<GeneratedLine> lines = Traffic.run(TrafficProfile.demo(), LINES);
        assertThat(lines.stream().map(GeneratedLine::requestId).distinct().count())
                .isEqualTo(LINES);
    }
}
