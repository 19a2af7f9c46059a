package io.nginxalerts.job.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.testing.LocalRedis;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.WholeLines;
import io.nginxalerts.worker.EmbeddedWorker;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The real worker ({@link EmbeddedWorker}: the same drainer, dedup and file output as the
 * command-line worker) draining the job's Redis list into a file; reads back what it delivered.
 */
final class DeliveringWorker implements AutoCloseable {
    private final EmbeddedWorker worker;
    private final Path output;
    private final int redisPort;
    private final String list;

    private DeliveringWorker(EmbeddedWorker worker, Path output, int redisPort, String list) {
        this.worker = worker;
        this.output = output;
        this.redisPort = redisPort;
        this.list = list;
    }

    /** Starts the worker on {@code list}, delivering into {@code dir/delivered.jsonl}. */
    static DeliveringWorker start(LocalRedis redis, String list, Path dir) throws Exception {
        String redisUrl = redis.url();
        int redisPort = redis.port();
        Path output = dir.resolve("delivered.jsonl");
        EmbeddedWorker worker =
                EmbeddedWorker.start(
                        new String[] {
                            "--redis.url", redisUrl,
                            "--redis.list", list,
                            "--worker-id", "faults-1",
                            "--output", "file:" + output,
                            "--retry-backoff", "10ms",
                            "--retry-backoff-max", "100ms",
                            "--reconnect-backoff-max", "200ms",
                            "--heartbeat-ttl", "10s",
                            "--shutdown-grace", "2s"
                        },
                        new PrintStream(System.out, true, StandardCharsets.UTF_8));
        return new DeliveringWorker(worker, output, redisPort, list);
    }

    /** How many times each alert id was delivered (one line in the output file per delivery). */
    Map<String, Integer> deliveries() {
        Map<String, Integer> counts = new TreeMap<>();
        if (!Files.exists(output)) {
            return counts;
        }
        // The worker may be appending a line right now: only whole lines count.
        for (String line : WholeLines.of(output)) {
            counts.merge(AlertCodec.decode(line).id(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Waits until the worker has delivered at least {@code expected} distinct ids and nothing is
     * left to deliver (the list and the worker's processing list are empty); returns the
     * deliveries.
     */
    Map<String, Integer> awaitDeliveries(int expected, Duration timeout) {
        return Poll.until(
                timeout,
                this::deliveries,
                d -> d.size() >= expected && pending() == 0 && worker.dead() == 0);
    }

    /**
     * Waits up to 60 s until the worker has delivered at least {@code n} distinct ids: the job is
     * mid-stream, its alerts flowing. Returns the deliveries (the caller may assert on them).
     */
    Map<String, Integer> awaitFirstDeliveries(int n) {
        return Poll.until(Duration.ofSeconds(60), this::deliveries, d -> d.size() >= n);
    }

    /**
     * Waits for the deliveries of {@code reference} and asserts that the worker delivered exactly
     * those alerts, each once, and dead-lettered none; returns the deliveries.
     */
    Map<String, Integer> awaitExactlyOnce(Set<String> reference, Duration timeout) {
        Map<String, Integer> delivered = awaitDeliveries(reference.size(), timeout);
        assertThat(delivered.keySet()).isEqualTo(reference);
        assertThat(delivered).allSatisfy((alert, times) -> assertThat(times).isOne());
        assertThat(worker.dead()).isZero();
        return delivered;
    }

    /** Alerts still in Redis: on the list or in the worker's hands; -1 while Redis is down. */
    long pending() {
        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            return jedis.llen(list) + jedis.llen(list + ":processing:faults-1");
        } catch (JedisConnectionException down) {
            return -1;
        }
    }

    long dead() {
        return worker.dead();
    }

    /**
     * LPUSH commands Redis executed since it (re)started: the job's writes, replays included (the
     * worker pushes only onto the dead list, asserted empty).
     */
    static long lpushCalls(int redisPort) {
        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            for (String line : jedis.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_lpush:")) {
                    String calls = line.substring(line.indexOf("calls=") + 6);
                    return Long.parseLong(calls.substring(0, calls.indexOf(',')));
                }
            }
            return 0;
        }
    }

    @Override
    public void close() {
        worker.close();
    }
}
