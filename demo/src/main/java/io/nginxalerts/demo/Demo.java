package io.nginxalerts.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleException;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.job.AlertJob;
import io.nginxalerts.job.JobOptions;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.apply.FlinkRest;
import io.nginxalerts.job.apply.RulePlan;
import io.nginxalerts.job.apply.RuleSummary;
import io.nginxalerts.job.rules.RuleRecordCounts;
import io.nginxalerts.testing.LocalKafka;
import io.nginxalerts.testing.LocalRedis;
import io.nginxalerts.testing.Ports;
import io.nginxalerts.worker.EmbeddedWorker;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import redis.clients.jedis.Jedis;

/**
 * The whole pipeline in one JVM: an in-process KRaft Kafka broker, a redis-server child process, a
 * local Flink with its web UI running the job, the worker printing alerts to stdout, and a feed of
 * generated traffic or a real access log. Everything but the alerts goes to stderr.
 *
 * <p>Live, a {@code --rules} directory is watched: once a change has settled, the new rules are
 * validated (problems as {@code file:line}; the running rules stay), the {@link RulePlan} is
 * printed, the job is stopped with a savepoint (never drained, so windows and suppressions do not
 * end early) and run again from it with the new rules ({@code allowNonRestoredState} only when the
 * plan drops a stateful operator). If the new job does not get every task running and a checkpoint
 * done within {@code --rules-ready-timeout}, it is cancelled and the old rules run again from the
 * same savepoint.
 *
 * <p>{@link #close()} stops every part in reverse order, so Ctrl-C leaves no process behind.
 */
final class Demo implements AutoCloseable {
    static final String TOPIC = "nginx";
    static final String DLQ_TOPIC = "nginx-dlq";
    static final String LIST = "nginx:alerts";
    static final String WORKER_ID = "demo";
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    /** How often the rules directory is looked at, and how long a change must settle. */
    static final Duration RULES_POLL = Duration.ofMillis(250);

    static final Duration RULES_QUIET = Duration.ofMillis(500);

    /**
     * How long a stop with savepoint, or the old rules' job to run and checkpoint again, may take.
     */
    static final Duration APPLY_TIMEOUT = Duration.ofMinutes(1);

    private static final Set<String> FAILING =
            Set.of("FAILING", "FAILED", "RESTARTING", "CANCELLING", "CANCELED", "FINISHED");

    private final DemoOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private LocalKafka kafka;
    private LocalRedis redis;
    private EmbeddedWorker worker;
    private KafkaLineProducer lines;
    private Feed feed;
    private Thread feedThread;

    /** The running job; replaced by the main loop when rules change, read by {@link #close}. */
    private volatile JobClient job;

    /** The rules the running job runs. */
    private List<Rule> running;

    private RulesWatcher watcher;
    private Path savepoints;

    /**
     * Set when {@link #close} begins (the shutdown hook on Ctrl-C): from then on the main loop's
     * Kafka, Redis and Flink go away under it, which is the user stopping the demo, not a failure.
     */
    private volatile boolean closing;

    private KafkaConsumer<byte[], byte[]> dlqCounter;
    private int webPort;

