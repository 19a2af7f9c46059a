package io.nginxalerts.e2e;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nginxalerts.job.testing.JobArgs;
import io.nginxalerts.job.testing.RedisAlerts;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.ServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rules apply} on a real standalone cluster, with real Kafka and Redis and traffic flowing
 * the whole time: failed applies leave the old job running; then one apply adds a rule, removes a
 * (sequence) rule, changes one and re-describes one, and the alert ids in Redis equal a backtest
 * split at the change: the old rules before it, the new ones after, unchanged rules across it.
 */
class RulesApplyITCase {
    private static final String TOPIC = "nginx-apply";
    private static final String DLQ = "nginx-apply-dlq";
    private static final String LIST = "e2e:alerts:apply";

    private static final String KEPT = "client-errors-kept";
    private static final String REDESCRIBED = "brute-force-redescribed";
    private static final String CHANGED = "admin-probe-changed";
    private static final String REMOVED = "setup-then-shell-removed";
    private static final String ADDED = "server-errors-added";

    private static final String BRUTE =
            """
            description: Failed logins, then a success
            severity: warning
            group_by: [clientip]
            sequence:
              - match: { method: POST, url: { prefix: /login }, status: [401, 403] }
                at_least: 3
              - match: { method: POST, url: { prefix: /login }, status: [200, 302] }
            within: 10m
            """;
    private static final String SETUP_THEN_SHELL =
            """
            description: An installer page, then a web shell
            severity: critical
            group_by: [clientip]
            sequence:
              - match: { url: { prefix: /setup.php } }
              - match: { url: { prefix: /shell.php } }
            within: 10m
            """;

    private static final Map<String, String> BEFORE =
            Map.of(
                    KEPT, TestRules.file(KEPT, TestRules.clientErrors(20, "10m")),
                    REDESCRIBED, TestRules.file(REDESCRIBED, BRUTE),
                    CHANGED, TestRules.file(CHANGED, TestRules.adminProbe(5, "10m")),
                    REMOVED, TestRules.file(REMOVED, SETUP_THEN_SHELL));
    private static final Map<String, String> AFTER =
            Map.of(
                    KEPT,
                    BEFORE.get(KEPT),
                    REDESCRIBED,
                    TestRules.file(
                            REDESCRIBED,
                            BRUTE.replace("then a success", "then one that worked")
                                    .replace("severity: warning", "severity: critical")),
                    CHANGED,
                    TestRules.file(
                            CHANGED,
                            TestRules.adminProbe(5, "10m")
                                    .replace(
                                            "{ url: { prefix: /admin } }",
                                            "{ url: { prefix: /admin }, method: GET }")),
                    ADDED,
                    TestRules.file(ADDED, TestRules.serverErrors(3, "10m")));

    private static final String ATTACKER = "203.0.113.66";
    private static final String GUESSER = "203.0.113.77";
    private static final String PROBER = "198.51.100.23";
    private static final String POSTER = "198.51.100.24";
    private static final String INSTALLER = "192.0.2.50";
    private static final String HALF_INSTALLER = "192.0.2.51";
    private static final String BROKEN_CLIENT = "192.0.2.99";

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension().withTopic(TOPIC, 1).withTopic(DLQ, 1);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @RegisterExtension
    static final ServerExtension<LocalFlinkCluster> FLINK =
            LocalFlinkCluster.extension("RulesApplyITCase");

    private static final Pattern GAP = Pattern.compile("not processing: ([0-9.]+) s");
    private static final Pattern NEW_JOB = Pattern.compile("new job: ([0-9a-f]{32})");

    /** Every line sent, in order, with whether it was sent before the change. */
    private final List<String> before = new ArrayList<>();

    private final List<String> after = new ArrayList<>();
    private volatile boolean changed;
    private KafkaProducer<String, String> producer;

