package io.nginxalerts.job.cli;

import static io.nginxalerts.job.cli.BacktestITCase.rows;
import static io.nginxalerts.job.cli.BacktestITCase.runBacktest;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backtest --input.log-format} and {@code --input.log-format-file/-name}: the same requests
 * written in a custom text format and in a custom JSON format of a user's nginx.conf give exactly
 * the alerts they give in the project's JSON format, with no dead letter.
 */
class BacktestLogFormatITCase {
    static final Instant BEGINNING = Instant.parse("2026-11-26T10:00:00Z");
    static final String SCANNER = "203.0.113.7";
    static final String BRUTE_FORCER = "198.51.100.23";
    static final String VISITOR = "192.0.2.10";

    /** A quote in a user agent: nginx writes it as \x22 in text, as \" with escape=json. */
    static final String QUOTING_AGENT = "Mozilla/5.0 \"Firefox\" 133.0";

    /** A user's own text format: combined reordered, plus host, timing and request id. */
    static final String TEXT_FORMAT =
            "$remote_addr $host [$time_local] \"$request\" $status $body_bytes_sent"
                    + " rt=$request_time \"$http_referer\" \"$http_user_agent\" id=$request_id";

    /** A user's own JSON format with names of its own, as it stands in their nginx.conf. */
    static final String NGINX_CONF =
            """
            http {
                log_format shop escape=json '{"ts":"$time_iso8601","ip":"$remote_addr",'
                                            '"req":"$request","st":$status,"b":$body_bytes_sent,'
                                            '"ua":"$http_user_agent","vhost":"$host"}';
                access_log /var/log/nginx/shop.log shop;
            }
            """;

    static final DateTimeFormatter TIME_LOCAL =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    /** nginx's {@code $time_iso8601}: {@code 2026-11-26T10:00:01+00:00}. */
    static final DateTimeFormatter TIME_ISO8601 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    @TempDir static Path dir;

    static Map<String, String> alertsFromJson;

    /** One request of the traffic, {@code second} seconds after {@link #BEGINNING}. */
    record Request(
            String clientip, int second, String method, String url, int status, String agent) {
        Instant time() {
            return BEGINNING.plusSeconds(second);
        }

        String id() {
            return String.format(Locale.ROOT, "%032x", second);
        }
    }

    /** A visitor, a scanner probing sensitive files, a brute forcer who finally gets in. */
    static List<Request> traffic() {
        List<Request> requests = new ArrayList<>();
        int second = 0;
        for (String page : List.of("/", "/products.html", "/about.html")) {
            requests.add(new Request(VISITOR, second++, "GET", page, 200, QUOTING_AGENT));
        }
        List<String> probes =
                List.of("/.env", "/.git/config", "/wp-login.php", "/backup.zip", "/phpmyadmin/");
        for (int i = 0; i < 25; i++) {
            String url = probes.get(i % probes.size()) + (i < probes.size() ? "" : "?v=" + i);
            requests.add(new Request(SCANNER, second++, "GET", url, 404, "Mozilla/5.0"));
        }
        requests.add(
                new Request(
                        SCANNER,
                        second++,
                        "GET",
                        "/products.html?id=1%27",
                        200,
                        "sqlmap/1.8.11#stable (https://sqlmap.org)"));
        for (int i = 0; i < 6; i++) {
            requests.add(new Request(BRUTE_FORCER, second++, "POST", "/login", 401, "curl/8.5"));
        }
        requests.add(new Request(BRUTE_FORCER, second++, "POST", "/login", 302, "curl/8.5"));
        return requests;
    }

    /** The project's own {@code alerts_json} shape (README "Input"). */
    static String asAlertsJson(Request r) {
        return "{\"@timestamp\":\""
                + TIME_ISO8601.format(r.time())
                + "\",\"clientip\":\""
                + r.clientip()
                + "\",\"size\":153,\"responsetime\":0.004,\"upstreamtime\":\"\","
                + "\"upstreamhost\":\"\",\"http_host\":\"shop.example.com\",\"url\":\""
                + r.url()
                + "\",\"xff\":\"\",\"refer\":\"\",\"agent\":\""
                + r.agent().replace("\"", "\\\"")
                + "\",\"status\":\""
                + r.status()
                + "\",\"method\":\""
                + r.method()
                + "\",\"protocol\":\"HTTP/1.1\",\"request_id\":\""
                + r.id()
                + "\"}";
    }