    Demo(DemoOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Runs until the input is done ({@code --once}) or forever; returns the exit status. */
    int run() throws Exception {
        err.println("nginx-alerts demo: starting Kafka (KRaft, in-process) and Redis...");
        kafka = LocalKafka.start();
        kafka.createTopics(Map.of(TOPIC, 2, DLQ_TOPIC, 1));
        // Stopped by close(), after the job and the worker: not by a JVM hook of its own.
        redis = LocalRedis.startOwnedOn(Ports.preferred(6379));
        JobSettings settings = JobSettings.from(jobOptions(), true);
        if (options.rules() != null && !options.once()) {
            // Before the rules are read, so that no save goes unseen.
            watcher = new RulesWatcher(options.rules(), RULES_QUIET);
        }
        List<Rule> rules = settings.loadRules();
        worker =
                EmbeddedWorker.start(
                        new String[] {
                            "--redis.url",
                            redis.url(),
                            "--redis.list",
                            LIST,
                            "--worker-id",
                            WORKER_ID,
                            "--output",
                            "stdout"
                        },
                        out);
        lines = new KafkaLineProducer(kafka.bootstrapServers(), TOPIC);
        feed =
                options.accessLog() != null
                        ? new AccessLogFeed(lines, options.accessLog(), options.once())
                        : new GeneratedFeed(
                                lines,
                                options.rate(),
                                options.seed(),
                                options.once() ? options.events() : 0);
        dlqCounter = dlqCounter();
        webPort = Ports.preferred(options.webPort());
        banner(rules);
        try {
            return options.once() ? runOnce(settings, rules) : runLive(settings, rules);
        } catch (Exception e) {
            if (closing) {
                return 0;
            }
            throw e;
        }
    }

    private int runLive(JobSettings settings, List<Rule> rules) throws Exception {
        job = startJob(settings, rules, SavepointRestoreSettings.none());
        running = rules;
        startFeed();
        long nextProgress = System.nanoTime();
        while (!closing) {
            if (System.nanoTime() - nextProgress >= 0) {
                progress();
                nextProgress += PROGRESS_EVERY.toNanos();
            }
            if (watcher != null && watcher.changed(System.nanoTime())) {
                applyRules(settings);
            }
            LockSupport.parkNanos(RULES_POLL.toNanos());
            if (job.getJobStatus().get().isGloballyTerminalState() && !closing) {
                err.println("nginx-alerts demo: the job ended: " + job.getJobStatus().get());
                return 1;
            }
            if (feed.failure() != null && !closing) {
                err.println("nginx-alerts demo: the feed failed: " + feed.failure());
                return 1;
            }
        }
        return 0;
    }

    /**
     * Applies the rules now in the watched directory to the running job, as {@code rules apply}
     * does to a cluster's. Whatever happens, a job runs afterwards: the new rules, or the old ones
     * (untouched, or again from the savepoint). Throws only if even the old rules cannot run again.
     */
    private void applyRules(JobSettings settings) throws Exception {
        Path dir = options.rules();
        err.println("nginx-alerts demo: " + dir + " changed");
        List<Rule> next;
        try {
            next = RuleLoader.loadDirectory(dir);
        } catch (RuleException e) {
            e.problems().forEach(err::println);
            err.printf(
                    "nginx-alerts demo: not applied: %d problem(s); the running rules stay%n",
                    e.problems().size());
            return;
        }
        RulePlan plan;
        try {
            plan =
                    RulePlan.of(
                            RuleSummary.of(running, settings.thresholdOperator()),
                            RuleSummary.of(next, settings.thresholdOperator()));
        } catch (IllegalArgumentException e) {
            err.println("nginx-alerts demo: not applied: " + e.getMessage());
            return;
        }
        err.print(plan.render());
        if (plan.isEmpty()) {
            err.println("nginx-alerts demo: nothing to apply: the job runs these rules");
            return;
        }
        try {
            // A rule that cannot become a job fails here, before the running one is touched.
            StreamExecutionEnvironment trial = StreamExecutionEnvironment.createLocalEnvironment();
            AlertJob.build(trial, settings, next);
            trial.getStreamGraph();
        } catch (RuntimeException e) {
            err.println(
                    "nginx-alerts demo: not applied: the new rules do not build a job ("
                            + e.getMessage()
                            + "); the running rules stay");
            return;
        }

        long stopRequested = System.nanoTime();
        String savepoint;
        try {
            savepoint =
                    job.stopWithSavepoint(
                                    false,
                                    savepoints().toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            err.println(
                    "nginx-alerts demo: not applied: the savepoint failed ("
                            + rootMessage(e)
                            + "); the running rules stay");
            return;
        }
        err.println("nginx-alerts demo: savepoint " + savepoint);
        awaitStopped(job);
        try {
            job =
                    startAndAwait(
                            settings,
                            next,
                            SavepointRestoreSettings.forPath(
                                    savepoint, plan.allowNonRestoredState()),
                            options.rulesReadyTimeout());
        } catch (NotReady e) {
            err.println(
                    "nginx-alerts demo: not applied: "
                            + e.getMessage()
                            + "; running the old rules again from "
                            + savepoint);
            // The old rules ran from this state before: they get the full time, whatever the
            // new rules were given.
            job =
                    startAndAwait(
                            settings,
                            running,
                            SavepointRestoreSettings.forPath(savepoint),
                            APPLY_TIMEOUT);
            err.println("nginx-alerts demo: the old rules run again");
            return;
        }
        running = next;
        err.printf(
                "nginx-alerts demo: applied: %d rule(s) running; not processing %.1f s (stop"
                        + " requested -> every task running)%n",
                next.size(), (readyAt - stopRequested) / 1e9);
    }

    /** Set when every task of the last started job ran. */
    private long readyAt;

    /** A new job that did not get every task running and a checkpoint done in time. */
    private static final class NotReady extends Exception {
        private static final long serialVersionUID = 1L;

        NotReady(String message) {
            super(message);
        }
    }

    /**
     * Starts the job from a savepoint and waits until every task runs and a checkpoint completed;
     * otherwise cancels it and throws.
     */
    private JobClient startAndAwait(
            JobSettings settings,
            List<Rule> rules,
            SavepointRestoreSettings restore,
            Duration ready)
            throws Exception {
        JobClient started;
        try {
            started = startJob(settings, rules, restore);
        } catch (Exception e) {
            throw new NotReady("the job was not taken (" + rootMessage(e) + ")");
        }
        FlinkRest rest = new FlinkRest(URI.create("http://127.0.0.1:" + webPort));
        String id = started.getJobID().toString();
        long deadline = System.nanoTime() + ready.toNanos();
        try {
            await(
                    deadline,
                    "every task to run",
                    () -> {
                        JsonNode j = rest.get("jobs/" + id);
                        failIf(j);
                        return FlinkRest.allTasksRunning(j);
                    });
            readyAt = System.nanoTime();
            await(
                    deadline,
                    "a checkpoint",
                    () -> {
                        failIf(rest.get("jobs/" + id));
                        return rest.get("jobs/" + id + "/checkpoints")
                                        .path("counts")
                                        .path("completed")
                                        .asLong()
                                > 0;
                    });
            return started;
        } catch (NotReady | RuntimeException e) {
            try {
                if (!started.getJobStatus().get().isGloballyTerminalState()) {
                    started.cancel().get(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (Exception cancel) {
                err.println("nginx-alerts demo: cancelling job " + id + ": " + cancel);
            }
            awaitStopped(started);
            throw e instanceof NotReady n ? n : new NotReady(rootMessage(e));
        }
    }

    private interface Check {
        boolean done() throws NotReady;
    }

    private static void await(long deadline, String what, Check check) throws NotReady {
        while (true) {
            try {
                if (check.done()) {
                    return;
                }
            } catch (FlinkRest.Failure notYet) {
                // The web server of a new local cluster is still starting.
            }
            if (System.nanoTime() - deadline > 0) {
                throw new NotReady("timed out waiting for " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    private static void failIf(JsonNode job) throws NotReady {
        String state = job.path("state").asText();
        if (FAILING.contains(state)) {
            throw new NotReady("the new job is " + state);
        }
    }

    /**
     * Waits until {@code stopped} has ended and its local cluster has let go of the web UI's port,
     * so the next job's cluster can serve the UI at the same address.
     */
    private void awaitStopped(JobClient stopped) throws Exception {
        try {
            stopped.getJobExecutionResult().get(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // Failed or cancelled: ended all the same.
        }
        long deadline = System.nanoTime() + APPLY_TIMEOUT.toNanos();
        while (!portFree(webPort) && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    private static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Path savepoints() throws IOException {
        if (savepoints == null) {
            savepoints = Files.createTempDirectory("nginx-alerts-demo-savepoints");
        }
        return savepoints;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /**
     * Produces all input first, then runs the job bounded to it: at the end of input event time
     * jumps to the end, so every pending match completes. Then waits until the worker has delivered
     * everything the job pushed.
     */
    private int runOnce(JobSettings settings, List<Rule> rules) throws Exception {
        startFeed();
        while (!feed.isFinished()) {
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        if (feed.failure() != null) {
            err.println("nginx-alerts demo: reading the input failed: " + feed.failure());
            return 1;
        }
        lines.flush();
        err.printf(
                "nginx-alerts demo: %d events in Kafka; running the job over them%n", feed.sent());
        job = startJob(settings, rules, SavepointRestoreSettings.none());
        JobExecutionResult result = job.getJobExecutionResult().get();
        // Finished: its local cluster is gone, there is nothing left to cancel.
        job = null;
        // Every record the rules gave (firing, update, resolved), less those the end-of-input
        // gate held back as undecided: what reached Redis.
        Map<String, Object> counters = result.getAllAccumulatorResults();
        long pushed = 0;
        for (Rule rule : rules) {
            pushed += RuleRecordCounts.written(counters, rule.id());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!drained() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        progress();
        if (!drained()) {
            err.println("nginx-alerts demo: the worker did not deliver every alert in time");
            return 1;
        }
        err.printf(
                "nginx-alerts demo: done: %d events, %d records pushed, %d delivered, %d dead"
                        + " letters%n",
                feed.sent(), pushed, worker.delivered(), deadLetters());
        return 0;
    }

    private Map<String, String> jobOptions() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(JobOptions.KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        o.put(JobOptions.KAFKA_TOPIC.key(), TOPIC);
        o.put(JobOptions.DLQ_TOPIC.key(), DLQ_TOPIC);
        o.put(JobOptions.REDIS_URL.key(), redis.url());
        o.put(JobOptions.REDIS_LIST.key(), LIST);
        // A demo should show its alerts quickly once traffic pauses.
        o.put(JobOptions.IDLE_FLUSH_AFTER.key(), "5 s");
        o.put(JobOptions.PARTITION_IDLENESS.key(), "5 s");
        if (options.once()) {
            o.put(JobOptions.KAFKA_BOUNDED.key(), "true");
        }
        if (options.rules() != null) {
            o.put(JobOptions.RULES.key(), options.rules().toString());
        }
        o.putAll(options.inputOptions());
        return o;
    }

    private JobClient startJob(
            JobSettings settings, List<Rule> rules, SavepointRestoreSettings restore)
            throws Exception {
        Configuration conf = new Configuration();
        SavepointRestoreSettings.toConfiguration(restore, conf);
        conf.set(RestOptions.PORT, webPort);
        // A laptop demo: the web UI (which can cancel jobs) only on this machine.
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(2);
        env.enableCheckpointing(10_000);
        AlertJob.build(env, settings, rules);
        return env.executeAsync("nginx-alerts demo");
    }

    private void startFeed() {
        feedThread = new Thread(feed, "demo-feed");
        feedThread.setDaemon(true);
        feedThread.start();
    }

    private void banner(List<Rule> rules) {
        err.println();
        err.println("nginx-alerts demo");
        err.printf("  Flink web UI   http://localhost:%d%n", webPort);
        err.printf(
                "  Kafka          %s  (topic %s, dead letters %s)%n",
                kafka.bootstrapServers(), TOPIC, DLQ_TOPIC);
        err.printf("  Redis          %s  (alert list %s)%n", redis.url(), LIST);
        err.printf(
                "  rules          %s: %s%n",
                options.rules() == null ? "bundled" : options.rules(),
                String.join(", ", rules.stream().map(Rule::id).toList()));
        err.printf("  input          %s%n", feed.describe());
        err.printf("  worker         %s%n", worker.describe());
        err.println(
                "Alerts follow on stdout as JSON lines"
                        + (options.once() ? "." : "; progress every 5 s here. Ctrl-C stops."));
        err.println();
    }

    private long lastSent;
    private long lastNanos = System.nanoTime();

    private void progress() {
        long now = System.nanoTime();
        long sent = feed.sent();
        double rate = (sent - lastSent) * 1e9 / Math.max(1, now - lastNanos);
        lastSent = sent;
        lastNanos = now;
        err.printf(
                "nginx-alerts demo: %,.0f events/s, %,d events, %,d alerts, %,d dead letters%n",
                rate, sent, worker.delivered(), deadLetters());
    }

    private KafkaConsumer<byte[], byte[]> dlqCounter() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(p);
    }

    /** Records on the dead-letter topic: the sum of its end offsets. */
    private long deadLetters() {
        TopicPartition p = new TopicPartition(DLQ_TOPIC, 0);
        return dlqCounter.endOffsets(List.of(p)).getOrDefault(p, 0L);
    }

    private boolean drained() {
        try (Jedis jedis = new Jedis(redis.url())) {
            return jedis.llen(LIST) == 0 && jedis.llen(LIST + ":processing:" + WORKER_ID) == 0;
        }
    }

    @Override
    public void close() {
        closing = true;
        if (feed != null) {
            feed.close();
        }
        if (job != null) {
            try {
                if (!job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get();
                }
            } catch (Exception e) {
                err.println("nginx-alerts demo: cancelling the job: " + e);
            }
        }
        closeQuietly(lines);
        closeQuietly(worker);
        closeQuietly(dlqCounter);
        closeQuietly(redis);
        closeQuietly(kafka);
        if (savepoints != null) {
            try (var files = Files.walk(savepoints)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                err.println("nginx-alerts demo: removing " + savepoints + ": " + e);
            }
        }
    }

    private void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            err.println("nginx-alerts demo: stopping " + c.getClass().getSimpleName() + ": " + e);
        }
    }
}
