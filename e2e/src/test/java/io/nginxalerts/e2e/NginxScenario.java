package io.nginxalerts.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
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
import redis.clients.jedis.Jedis;

/**
 * What the real-nginx end-to-end tests share, whatever ships the access log: the requests (from
 * several loopback source addresses, so each plays one client), the alerts they must give and
 * nothing else, and the worker jar that delivers them from Redis to a file.
 */
final class NginxScenario {
    static final String SCANNER = "127.0.0.2";
    static final String BRUTE_FORCER = "127.0.0.3";
    static final String VISITOR = "127.0.0.4";
    static final String CUSTOMER = "127.0.0.5";

    /** How many requests {@link #play} sends, each logged once. */
    static final int REQUESTS = 4 + 3 + 25 + 1 + 7;

    /** The rules each attacker fires, by alert key; the visitor and the customer fire none. */
    static final Map<String, Set<String>> EXPECTED_RULES_BY_CLIENT =
            Map.of(
                    "{clientip=" + SCANNER + "}",
                    Set.of("client-errors-burst", "sensitive-file-probe", "scanner-user-agent"),
                    "{clientip=" + BRUTE_FORCER + "}",
                    Set.of("login-brute-force", "login-brute-force-success"));

    static final Path WORKER_JAR =
            LocalFlinkCluster.ROOT.resolve("worker/target/nginx-alerts-worker.jar");

    private NginxScenario() {}

    /**
     * A visitor browsing, a customer logging in, a scanner probing sensitive files (one request
     * with sqlmap's user agent), a brute forcer guessing a password then finding it: {@link
     * #REQUESTS} requests to the shipped nginx on {@code port}, each answered as expected.
     */
    static void play(int port) throws IOException {
        Client site = new Client(port);
        for (String page : List.of("/", "/products.html", "/about.html", "/robots.txt")) {
            assertThat(site.get(VISITOR, page, "Mozilla/5.0 Firefox/133.0")).isEqualTo(200);
        }
        assertThat(site.get(CUSTOMER, "/login", "Mozilla/5.0 Safari/17.0")).isEqualTo(200);
        assertThat(site.postLogin(CUSTOMER, "user=demo&password=demo")).isEqualTo(302);
        assertThat(site.get(CUSTOMER, "/no-such-page", "Mozilla/5.0 Safari/17.0")).isEqualTo(404);
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
        site.get(SCANNER, "/products.html?id=1%27", "sqlmap/1.8.11#stable (https://sqlmap.org)");
        for (int i = 0; i < 6; i++) {
            assertThat(site.postLogin(BRUTE_FORCER, "user=admin&password=guess" + i))
                    .isEqualTo(401);
        }
        assertThat(site.postLogin(BRUTE_FORCER, "user=demo&password=demo")).isEqualTo(302);
    }

    /**
     * Runs the shaded job on {@code flink} over what the topics hold, bounded (it reads to their
     * end, then finishes, which completes every pending match), alerts to {@code list}; then {@link
     * #deliver}s them and returns their rules by alert key.
     */
    static Map<String, Set<String>> alertsOfBoundedRun(
            LocalFlinkCluster flink,
            String bootstrap,
            RedisExtension redis,
            String list,
            Path dir,
            String... jobOptions)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(jobOptions));
        args.addAll(
                List.of(
                        "--kafka.bootstrap-servers",
                        bootstrap,
                        "--redis.url",
                        redis.url(),
                        "--redis.list",
                        list,
                        "--kafka.bounded",
                        "true"));
        String jobId = flink.runDetached(List.of(), LocalFlinkCluster.JOB_JAR, args);
        flink.awaitJobState(jobId, "FINISHED", Duration.ofMinutes(3));
        return deliver(redis.url(), redis.port(), list, dir);
    }

    /**
     * Runs the worker jar on {@code list} until the job's alerts are all delivered (the list and
     * the worker's processing list empty, none dead), then stops it and returns the delivered
     * alerts' rules by alert key.
     */
    static Map<String, Set<String>> deliver(String redisUrl, int redisPort, String list, Path dir)
            throws IOException, InterruptedException {
        Path delivered = dir.resolve("alerts.jsonl");
        Process worker = startWorker(redisUrl, list, delivered);
        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            Poll.until(
                    Duration.ofSeconds(60),
                    () -> jedis.llen(list) + jedis.llen(list + ":processing:e2e"),
                    left -> left == 0);
            assertThat(jedis.llen(list + ":dead")).isZero();
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
        return rulesByClient;
    }

    private static Process startWorker(String redisUrl, String list, Path output)
            throws IOException {
        assertThat(WORKER_JAR).exists();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(
                List.of(
                        "-jar",
                        WORKER_JAR.toString(),
                        "--redis.url",
                        redisUrl,
                        "--redis.list",
                        list,
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