    /** {@link #TEXT_FORMAT} as nginx writes it: {@code \xHH} for a quote, {@code -} if empty. */
    static String asTextFormat(Request r) {
        return r.clientip()
                + " shop.example.com ["
                + TIME_LOCAL.format(r.time())
                + "] \""
                + r.method()
                + " "
                + r.url()
                + " HTTP/1.1\" "
                + r.status()
                + " 153 rt=0.004 \"-\" \""
                + r.agent().replace("\"", "\\x22")
                + "\" id="
                + r.id();
    }

    /** The {@code shop} format of {@link #NGINX_CONF}, with escape=json's escapes. */
    static String asShopJson(Request r) {
        return "{\"ts\":\""
                + TIME_ISO8601.format(r.time())
                + "\",\"ip\":\""
                + r.clientip()
                + "\",\"req\":\""
                + r.method()
                + " "
                + r.url()
                + " HTTP/1.1\",\"st\":"
                + r.status()
                + ",\"b\":153,\"ua\":\""
                + r.agent().replace("\"", "\\\"")
                + "\",\"vhost\":\"shop.example.com\"}";
    }

    @BeforeAll
    static void backtestTheTrafficInTheProjectsJson() throws Exception {
        alertsFromJson = backtest("json", BacktestLogFormatITCase::asAlertsJson);
        // Not vacuous: every attacker's rules fire on the reference input.
        assertThat(String.join("\n", alertsFromJson.keySet()))
                .contains("sensitive-file-probe\tclientip=" + SCANNER)
                .contains("scanner-user-agent\tclientip=" + SCANNER)
                .contains("login-brute-force\tclientip=" + BRUTE_FORCER)
                .contains("login-brute-force-success\tclientip=" + BRUTE_FORCER)
                .doesNotContain(VISITOR);
    }

    @Test
    void aCustomTextFormatGivenOnTheCommandLineGivesTheSameAlertsAsJson() throws Exception {
        assertThat(
                        backtest(
                                "text",
                                BacktestLogFormatITCase::asTextFormat,
                                "--input.log-format",
                                TEXT_FORMAT))
                .isEqualTo(alertsFromJson);
    }

    @Test
    void aCustomJsonFormatReadFromNginxConfGivesTheSameAlertsAsJson() throws Exception {
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, NGINX_CONF);
        assertThat(
                        backtest(
                                "shop",
                                BacktestLogFormatITCase::asShopJson,
                                "--input.log-format-file",
                                conf.toString(),
                                "--input.log-format-name",
                                "shop"))
                .isEqualTo(alertsFromJson);
    }

    /**
     * Writes {@link #traffic()} with {@code format} to a file, backtests it with {@code options}
     * and returns the alerts' rows; fails on any dead letter.
     */
    static Map<String, String> backtest(
            String name, Function<Request, String> format, String... options) throws Exception {
        Path input = dir.resolve(name + ".log");
        Files.write(input, traffic().stream().map(format).toList());
        Path output = dir.resolve(name + "-alerts.jsonl");
        Path dead = dir.resolve(name + "-dead.jsonl");
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        String[] args =
                Stream.concat(
                                Stream.of(
                                        "--input",
                                        input.toString(),
                                        "--output",
                                        output.toString(),
                                        "--dead-letters",
                                        dead.toString()),
                                Stream.of(options))
                        .toArray(String[]::new);
        int code = runBacktest(summary, args);
        String printed = summary.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isZero();
        assertThat(Files.readAllLines(dead)).as("dead letters of %s", name).isEmpty();
        return rows(Files.readAllLines(output));
    }
}
