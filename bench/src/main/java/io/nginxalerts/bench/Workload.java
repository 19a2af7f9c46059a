package io.nginxalerts.bench;

import io.nginxalerts.traffic.Attack;
import io.nginxalerts.traffic.GeneratedLine;
import io.nginxalerts.traffic.LineEncoder;
import io.nginxalerts.traffic.LineFormat;
import io.nginxalerts.traffic.TrafficGenerator;
import io.nginxalerts.traffic.TrafficProfile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The generated, seeded input of one bench run: {@code TrafficProfile.bench(ips)} lines as nginx
 * JSON (what Kafka carries), plus the ground truth of injected attacks. The same lines, as {@code
 * combined} text, feed fail2ban and CrowdSec.
 */
final class Workload {
    final TrafficProfile profile;
    final LineFormat format;
    final byte[][] json;
    final List<Attack> attacks;
    final long firstTimestamp;
    final long lastTimestamp;
    private final long bytes;

    private Workload(
            TrafficProfile profile,
            LineFormat format,
            byte[][] json,
            List<Attack> attacks,
            long first,
            long last,
            long bytes) {
        this.profile = profile;
        this.format = format;
        this.json = json;
        this.attacks = attacks;
        this.firstTimestamp = first;
        this.lastTimestamp = last;
        this.bytes = bytes;
    }

    /** {@code events} lines of the profile in {@code format} (nginx JSON or Logstash's JSON). */
    static Workload generate(TrafficProfile profile, LineFormat format, int events) {
        TrafficGenerator generator = new TrafficGenerator(profile);
        LineEncoder encoder = new LineEncoder(format);
        byte[][] json = new byte[events][];
        long bytes = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < events; i++) {
            GeneratedLine line = generator.next();
            json[i] = encoder.encode(line);
            bytes += json[i].length;
            first = Math.min(first, line.timestampMillis());
            last = Math.max(last, line.timestampMillis());
        }
        return new Workload(
                profile, format, json, List.copyOf(generator.attacks()), first, last, bytes);
    }

    int size() {
        return json.length;
    }

    /** All lines again in {@code format} (same seed, same lines), in memory. */
    byte[][] encoded(LineFormat format) {
        TrafficGenerator generator = new TrafficGenerator(profile);
        LineEncoder encoder = new LineEncoder(format);
        byte[][] lines = new byte[json.length][];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = encoder.encode(generator.next());
        }
        return lines;
    }

    double averageBytes() {
        return (double) bytes / Math.max(1, json.length);
    }

    /** Writes the first {@code lines} lines again in {@code format} (same seed, same lines). */
    Path write(Path file, LineFormat format, int lines) throws IOException {
        TrafficGenerator generator = new TrafficGenerator(profile);
        LineEncoder encoder = new LineEncoder(format);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (int i = 0; i < lines; i++) {
                out.write(encoder.encode(generator.next()));
                out.write('\n');
            }
        }
        return file;
    }

    /**
     * Writes every attack line of the workload plus an evenly spaced sample of the other lines, in
     * order, about {@code lines} in all: for a peer too slow for the whole input that must still
     * see every attack. Returns the number of lines written.
     */
    long writeAttacksAndSample(Path file, LineFormat format, int lines) throws IOException {
        TrafficGenerator generator = new TrafficGenerator(profile);
        LineEncoder encoder = new LineEncoder(format);
        long attackLines = 0;
        for (int i = 0; i < json.length; i++) {
            if (generator.next().attack() != null) {
                attackLines++;
            }
        }
        long others = Math.max(1, lines - attackLines);
        long every = Math.max(1, (json.length - attackLines) / others);
        generator = new TrafficGenerator(profile);
        long written = 0;
        long other = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (int i = 0; i < json.length; i++) {
                GeneratedLine line = generator.next();
                if (line.attack() != null || other++ % every == 0) {
                    out.write(encoder.encode(line));
                    out.write('\n');
                    written++;
                }
            }
        }
        return written;
    }

    /** The attacks whose lines all lie within the first {@code lines} lines. */
    List<Attack> attacksWithin(int lines) {
        TrafficGenerator generator = new TrafficGenerator(profile);
        long lastEmit = Long.MIN_VALUE;
        for (int i = 0; i < lines; i++) {
            lastEmit = generator.next().emitMillis();
        }
        long end = lastEmit;
        return attacks.stream().filter(a -> a.endMillis() <= end).toList();
    }
}
