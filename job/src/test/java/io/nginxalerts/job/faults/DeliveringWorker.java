package io.nginxalerts.job.faults;

import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.worker.EmbeddedWorker;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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

    static DeliveringWorker start(String redisUrl, int redisPort, String list, Path output)
            throws Exception {
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
        try {
            for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
                counts.merge(AlertCodec.decode(line).id(), 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
