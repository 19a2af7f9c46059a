package io.nginxalerts.demo;

import io.nginxalerts.traffic.GeneratedLine;
import io.nginxalerts.traffic.LineEncoder;
import io.nginxalerts.traffic.LineFormat;
import io.nginxalerts.traffic.TrafficGenerator;
import io.nginxalerts.traffic.TrafficProfile;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Generated nginx JSON traffic (normal browsing with scanners, brute forces and upstream failures
 * mixed in), stamped with the current time and paced in real time so the job sees a live stream.
 * With a limit, the lines are produced as fast as possible instead (for {@code --once}).
 */
final class GeneratedFeed extends Feed {
    private final int rate;
    private final long seed;
    private final long limit;

    /**
     * @param limit how many lines, or 0 for live traffic without end
     */
    GeneratedFeed(Consumer<byte[]> sink, int rate, long seed, long limit) {
        super(sink);
        this.rate = rate;
        this.seed = seed;
        this.limit = limit;
    }

    @Override
    String describe() {
        return limit > 0
                ? "generated: " + limit + " events (nginx JSON) with attacks mixed in"
                : "generated: ~"
                        + rate
                        + " events/s (nginx JSON), with a scanner, login brute force and upstream"
                        + " failures mixed in";
    }

    @Override
    protected void feed() {
        // Live lines are stamped from now on; a bounded run is placed in the recent past so that
        // none of it is in the future when the job reads it.
        Instant start = limit > 0 ? Instant.now().minusSeconds(limit / rate + 60) : Instant.now();
        TrafficProfile profile =
                TrafficProfile.demo().toBuilder()
                        .seed(seed)
                        .eventsPerSecond(rate)
                        .start(start)
                        .build();
        TrafficGenerator generator = new TrafficGenerator(profile);
        LineEncoder json = new LineEncoder(LineFormat.NGINX_JSON);
        long startNanos = System.nanoTime();
        long startMillis = profile.start().toEpochMilli();
        for (long n = 0; !stopped() && (limit == 0 || n < limit); n++) {
            GeneratedLine line = generator.next();
            if (limit == 0) {
                // Live: send each line when the wall clock reaches its time.
                long dueNanos = startNanos + (line.emitMillis() - startMillis) * 1_000_000L;
                long wait = dueNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            send(json.encode(line));
        }
    }
}
