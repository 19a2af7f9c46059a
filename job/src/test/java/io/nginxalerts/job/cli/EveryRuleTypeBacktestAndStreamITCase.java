package io.nginxalerts.job.cli;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.job.AlertJob;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.testing.ComparableAlerts;
import io.nginxalerts.job.testing.JobArgs;
import io.nginxalerts.job.testing.NginxLines;
import io.nginxalerts.job.testing.RedisAlerts;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.RedisExtension;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One rule of every type over the same traffic, run twice: as {@code backtest} over a file and as
 * the streaming job from Kafka to Redis at parallelism 2. Both must give the same alerts, and every
 * rule must fire, so that no type is only right in one of the two.
 *
 * <p>The traffic has one request per second (no two events share a timestamp, so the order of equal
 * timestamps across Kafka partitions cannot differ) and ends with a lone request two hours later
 * that no rule matches: its time passes every silence and absence deadline, so the backtest decides
 * them from the events' own time; the stream's idle flush later moves event time further, which
 * changes nothing, since that request opens no window.
 */
class EveryRuleTypeBacktestAndStreamITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    static final Map<String, String> RULES =
            Map.of(
                    "errors-404",
                    """
                    severity: warning
                    match: { status: 404 }
                    threshold: 6
                    within: 60s
                    suppress: 0s
                    """,
                    "distinct-404",
                    """
                    severity: warning
                    match: { status: 404 }
                    distinct: path
                    threshold: 4
                    within: 5m
                    suppress: 0s
                    """,
                    "host-5xx-ratio",
                    """
                    severity: critical
                    group_by: [http_host]
                    ratio:
                      of: { status: 5xx }
                      at_least: 15%
                      min_events: 20
                    within: 2m
                    suppress: 0s
                    """,
                    "slow-upstream",
                    """
                    severity: warning
                    group_by: [http_host]
                    value:
                      field: upstreamtime
                      p95: { gt: 1500ms }
                      min_events: 15
                    within: 2m
                    suppress: 0s
                    """,
                    "upstream-silent",
                    """
                    severity: critical
                    group_by: [upstreamhost]
                    match: { http_host: { prefix: shop } }
                    silent_for: 5m
                    min_events: 10
                    within: 10m
                    """,
                    "new-admin-client",
                    """
                    severity: info
                    group_by: [http_host]
                    match: { path: { prefix: /admin }, status: 2xx }
                    first_seen: clientip
                    learn_for: 15m
                    within: 1h
                    suppress: 0s
                    """,
                    "login-fails-then-nothing",
                    """
                    severity: warning
                    sequence:
                      - match: { method: POST, path: { prefix: /login }, status: 401 }
                        at_least: 3
                      - absent: { method: POST, path: { prefix: /login }, status: 200 }
                    within: 5m
                    """);

    @TempDir Path dir;

    @Test
    void backtestAndTheStreamingJobGiveTheSameAlertsForEveryRuleType() throws Exception {
        Path rulesDir = Files.createDirectory(dir.resolve("rules"));
        for (Map.Entry<String, String> rule : RULES.entrySet()) {
            Files.writeString(
                    rulesDir.resolve(rule.getKey() + ".yaml"),
                    "id: " + rule.getKey() + "\ndescription: test\n" + rule.getValue());
        }
        List<Rule> rules = RuleLoader.loadDirectory(rulesDir);
        List<String> lines = traffic(new Random(20261206));
        Path input = dir.resolve("access.log");
        Files.write(input, lines, StandardCharsets.UTF_8);

        List<Alert> backtest = backtest(rulesDir, input);
        Map<String, Long> perRule =
                backtest.stream()
                        .collect(Collectors.groupingBy(Alert::rule, Collectors.counting()));
        assertThat(perRule.keySet()).as("every rule fires").isEqualTo(RULES.keySet());

        List<Alert> stream = stream(rules, lines, backtest.size());
        // The short forms first: a difference in them is readable, one in whole alerts is not.
        assertThat(rows(stream)).isEqualTo(rows(backtest));
        assertThat(ComparableAlerts.of(stream)).isEqualTo(ComparableAlerts.of(backtest));
    }

    private List<Alert> backtest(Path rulesDir, Path input) throws Exception {
        Path output = dir.resolve("alerts.jsonl");
        int code =
                Backtest.main(
                        new String[] {
                            "--rules", rulesDir.toString(),
                            "--input", input.toString(),
                            "--output", output.toString(),
                            "--dead-letters", dir.resolve("dead.jsonl").toString(),
                            "--parallelism", "2"
                        },
                        new PrintStream(OutputStream.nullOutputStream()));
        assertThat(code).isZero();
        return Files.readAllLines(output).stream().map(AlertCodec::decode).toList();
    }

    private List<Alert> stream(List<Rule> rules, List<String> lines, int expected)
            throws Exception {
        String topic = "every-type";
        String list = "test:alerts:every-type";
        KAFKA.createTopic(topic, 2);
        KAFKA.createTopic(topic + "-dlq", 1);
        JobSettings settings =
                JobArgs.of(KAFKA.bootstrapServers(), topic, topic + "-dlq", REDIS.url(), list)
                        // The lines are produced in one burst, and a partition that the producer
                        // fills later must not be declared idle meanwhile: its events would be
                        // late, and the stream would see less than the file.
                        .with("events.partition-idleness", "60s")
                        .settings();
        // A local environment of its own, as backtest makes one: a MiniClusterExtension would
        // forbid backtest's.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        AlertJob.build(env, settings, rules);
        JobClient job = env.executeAsync("every rule type");
        try {
            KAFKA.produceLines(topic, lines);
            return RedisAlerts.await(REDIS.port(), list, expected, Duration.ofSeconds(120));
        } finally {
            job.cancel().get();
        }
    }

    /**
     * Two hours of one request per second on three sites, with what each rule looks for: bursts of
     * 404s, a site with a bad spell of 5xx and of slow upstreams, an upstream that stops, new
     * clients in an admin area, and failed logins with and without a success after them.
     */
    static List<String> traffic(Random random) {
        List<String> lines = new ArrayList<>();
        String[] hosts = {"shop.example.com", "api.example.com", "blog.example.com"};
        Set<Integer> scanners = Set.of(7, 13);
        int seconds = 2 * 3600;
        for (int s = 0; s < seconds; s++) {
            String client = "198.51.100." + (1 + random.nextInt(20));
            String host = hosts[random.nextInt(hosts.length)];
            boolean badSpell = s > 1800 && s < 2400 && host.equals("api.example.com");
            NginxLines line = request(s, client).httpHost(host);
            int dice = random.nextInt(100);
            if (s % 600 < 40 && scanners.contains(s / 600)) {
                // A scanner: many different missing paths in a short time.
                line = request(s, "203.0.113." + (s / 600)).httpHost(host);
                line.status(404).url("/probe/" + random.nextInt(12));
            } else if (dice < 3) {
                line.status(404).url("/missing/" + random.nextInt(3));
            } else if (dice < 6) {
                line.url("/admin/").status(200);
            } else if (dice < 9) {
                // Failed logins of one client; a success after some of them.
                line = request(s, "192.0.2." + (s / 300)).httpHost(host).method("POST");
                line.url("/login").status(s % 900 < 600 ? 401 : 200);
            } else if (badSpell && dice < 40) {
                line.status(502);
            } else {
                line.url("/page/" + random.nextInt(50));
            }
            String upstream = s < 5400 ? "10.0.0.7:8080" : "10.0.0.8:8080";
            String seconds3 =
                    badSpell && dice >= 40 && dice < 75
                            ? "2." + random.nextInt(10)
                            : "0.0" + random.nextInt(10);
            lines.add(line.upstream(upstream).upstreamTime(seconds3).line());
        }
        // Two hours later: passes every deadline; no rule matches it.
        lines.add(
                request(seconds + 7200, "198.51.100.250")
                        .httpHost("clock.example.com")
                        .url("/clock")
                        .status(204)
                        .line());
        return lines;
    }

    /** For failure messages: each alert as one line of rule, key, count and times. */
    static List<String> rows(List<Alert> alerts) {
        return alerts.stream()
                .map(
                        a ->
                                String.join(
                                        " ",
                                        a.rule(),
                                        new TreeMap<>(a.key()).toString(),
                                        Integer.toString(a.count()),
                                        Instant.ofEpochMilli(a.firstSeen()).toString(),
                                        Instant.ofEpochMilli(a.lastSeen()).toString()))
                .sorted()
                .toList();
    }
}
