package io.nginxalerts.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.job.testing.LocalNginx;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.ServerExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Real nginx to alert, with nothing simulated: requests from several loopback source addresses to a
 * real nginx running the shipped {@code nginx/nginx.conf}; its JSON access log shipped into a real
 * Kafka with {@code kcat} (standing in for Logstash); the shaded job on a standalone Flink cluster;
 * the worker jar delivering from Redis to a file.
 */
class NginxEndToEndITCase {
    static final String SCANNER = "127.0.0.2";
    static final String BRUTE_FORCER = "127.0.0.3";
    static final String VISITOR = "127.0.0.4";
    static final String CUSTOMER = "127.0.0.5";

    static final Path KCAT = Path.of("/usr/bin/kcat");
    static final Pattern CLIENTIP = Pattern.compile("\"clientip\":\"([^\"]+)\"");
    static final Path WORKER_JAR =
            LocalFlinkCluster.ROOT.resolve("worker/target/nginx-alerts-worker.jar");

    @RegisterExtension
    static final KafkaExtension KAFKA =
            new KafkaExtension().withTopic("nginx", 2).withTopic("nginx-dlq", 1);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @RegisterExtension
    static final ServerExtension<LocalFlinkCluster> FLINK =
            LocalFlinkCluster.extension("NginxEndToEndITCase");

    @TempDir Path tmp;

