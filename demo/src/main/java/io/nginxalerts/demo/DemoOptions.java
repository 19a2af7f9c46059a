package io.nginxalerts.demo;

import io.nginxalerts.core.time.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's command-line options, validated once; a bad one stops the demo before anything starts,
 * with a message naming it.
 *
 * @param rules a rules directory, or null for the rules bundled in the job
 * @param rulesReadyTimeout how long the job with changed rules has to run every task and complete a
 *     checkpoint before the old rules run again from the savepoint
 * @param accessLog a real nginx access log to read and follow, or null for generated traffic
 * @param once stop by itself once the input is consumed and every alert delivered
 * @param rate generated events per second
 * @param events with {@code once} and generated traffic: how many events to generate
 * @param webPort preferred port of the Flink web UI (another free one if taken)
 * @param seed seed of the generated traffic
 * @param inputOptions the job's {@code input.log-format*} options as given, for a custom log format
 *     of {@code accessLog}
 */
public record DemoOptions(
        Path rules,
        Duration rulesReadyTimeout,
        Path accessLog,
        boolean once,
        int rate,
        int events,
        int webPort,
        long seed,
        Map<String, String> inputOptions) {

    /** How long a job with changed rules has to get ready unless {@code --rules-ready-timeout}. */
    public static final Duration DEFAULT_RULES_READY_TIMEOUT = Duration.ofMinutes(1);

    public static final String USAGE =
            """
            usage: nginx-alerts demo [--rules DIR] [--access-log PATH] [--once]
                                     [--rate EVENTS_PER_S] [--events N] [--web-port 8081] [--seed N]
              --rules DIR         rules to run (default: the bundled rules/); watched: a saved
                                  change is applied to the running job through a savepoint
                                  (the plan is printed; an invalid file leaves the running rules)
              --rules-ready-timeout D
                                  time the job with changed rules has to run and checkpoint
                                  before the old rules run again from the savepoint (default 1m)
              --access-log PATH   read a real access log (JSON, combined, common, syslog...) from the start
                                  and follow it as nginx appends (survives log rotation)
              --once              stop by itself once the input is consumed and every alert is
                                  delivered, exit 0
              --rate N            generated events per second (default 100)
              --events N          with --once: generated events (default 6000)
              --web-port P        Flink web UI port (default 8081; a free one if taken)
              --seed N            seed of the generated traffic (default 42)
              --input.log-format FORMAT, or --input.log-format-file NGINX_CONF
                                  [--input.log-format-name NAME]
                                  the access log's own nginx log_format or Apache LogFormat
                                  (as for the job; JSON, combined, common, vhost_combined and
                                  syslog-wrapped lines are read without it)
            """;

    public static DemoOptions parse(String[] args) {
        Path rules = null;
        Duration rulesReadyTimeout = DEFAULT_RULES_READY_TIMEOUT;
        Path accessLog = null;
        boolean once = false;
        int rate = 100;
        int events = 6000;
        int webPort = 8081;
        long seed = 42;
        Map<String, String> inputOptions = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            switch (flag) {
                case "--once" -> once = true;
                case "--rules" -> {
                    rules = Path.of(value(flag, rest));
                    if (!Files.isDirectory(rules)) {
                        throw new IllegalArgumentException("--rules: not a directory: " + rules);
                    }
                }
                case "--rules-ready-timeout" -> {
                    String text = value(flag, rest);
                    rulesReadyTimeout = Durations.tryParse(text);
                    if (rulesReadyTimeout == null || rulesReadyTimeout.isZero()) {
                        throw new IllegalArgumentException(
                                flag + " must be a duration such as 500ms, 90s or 2m, was " + text);
                    }
                }
                case "--access-log" -> {
                    accessLog = Path.of(value(flag, rest));
                    if (!Files.isReadable(accessLog)) {
                        throw new IllegalArgumentException(
                                "--access-log: no such readable file: " + accessLog);
                    }
                }
                case "--rate" -> rate = positive(flag, value(flag, rest));
                case "--events" -> events = positive(flag, value(flag, rest));
                case "--web-port" -> webPort = positive(flag, value(flag, rest));
                case "--seed" -> seed = positive(flag, value(flag, rest));
                case "--input.log-format", "--input.log-format-file", "--input.log-format-name" ->
                        inputOptions.put(flag.substring(2), value(flag, rest));
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new DemoOptions(
                rules,
                rulesReadyTimeout,
                accessLog,
                once,
                rate,
                events,
                webPort,
                seed,
                Map.copyOf(inputOptions));
    }

    private static String value(String flag, List<String> rest) {
        if (rest.isEmpty() || rest.get(0).startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return rest.remove(0);
    }

    private static int positive(String flag, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " must be a positive integer, was " + value);
    }
}
