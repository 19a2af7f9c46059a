package io.nginxalerts.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * CPU time of this process (all threads, GC and JIT included) and, sampled while a run lasts, per
 * thread group: Flink task threads, the in-process Kafka broker, everything else. Sampling every
 * 100 ms catches threads that end with the job, missing at most their last 100 ms.
 */
final class Cpu implements AutoCloseable {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Pattern TASK = Pattern.compile(".*\\(\\d+/\\d+\\)#\\d+.*");

    static long processNanos() {
        return OS.getProcessCpuTime();
    }

    private final Map<Long, Long> start = new HashMap<>();
    private final Map<Long, Long> last = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;
    private final long processStart = processNanos();
    private long processEnd = -1;
    private final Map<String, Long> compilerStart = compilerTicks();
    private double compilerSeconds = Double.NaN;

    private Cpu() {
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t >= 0) {
                start.put(id, t);
            }
        }
        sampler =
                new Thread(
                        () -> {
                            while (running) {
                                sample();
                                try {
                                    Thread.sleep(100);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "bench-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts measuring now. */
    static Cpu measure() {
        return new Cpu();
    }

    private synchronized void sample() {
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long t = THREADS.getThreadCpuTime(ids[i]);
            if (t >= 0 && infos[i] != null) {
                last.put(ids[i], t);
                names.put(ids[i], infos[i].getThreadName());
            }
        }
    }

    /** Stops measuring; returns process CPU seconds. */
    double stop() {
        sample();
        running = false;
        processEnd = processNanos();
        Map<String, Long> end = compilerTicks();
        if (!end.isEmpty() || !compilerStart.isEmpty()) {
            long ticks = 0;
            for (Map.Entry<String, Long> e : end.entrySet()) {
                ticks += e.getValue() - compilerStart.getOrDefault(e.getKey(), 0L);
            }
            compilerSeconds = ticks / (double) CLOCK_TICKS;
        }
        return seconds();
    }

    /**
     * CPU seconds of the JIT compiler threads (C1, C2) while measuring, from /proc (they are not
     * Java threads, so not in the thread groups); NaN where /proc is not readable. A compiler
     * thread that ended meanwhile is missed.
     */
    double compilerSeconds() {
        return compilerSeconds;
    }

    /** USER_HZ: the unit of /proc's utime and stime, 100 on Linux. */
    private static final int CLOCK_TICKS = 100;

    /** utime + stime in clock ticks of each JIT compiler thread, by thread id. */
    private static Map<String, Long> compilerTicks() {
        Map<String, Long> ticks = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    if (!comm.startsWith("C1 Compiler") && !comm.startsWith("C2 Compiler")) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    // Fields after the ")" that ends the name: state is field 3, utime 14.
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(
                            task.getFileName().toString(),
                            Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException | RuntimeException e) {
                    // The thread ended while reading: it is missed, as documented.
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return ticks;
    }

    double seconds() {
        return (processEnd - processStart) / 1e9;
    }

    /** CPU seconds by thread group ({@code flink-tasks}, {@code kafka-broker}, {@code other}). */
    synchronized Map<String, Double> groups() {
        Map<String, Double> g = new TreeMap<>();
        last.forEach(
                (id, t) -> {
                    long used = t - start.getOrDefault(id, 0L);
                    g.merge(group(names.get(id)), used / 1e9, Double::sum);
                });
        return g;
    }

    /**
     * CPU seconds by Flink task (a chain of operators), summed over its subtasks: the thread name
     * up to the first chained operator, e.g. {@code Rules by clientip: client-errors-burst,
     * login-brute-force}.
     */
    synchronized Map<String, Double> tasks() {
        Map<String, Double> t = new TreeMap<>();
        last.forEach(
                (id, used) -> {
                    String name = names.get(id);
                    if (name != null && TASK.matcher(name).matches()) {
                        t.merge(
                                taskName(name),
                                (used - start.getOrDefault(id, 0L)) / 1e9,
                                Double::sum);
                    }
                });
        return t;
    }

    static String taskName(String thread) {
        String n = thread.replaceAll(" \\(\\d+/\\d+\\)#\\d+.*$", "");
        int chain = n.indexOf(" -> ");
        return chain < 0 ? n : n.substring(0, chain);
    }

    static String group(String name) {
        if (name == null) {
            return "other";
        }
        if (TASK.matcher(name).matches() || name.startsWith("Source Data Fetcher")) {
            return "flink-tasks";
        }
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.contains("data-plane")
                || n.contains("kafka-request-handler")
                || n.contains("kafka-network")
                || n.contains("broker")
                || n.contains("controller")
                || n.contains("raft")
                || n.contains("log-cleaner")
                || n.contains("kafka-scheduler")
                || n.contains("replica")
                || n.contains("quorum")) {
            return "kafka-broker";
        }
        return "other";
    }

    @Override
    public void close() {
        running = false;
    }
}