    @Test
    void oneApplyAddsRemovesChangesAndRedescribesWithNoAlertLostOrRepeated(@TempDir Path tmp)
            throws Exception {
        Path rulesBefore = write(tmp.resolve("rules-before"), BEFORE);
        Path rulesAfter = write(tmp.resolve("rules-after"), AFTER);
        Path invalid =
                write(
                        tmp.resolve("rules-invalid"),
                        Map.of(KEPT, "id: " + KEPT + "\nthreshold: many\n"));
        Path store = tmp.resolve("store");
        Path notAJar = Files.writeString(tmp.resolve("not-a.jar"), "not a jar");

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(props);
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        try {
            String first =
                    FLINK.get()
                            .runDetached(
                                    List.of(),
                                    LocalFlinkCluster.JOB_JAR,
                                    JobArgs.of(
                                                    KAFKA.bootstrapServers(),
                                                    TOPIC,
                                                    DLQ,
                                                    REDIS.url(),
                                                    LIST)
                                            .with("rules", rulesBefore.toString())
                                            .args());
            FLINK.get().awaitAllTasksRunning(first, Duration.ofMinutes(1));
            // Background traffic matching no rule, 20 requests a second, all the way through.
            int[] n = {0};
            traffic.scheduleAtFixedRate(
                    () ->
                            send(
                                    i ->
                                            request(i, "10.1." + (n[0] % 50) + "." + (n[0]++ % 200))
                                                    .url("/static/app.css")
                                                    .line()),
                    0,
                    50,
                    TimeUnit.MILLISECONDS);

            // Phase 1: partial matches of the kept and re-described rules, which straddle the
            // change; complete matches of the changed and the removed rule; partial ones too.
            for (int i = 0; i < 10; i++) {
                send(at -> request(at, ATTACKER).status(404).url("/p").line());
            }
            for (int i = 0; i < 3; i++) {
                send(at -> request(at, GUESSER).method("POST").url("/login").status(401).line());
            }
            for (int i = 0; i < 2; i++) {
                send(at -> request(at, PROBER).url("/admin/").line());
                send(at -> request(at, BROKEN_CLIENT).status(503).line());
            }
            send(at -> request(at, HALF_INSTALLER).url("/setup.php").line());
            for (int i = 0; i < 5; i++) {
                send(at -> request(at, POSTER).method("POST").url("/admin/x").line());
            }
            send(at -> request(at, INSTALLER).url("/setup.php").line());
            send(at -> request(at, INSTALLER).url("/shell.php").line());
            // The last two alerts mark every phase-1 event through both branches (grouped, CEP).
            RedisAlerts.await(REDIS.port(), LIST, 2, Duration.ofMinutes(2));

            // Failed applies: the job keeps running, untouched.
            Run bad = apply(invalid, store);
            assertThat(bad.code).as(bad.output).isEqualTo(1);
            assertThat(bad.output).contains(KEPT + ".yaml:", "the running rules stay");
            assertRunning(first);
            Run refused = apply(rulesAfter, store, "--jar", notAJar.toString());
            assertThat(refused.code).as(refused.output).isEqualTo(1);
            assertThat(refused.output).contains("still runs the old rules");
            assertRunning(first);

            // A new job that does not get ready in time: the old rules run again from the
            // savepoint, and the apply says so.
            Run rolledBack = apply(rulesAfter, store, "--ready-timeout", "1ms");
            assertThat(rolledBack.code).as(rolledBack.output).isEqualTo(1);
            assertThat(rolledBack.output).contains("the old rules run again as job");
            String oldAgain = onlyRunningJob();
            assertThat(oldAgain).isNotEqualTo(first);

            // The change itself, with traffic flowing.
            Run applied = apply(rulesAfter, store);
            System.out.println(applied.output);
            assertThat(applied.code).as(applied.output).isZero();
            assertThat(applied.output)
                    .contains("added (1)", "removed (1)", "changed (1)", "unchanged (2)")
                    .contains("description changed", "allowNonRestoredState: yes");
            Matcher gap = GAP.matcher(applied.output);
            assertThat(gap.find()).as(applied.output).isTrue();
            Matcher next = NEW_JOB.matcher(applied.output);
            assertThat(next.find()).isTrue();
            assertThat(onlyRunningJob()).isEqualTo(next.group(1));
            changed = true;

            // Phase 2: the other halves.
            for (int i = 0; i < 10; i++) {
                send(at -> request(at, ATTACKER).status(404).url("/q").line());
            }
            send(at -> request(at, GUESSER).method("POST").url("/login").status(302).line());
            for (int i = 0; i < 5; i++) {
                send(at -> request(at, PROBER).url("/admin/y").line());
            }
            for (int i = 0; i < 3; i++) {
                send(at -> request(at, BROKEN_CLIENT).status(503).line());
            }
            send(at -> request(at, HALF_INSTALLER).url("/shell.php").line());

            Set<String> expected = reference(tmp, rulesBefore, rulesAfter);
            List<String> ids =
                    Poll.until(
                            Duration.ofMinutes(2),
                            () -> RedisAlerts.ids(REDIS.port(), LIST),
                            got -> new HashSet<>(got).containsAll(expected));
            traffic.shutdownNow();
            Set<String> unique = new TreeSet<>(ids);
            System.out.printf(
                    "rules apply: processing gap %s s; %d alerts in Redis, %d unique, expected %d%n",
                    gap.group(1), ids.size(), unique.size(), expected.size());
            assertThat(unique).as("0 lost, 0 extra").isEqualTo(new TreeSet<>(expected));
            assertThat(ids).as("0 repeated").hasSameSizeAs(unique);
            assertThat(Double.parseDouble(gap.group(1))).as("processing gap, s").isLessThan(60);
        } finally {
            traffic.shutdownNow();
            traffic.awaitTermination(10, TimeUnit.SECONDS);
            producer.close();
        }
    }

