package io.nginxalerts.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts in-process workers ({@link AlertDrainer}s on their own threads) against one list, with
 * test-friendly settings (short backoffs) unless overridden; {@link #close()} stops them all.
 */
final class Workers implements AutoCloseable {
    private static final AtomicInteger LISTS = new AtomicInteger();

    private final String redisUrl;
    private final String list;
    private final List<AlertDrainer> drainers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    Workers(String redisUrl, String testName) {
        this.redisUrl = redisUrl;
        // A fresh list per test: no test sees another's alerts, seen keys or workers.
        this.list = "test:" + testName + ":" + LISTS.incrementAndGet();
    }

    String list() {
        return list;
    }

    String dead() {
        return list + ":dead";
    }

    String processing(String workerId) {
        return list + ":processing:" + workerId;
    }

    /** Settings as the command line would give them; later flags in {@code extra} win. */
    WorkerSettings settings(String workerId, String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--redis.url", redisUrl,
                                "--redis.list", list,
                                "--worker-id", workerId,
                                "--retry-backoff", "10ms",
                                "--retry-backoff-max", "50ms",
                                "--reconnect-backoff-max", "200ms",
                                "--webhook-timeout", "5s",
                                "--heartbeat-ttl", "3s",
                                "--shutdown-grace", "2s"));
        // Options given twice are refused, so drop defaults that extra overrides.
        for (int i = 0; i < extra.length; i += 2) {
            int at = args.indexOf(extra[i]);
            if (at >= 0 && !extra[i].equals("--output") && !extra[i].equals("--webhook-header")) {
                args.remove(at + 1);
                args.remove(at);
            }
        }
        args.addAll(List.of(extra));
        try {
            return WorkerSettings.parse(args.toArray(String[]::new), Map.of());
        } catch (WorkerSettings.InvalidSettingsException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    AlertDrainer start(WorkerSettings settings, Output... outputs) {
        AlertDrainer drainer = new AlertDrainer(settings, List.of(outputs));
        Thread t = new Thread(drainer, "test-" + settings.workerId());
        t.setDaemon(true);
        t.start();
        synchronized (this) {
            drainers.add(drainer);
            threads.add(t);
        }
        return drainer;
    }

    AlertDrainer start(String workerId, Output... outputs) {
        return start(settings(workerId), outputs);
    }

    @Override
    public synchronized void close() throws InterruptedException {
        drainers.forEach(AlertDrainer::stop);
        for (AlertDrainer d : drainers) {
            if (!d.awaitStopped(Duration.ofSeconds(10))) {
                throw new AssertionError("a worker did not stop within 10s");
            }
            d.close();
        }
    }
}
