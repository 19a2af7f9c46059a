package io.nginxalerts.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.core.parse.LogFormat;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParserSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;

/**
 * The ceiling the job is measured against, in the same JVM and on the same topic: one thread that
 * consumes the backlog and parses each record, no Flink. Variants: consume only, consume + Jackson
 * tree parse, consume + our {@link LogParser} (which builds the {@code AccessEvent}) on the JSON
 * topic; and on the same events as nginx {@code combined} text, our parser's built-in combined path
 * and a compiled custom {@code log_format} (nginx's combined format given as {@code
 * --input.log-format}, so the two rows compare the two paths on the same bytes).
 */
final class Ceiling {
    private Ceiling() {}

    /** nginx's predefined combined format, as a custom format would be given. */
    static final String COMBINED_FORMAT =
            "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent"
                    + " \"$http_referer\" \"$http_user_agent\"";

    record Result(
            String what, long events, double wallSeconds, double threadCpu, double processCpu) {
        double perSecond() {
            return events / wallSeconds;
        }

        /** Events per CPU-second of the whole process (consumer + broker serving it + GC). */
        double perProcessCpuSecond() {
            return events / processCpu;
        }
    }

    static Result run(String what, String bootstrap, String topic, int partitions, long events) {
        ObjectMapper mapper = new ObjectMapper();
        ParserSettings settings =
                new ParserSettings(65536, Duration.ofMinutes(5), Clock.systemUTC());
        LogParser parser = new LogParser(settings);
        LogParser custom =
                new LogParser(
                        settings.withLogFormat(
                                LogFormat.nginx(COMBINED_FORMAT, LogFormat.Escape.DEFAULT)));
        long[] sink = new long[1];
        BenchKafkaClients.Work work =
                switch (what) {
                    case "consume" -> v -> sink[0] += v.length;
                    case "consume+jackson" ->
                            v -> {
                                try {
                                    JsonNode node = mapper.readTree(v);
                                    sink[0] += node.size();
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            };
                    case "consume+parse", "consume+parse combined" ->
                            v -> sink[0] += parser.parse(v).isEvent() ? 1 : 0;
                    case "consume+parse log_format" ->
                            v -> sink[0] += custom.parse(v).isEvent() ? 1 : 0;
                    default -> throw new IllegalArgumentException(what);
                };
        var threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long proc0 = Cpu.processNanos();
        long t0 = System.nanoTime();
        long n = BenchKafkaClients.consumeAll(bootstrap, topic, partitions, events, work);
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double proc = (Cpu.processNanos() - proc0) / 1e9;
        if (sink[0] < 0) {
            throw new AssertionError();
        }
        if (what.startsWith("consume+parse") && sink[0] != n) {
            // A ceiling over rejected lines would measure the wrong path.
            throw new IllegalStateException(
                    "ceiling " + what + ": " + sink[0] + " of " + n + " records parsed");
        }
        return new Result(what, n, wall, cpu, proc);
    }
}