    @Test
    void theAttackingAddressesGetExactlyTheExpectedAlertsAndTheOthersNone() throws Exception {
        assertThat(Files.isExecutable(LocalNginx.BINARY)).as(LocalNginx.missingMessage()).isTrue();
        assertThat(Files.isExecutable(KCAT))
                .as("%s not found: apt-get install -y kcat (`./nginx-alerts test` does it)", KCAT)
                .isTrue();

        Path accessLog;
        try (LocalNginx nginx =
                LocalNginx.prepare(LocalFlinkCluster.ROOT.resolve("nginx"), tmp.resolve("nginx"))) {
            nginx.start();
            Client site = new Client(nginx.port());
            for (String page : List.of("/", "/products.html", "/about.html", "/robots.txt")) {
                assertThat(site.get(VISITOR, page, "Mozilla/5.0 Firefox/133.0")).isEqualTo(200);
            }
            assertThat(site.get(CUSTOMER, "/login", "Mozilla/5.0 Safari/17.0")).isEqualTo(200);
            assertThat(site.postLogin(CUSTOMER, "user=demo&password=demo")).isEqualTo(302);
            assertThat(site.get(CUSTOMER, "/no-such-page", "Mozilla/5.0 Safari/17.0"))
                    .isEqualTo(404);
            List<String> probes =
                    List.of(
                            "/.env",
                            "/.git/config",
                            "/wp-login.php",
                            "/backup.zip",
                            "/phpmyadmin/",
                            "/.aws/credentials",
                            "/config.php",
                            "/admin/");
            for (int i = 0; i < 25; i++) {
                String path = probes.get(i % probes.size()) + (i < probes.size() ? "" : "?v=" + i);
                assertThat(site.get(SCANNER, path, "Mozilla/5.0 (compatible)")).isEqualTo(404);
            }
            site.get(
                    SCANNER, "/products.html?id=1%27", "sqlmap/1.8.11#stable (https://sqlmap.org)");
            for (int i = 0; i < 6; i++) {
                assertThat(site.postLogin(BRUTE_FORCER, "user=admin&password=guess" + i))
                        .isEqualTo(401);
            }
            assertThat(site.postLogin(BRUTE_FORCER, "user=demo&password=demo")).isEqualTo(302);
            accessLog = nginx.accessLog();
        }
        List<String> logged = Files.readAllLines(accessLog);
        assertThat(logged).hasSize(4 + 3 + 25 + 1 + 7);

        ship(accessLog, KAFKA.bootstrapServers(), "nginx");

        String jobId =
                FLINK.get()
                        .runDetached(
                                List.of(),
                                LocalFlinkCluster.JOB_JAR,
                                List.of(
                                        "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                                        "--redis.url", REDIS.url(),
                                        // The shipped log is the whole input: read it, then finish,
                                        // which completes every pending match.
                                        "--kafka.bounded", "true"));
        FLINK.get().awaitJobState(jobId, "FINISHED", Duration.ofMinutes(3));

        Path delivered = tmp.resolve("alerts.jsonl");
        Process worker = startWorker(REDIS.url(), delivered);
        try (Jedis jedis = new Jedis("127.0.0.1", REDIS.port())) {
            Poll.until(
                    Duration.ofSeconds(60),
                    () -> jedis.llen("nginx:alerts") + jedis.llen("nginx:alerts:processing:e2e"),
                    left -> left == 0);
            assertThat(jedis.llen("nginx:alerts:dead")).isZero();
        } finally {
            worker.destroy();
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        Map<String, Set<String>> rulesByClient = new TreeMap<>();
        for (String line : Files.readAllLines(delivered)) {
            Alert alert = AlertCodec.decode(line);
            rulesByClient
                    .computeIfAbsent(alert.key().toString(), k -> new TreeSet<>())
                    .add(alert.rule());
        }
        assertThat(rulesByClient)
                .containsOnly(
                        Map.entry(
                                "{clientip=" + SCANNER + "}",
                                Set.of(
                                        "client-errors-burst",
                                        "sensitive-file-probe",
                                        "scanner-user-agent")),
                        Map.entry(
                                "{clientip=" + BRUTE_FORCER + "}",
                                Set.of("login-brute-force", "login-brute-force-success")));
        assertThat(KAFKA.consume("nginx-dlq", 1, Duration.ofSeconds(2))).isEmpty();
    }

    /**
     * {@code kcat -P -K TAB -l}: one Kafka record per line, keyed by clientip as the shipped
     * Logstash pipeline keys them, so one client's requests stay in order on one partition (nginx
     * times have one-second resolution; order within a second is the log's order).
     */
    private static void ship(Path log, String bootstrap, String topic) throws Exception {
        Path keyed = log.resolveSibling("keyed.log");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher ip = CLIENTIP.matcher(line);
            assertThat(ip.find()).as("clientip in %s", line).isTrue();
            lines.add(ip.group(1) + "\t" + line);
        }
        Files.write(keyed, lines);
        Process kcat =
                new ProcessBuilder(
                                KCAT.toString(),
                                "-P",
                                "-b",
                                bootstrap,
                                "-t",
                                topic,
                                "-K",
                                "\t",
                                "-l",
                                keyed.toString())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kcat.exitValue()).as("kcat: %s", output).isZero();
    }

    private static Process startWorker(String redisUrl, Path output) throws IOException {
        assertThat(WORKER_JAR).exists();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(
                List.of(
                        "-jar",
                        WORKER_JAR.toString(),
                        "--redis.url",
                        redisUrl,
                        "--worker-id",
                        "e2e",
                        "--output",
                        "file:" + output));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(output.resolveSibling("worker.log").toFile())
                .start();
    }

    /** Minimal HTTP/1.1 over a socket bound to a chosen loopback source address. */
    record Client(int port) {
        int get(String from, String path, String agent) throws IOException {
            return send(
                    from,
                    "GET "
                            + path
                            + " HTTP/1.1\r\nHost: shop.example.com\r\nUser-Agent: "
                            + agent
                            + "\r\nConnection: close\r\n\r\n");
        }

        int postLogin(String from, String form) throws IOException {
            byte[] body = form.getBytes(StandardCharsets.UTF_8);
            return send(
                    from,
                    "POST /login HTTP/1.1\r\nHost: shop.example.com\r\nUser-Agent: Mozilla/5.0\r\n"
                            + "Content-Type: application/x-www-form-urlencoded\r\n"
                            + "Content-Length: "
                            + body.length
                            + "\r\nConnection: close\r\n\r\n"
                            + form);
        }

        private int send(String from, String request) throws IOException {
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(request.getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = socket.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                // "HTTP/1.1 404 Not Found"
                return Integer.parseInt(response.substring(9, 12));
            }
        }
    }
}