    /**
     * The expectation, from backtests split at the change: removed and changed rules (old form)
     * over the lines before it, added and changed rules (new form) over the lines after it,
     * unchanged rules over all lines. Background lines match no rule (checked).
     */
    private Set<String> reference(Path tmp, Path rulesBefore, Path rulesAfter) throws Exception {
        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        Set<String> ids = new TreeSet<>();
        for (Map<String, Object> alert : backtest(tmp, "before", rulesBefore, before)) {
            if (Set.of(REMOVED, CHANGED).contains(alert.get("rule"))) {
                ids.add((String) alert.get("id"));
            }
        }
        for (Map<String, Object> alert : backtest(tmp, "after", rulesAfter, after)) {
            if (Set.of(ADDED, CHANGED).contains(alert.get("rule"))) {
                ids.add((String) alert.get("id"));
            }
        }
        for (Map<String, Object> alert : backtest(tmp, "all", rulesAfter, all)) {
            if (Set.of(KEPT, REDESCRIBED).contains(alert.get("rule"))) {
                ids.add((String) alert.get("id"));
            }
        }
        assertThat(ids).as("reference").hasSize(6);
        return ids;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> backtest(
            Path tmp, String name, Path rules, List<String> lines) throws Exception {
        Path input = Files.write(tmp.resolve(name + ".log"), lines);
        Path output = tmp.resolve(name + "-alerts.jsonl");
        Run backtest =
                cli(
                        List.of(
                                "backtest",
                                "--rules",
                                rules.toString(),
                                "--input",
                                input.toString(),
                                "--output",
                                output.toString()));
        assertThat(backtest.code).as(backtest.output).isZero();
        ObjectMapper json = new ObjectMapper();
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            if (!line.isBlank()) {
                alerts.add(json.readValue(line, Map.class));
            }
        }
        return alerts;
    }

    /** Stamps a line with the current time and sends it, in one order for Kafka and the lists. */
    private synchronized void send(Function<Instant, String> line) {
        String text = line.apply(Instant.now());
        (changed ? after : before).add(text);
        producer.send(new ProducerRecord<>(TOPIC, 0, null, text));
        producer.flush();
    }

    private record Run(int code, String output) {}

    private static Run apply(Path rules, Path store, String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                rules.toString(),
                                "--flink",
                                FLINK.get().restUrl().toString(),
                                "--store",
                                store.toString(),
                                "--jar",
                                LocalFlinkCluster.JOB_JAR.toString()));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            int at = args.indexOf(extra[i]);
            if (at >= 0) {
                args.set(at + 1, extra[i + 1]);
            } else {
                args.add(extra[i]);
                args.add(extra[i + 1]);
            }
        }
        args.addAll(0, List.of("rules", "apply"));
        return cli(args);
    }

    /**
     * Runs {@code io.nginxalerts.job.cli.Main} as the launcher does: the job jar with Flink's jars
     * (here the cluster's classpath), in its own JVM.
     */
    private static Run cli(List<String> args) {
        try {
            Path classpath = LocalFlinkCluster.ROOT.resolve("cluster/target/flink-classpath.txt");
            List<String> command =
                    new ArrayList<>(
                            List.of(
                                    Path.of(System.getProperty("java.home"), "bin", "java")
                                            .toString(),
                                    "--add-opens",
                                    "java.base/java.util=ALL-UNNAMED",
                                    "--add-opens",
                                    "java.base/java.lang=ALL-UNNAMED",
                                    "-cp",
                                    LocalFlinkCluster.JOB_JAR
                                            + ":"
                                            + Files.readString(classpath).strip(),
                                    "io.nginxalerts.job.cli.Main"));
            command.addAll(args);
            Path output = Files.createTempFile("nginx-alerts-cli-", ".out");
            Process process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(output.toFile())
                            .start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            String text = Files.readString(output);
            Files.delete(output);
            return new Run(process.exitValue(), text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void assertRunning(String job) {
        assertThat(FLINK.get().job(job).path("state").asText()).isEqualTo("RUNNING");
        assertThat(onlyRunningJob()).isEqualTo(job);
    }

    private static String onlyRunningJob() {
        List<String> running = new ArrayList<>();
        for (var job : FLINK.get().getJson("/jobs/overview").path("jobs")) {
            if ("RUNNING".equals(job.path("state").asText())) {
                running.add(job.path("jid").asText());
            }
        }
        assertThat(running).hasSize(1);
        return running.get(0);
    }

    private static Path write(Path dir, Map<String, String> files) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(dir.resolve(file.getKey() + ".yaml"), file.getValue());
        }
        return dir;
    }
}
