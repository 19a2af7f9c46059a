package io.nginxalerts.job.testing;

import io.nginxalerts.traffic.LineEncoder;
import io.nginxalerts.traffic.LineFormat;
import io.nginxalerts.traffic.TrafficGenerator;
import io.nginxalerts.traffic.TrafficProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Generated nginx JSON log lines for differential tests: 400 clients, 5% attacks, 150 events a
 * second with up to 5 s of jitter (so a good share of events arrive out of order) and an upstream
 * episode a minute. The same seed gives the same lines.
 */
public final class JitteredTraffic {
    private JitteredTraffic() {}

    /** {@code count} lines of the traffic of {@code seed}, in arrival order. */
    public static List<String> lines(long seed, int count) {
        TrafficGenerator generator =
                new TrafficGenerator(
                        TrafficProfile.builder()
                                .seed(seed)
                                .distinctIps(400)
                                .attackFraction(0.05)
                                .maxJitter(Duration.ofSeconds(5))
                                .eventsPerSecond(150)
                                .upstreamEpisodesPerHour(60)
                                .build());
        LineEncoder encoder = new LineEncoder(LineFormat.NGINX_JSON);
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add(new String(encoder.encode(generator.next()), StandardCharsets.UTF_8).strip());
        }
        return lines;
    }
}
