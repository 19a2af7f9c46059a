package io.nginxalerts.demo;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.AlertJob;
import io.nginxalerts.job.JobOptions;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.testing.LocalKafka;
import io.nginxalerts.testing.LocalRedis;
import io.nginxalerts.testing.Ports;
import io.nginxalerts.worker.EmbeddedWorker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
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
 * <p>{@link #close()} stops every part in reverse order, so Ctrl-C leaves no process behind.
 */
final class Demo implements AutoCloseable {
    static final String TOPIC = "nginx";
    static final String DLQ_TOPIC = "nginx-dlq";
    static final String LIST = "nginx:alerts";
    static final String WORKER_ID = "demo";
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final DemoOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private LocalKafka kafka;
    private LocalRedis redis;
    private EmbeddedWorker worker;
    private KafkaLineProducer lines;
    private Feed feed;
    private Thread feedThread;
    private JobClient job;

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
        redis = LocalRedis.startOn(Ports.preferred(6379));
        JobSettings settings = JobSettings.from(jobOptions(), true);
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
        job = startJob(settings, rules);
        startFeed();
        while (!closing) {
            progress();
            LockSupport.parkNanos(PROGRESS_EVERY.toNanos());
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
        job = startJob(settings, rules);
        JobExecutionResult result = job.getJobExecutionResult().get();
        // Finished: its local cluster is gone, there is nothing left to cancel.
        job = null;
        long pushed = 0;
        for (Rule rule : rules) {
            Object n = result.getAllAccumulatorResults().get("rule." + rule.id() + ".alerts");
            pushed += n instanceof Number num ? num.longValue() : 0;
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
                "nginx-alerts demo: done: %d events, %d alerts pushed, %d delivered, %d dead"
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

    private JobClient startJob(JobSettings settings, List<Rule> rules) throws Exception {
        Configuration conf = new Configuration();
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
