package io.nginxalerts.worker;

import io.nginxalerts.core.redis.RedisEndpoint;
import io.nginxalerts.core.redis.RedisOption;
import io.nginxalerts.core.time.Durations;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of the worker, validated. Built by {@link #parse} from command-line flags and
 * environment variables: a flag wins over its environment variable, which wins over the default. An
 * unknown flag or a bad value is an {@link InvalidSettingsException} whose message names the flag
 * or variable (the launcher exits with status 2).
 */
public record WorkerSettings(
        RedisEndpoint redis,
        String list,
        String deadList,
        List<OutputSpec> outputs,
        String workerId,
        Duration dedupTtl,
        int maxAttempts,
        Duration retryBackoff,
        Duration retryBackoffMax,
        Duration retryAfterMax,
        List<HttpHeader> webhookHeaders,
        Duration webhookConnectTimeout,
        Duration webhookTimeout,
        Duration heartbeatTtl,
        Duration reconnectBackoffMax,
        Duration statsInterval,
        Duration shutdownGrace,
        int httpPort,
        String alertmanagerGeneratorUrl,
        Duration alertmanagerResendEvery,
        int alertmanagerMaxFiring) {

    /** How long one BLMOVE blocks: the loop notices a stop request within about this time. */
    static final Duration POP_TIMEOUT = Duration.ofSeconds(1);

    /** A flag or environment variable was wrong; the message names it. */
    public static final class InvalidSettingsException extends Exception {
        InvalidSettingsException(String message) {
            super(message);
        }
    }

    /** The options, their environment variables, defaults and help text, in help order. */
    enum Option {
        REDIS_URL(RedisOption.URL, RedisOption.URL.defaultValue()),
        REDIS_PASSWORD_FILE(RedisOption.PASSWORD_FILE, "the URL's password, if any"),
        REDIS_TLS_CA_FILE(RedisOption.TLS_CA_FILE, "the JVM's trust store"),
        LIST(RedisOption.LIST, RedisOption.LIST.defaultValue()),
        DEAD_LIST(
                "--dead-list",
                "WORKER_DEAD_LIST",
                "<list>:dead",
                "where invalid values and undeliverable alerts go, as JSON {reason,value,worker,at}"),
        OUTPUT(
                "--output",
                "WORKER_OUTPUTS",
                "stdout",
                "stdout | stdout:text | file:PATH | webhook:URL | slack:URL | alertmanager:URL;"
                        + " repeat the flag (env: comma-separated) to deliver to several"),
        WORKER_ID(
                "--worker-id",
                "WORKER_ID",
                "the host name",
                "names this worker's processing list; keep it across restarts, unique among"
                        + " running workers"),
        DEDUP_TTL(
                "--dedup-ttl",
                "WORKER_DEDUP_TTL",
                "24h",
                "how long a delivered alert id is remembered to drop duplicates"),
        MAX_ATTEMPTS(
                "--max-attempts",
                "WORKER_MAX_ATTEMPTS",
                "5",
                "delivery attempts before an alert goes to the dead list"),
        RETRY_BACKOFF(
                "--retry-backoff",
                "WORKER_RETRY_BACKOFF",
                "1s",
                "pause after the first failed attempt; doubles each time, with jitter"),
        RETRY_BACKOFF_MAX(
                "--retry-backoff-max",
                "WORKER_RETRY_BACKOFF_MAX",
                "1m",
                "longest pause between attempts"),
        RETRY_AFTER_MAX(
                "--retry-after-max",
                "WORKER_RETRY_AFTER_MAX",
                "5m",
                "cap on a receiver's Retry-After (HTTP 429)"),
        WEBHOOK_HEADER(
                "--webhook-header",
                "WORKER_WEBHOOK_HEADERS",
                "none",
                "'Name: value' sent with every webhook request; ${ENV:NAME} in the value reads"
                        + " an environment variable; repeat the flag (env: one per line)"),
        WEBHOOK_CONNECT_TIMEOUT(
                "--webhook-connect-timeout",
                "WORKER_WEBHOOK_CONNECT_TIMEOUT",
                "5s",
                "TCP/TLS connect timeout for webhook and Slack requests"),
        WEBHOOK_TIMEOUT(
                "--webhook-timeout",
                "WORKER_WEBHOOK_TIMEOUT",
                "10s",
                "timeout for the answer to a webhook or Slack request"),
        HEARTBEAT_TTL(
                "--heartbeat-ttl",
                "WORKER_HEARTBEAT_TTL",
                "30s",
                "a worker silent this long is dead; live workers move its alerts back to the list"),
        RECONNECT_BACKOFF_MAX(
                "--reconnect-backoff-max",
                "WORKER_RECONNECT_BACKOFF_MAX",
                "10s",
                "longest pause between attempts to reach Redis during an outage"),
        STATS_INTERVAL(
                "--stats-interval",
                "WORKER_STATS_INTERVAL",
                "1m",
                "how often the counters are logged"),
        SHUTDOWN_GRACE(
                "--shutdown-grace",
                "WORKER_SHUTDOWN_GRACE",
                "10s",
                "on SIGTERM, how long to keep trying to acknowledge the alert in hand"),
        HTTP_PORT(
                "--http-port",
                "WORKER_HTTP_PORT",
                "off",
                "serve /health and /metrics (Prometheus) on this port"),
        ALERTMANAGER_GENERATOR_URL(
                "--alertmanager.generator-url",
                "WORKER_ALERTMANAGER_GENERATOR_URL",
                "none",
                "the generatorURL of alerts sent to Alertmanager (e.g. the Flink web UI)"),
        ALERTMANAGER_RESEND_EVERY(
                "--alertmanager.resend-every",
                "WORKER_ALERTMANAGER_RESEND_EVERY",
                "1m",
                "re-send firing alerts to Alertmanager this often until resolved; keep it well"
                        + " under Alertmanager's resolve_timeout (5m by default)"),
        ALERTMANAGER_MAX_FIRING(
                "--alertmanager.max-firing",
                "WORKER_ALERTMANAGER_MAX_FIRING",
                "1000",
                "most firing alerts re-sent; beyond it the oldest is dropped (logged, counted)");

        final String flag;
        final String env;
        final String defaultText;
        final String help;
        final List<String> deprecatedFlags;
        final List<String> deprecatedEnv;

        Option(String flag, String env, String defaultText, String help) {
            this.flag = flag;
            this.env = env;
            this.defaultText = defaultText;
            this.help = help;
            this.deprecatedFlags = List.of();
            this.deprecatedEnv = List.of();
        }

        /** An option the job has too: its names and help come from the shared definition. */
        Option(RedisOption shared, String defaultText) {
            this.flag = shared.flag();
            this.env = shared.env();
            this.defaultText = defaultText;
            this.help = shared.description();
            this.deprecatedFlags = shared.deprecatedFlags();
            this.deprecatedEnv = shared.deprecatedEnv();
        }

        String deprecationNotice(String old) {
            return "nginx-alerts worker: "
                    + old
                    + " is deprecated, use "
                    + (deprecatedEnv.contains(old) ? env : flag)
                    + " (the name the job uses too)";
        }

        boolean repeatable() {
            return this == OUTPUT || this == WEBHOOK_HEADER;
        }
    }

    private static final Pattern WORKER_ID_PATTERN =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{ENV:([A-Za-z_][A-Za-z0-9_]*)}");

    public WorkerSettings {
        outputs = List.copyOf(outputs);
        webhookHeaders = List.copyOf(webhookHeaders);
    }

    /** True if the arguments ask for the usage text. */
    public static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the settings; flags win over environment variables, which win over defaults.
     *
     * @throws InvalidSettingsException naming the flag or variable that is unknown or wrong
     */
    public static WorkerSettings parse(String[] args, Map<String, String> env)
            throws InvalidSettingsException {
        return parse(args, env, System.err::println);
    }

    /**
     * As {@link #parse(String[], Map)}, telling {@code notices} one line for each deprecated flag
     * or environment variable that was used.
     */
    public static WorkerSettings parse(
            String[] args, Map<String, String> env, Consumer<String> notices)
            throws InvalidSettingsException {
        Map<Option, List<String>> flags = new EnumMap<>(Option.class);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new InvalidSettingsException(
                        "unexpected argument '" + arg + "' (options start with --, see --help)");
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            Option option = byFlag(name);
            if (!option.flag.equals(name)) {
                notices.accept(option.deprecationNotice(name));
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new InvalidSettingsException("option " + name + " needs a value");
                }
                value = args[++i];
            }
            List<String> values = flags.computeIfAbsent(option, o -> new ArrayList<>());
            if (!option.repeatable() && !values.isEmpty()) {
                throw new InvalidSettingsException("option " + name + " given twice");
            }
            values.add(value);
        }
        return new Reader(flags, env, notices).read();
    }

    private static Option byFlag(String flag) throws InvalidSettingsException {
        for (Option o : Option.values()) {
            if (o.flag.equals(flag) || o.deprecatedFlags.contains(flag)) {
                return o;
            }
        }
        throw new InvalidSettingsException("unknown option " + flag + " (see --help)");
    }

    /** The usage text for {@code --help}. */
    public static String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: nginx-alerts worker [options]\n\n")
                .append("Drains the Redis alert list and delivers each alert to the outputs.\n")
                .append("Every option can also be set by its environment variable; flags win.\n\n");
        for (Option o : Option.values()) {
            sb.append(
                    String.format(
                            "  %-28s %-32s default: %s%n",
                            o.flag + " VALUE", o.env, o.defaultText));
            sb.append("      ").append(o.help).append('\n');
        }
        sb.append("\nDurations: 500ms, 30s, 10m, 24h, 1d.\n");
        return sb.toString();
    }

    /** The processing list, heartbeat, seen and dead key names for these settings. */
    RedisKeys keys() {
        return new RedisKeys(list, deadList);
    }

    /** Everything that must never appear in a log line. */
    List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        if (redis.password() != null) {
            secrets.add(redis.password());
        }
        for (OutputSpec o : outputs) {
            secrets.addAll(o.secrets());
        }
        for (HttpHeader h : webhookHeaders) {
            secrets.add(h.value());
        }
        return secrets;
    }

    /** Resolves each option from its flag, then its environment variable, then the default. */
    private static final class Reader {
        private final Map<Option, List<String>> flags;
        private final Map<String, String> env;
        private final Consumer<String> notices;

        Reader(Map<Option, List<String>> flags, Map<String, String> env, Consumer<String> notices) {
            this.flags = flags;
            this.env = env;
            this.notices = notices;
        }

        WorkerSettings read() throws InvalidSettingsException {
            String list = nonBlank(Option.LIST, RedisOption.LIST.defaultValue());
            String dead = nonBlank(Option.DEAD_LIST, list + ":dead");
            Duration backoff = duration(Option.RETRY_BACKOFF, "1s", Duration.ZERO);
            Duration backoffMax = duration(Option.RETRY_BACKOFF_MAX, "1m", Duration.ZERO);
            if (backoffMax.compareTo(backoff) < 0) {
                throw invalid(
                        Option.RETRY_BACKOFF_MAX,
                        "must not be shorter than " + Option.RETRY_BACKOFF.flag);
            }
            return new WorkerSettings(
                    redis(),
                    list,
                    dead,
                    outputs(),
                    workerId(),
                    duration(Option.DEDUP_TTL, "24h", Duration.ofSeconds(1)),
                    positiveInt(Option.MAX_ATTEMPTS, "5", 1_000),
                    backoff,
                    backoffMax,
                    duration(Option.RETRY_AFTER_MAX, "5m", Duration.ZERO),
                    headers(),
                    duration(Option.WEBHOOK_CONNECT_TIMEOUT, "5s", Duration.ofMillis(1)),
                    duration(Option.WEBHOOK_TIMEOUT, "10s", Duration.ofMillis(1)),
                    duration(Option.HEARTBEAT_TTL, "30s", Duration.ofSeconds(1)),
                    duration(Option.RECONNECT_BACKOFF_MAX, "10s", Duration.ofMillis(10)),
                    duration(Option.STATS_INTERVAL, "1m", Duration.ofSeconds(1)),
                    duration(Option.SHUTDOWN_GRACE, "10s", Duration.ZERO),
                    httpPort(),
                    generatorUrl(),
                    duration(Option.ALERTMANAGER_RESEND_EVERY, "1m", Duration.ofSeconds(1)),
                    positiveInt(Option.ALERTMANAGER_MAX_FIRING, "1000", 1_000_000));
        }

        /** The flag's value, else the environment variable's, else null. */
        private Source single(Option o) {
            List<String> values = flags.get(o);
            if (values != null) {
                return new Source(o.flag, values.get(0));
            }
            String v = env.get(o.env);
            if (v != null && !v.isBlank()) {
                return new Source(o.env, v);
            }
            for (String old : o.deprecatedEnv) {
                v = env.get(old);
                if (v != null && !v.isBlank()) {
                    notices.accept(o.deprecationNotice(old));
                    return new Source(old, v);
                }
            }
            return null;
        }

        /** Flag values if any flag was given, else the environment variable split. */
        private List<Source> multi(Option o, String envSeparator) {
            List<Source> out = new ArrayList<>();
            List<String> values = flags.get(o);
            if (values != null) {
                values.forEach(v -> out.add(new Source(o.flag, v)));
                return out;
            }
            String v = env.get(o.env);
            if (v != null) {
                for (String part : v.split(envSeparator)) {
                    if (!part.isBlank()) {
                        out.add(new Source(o.env, part.trim()));
                    }
                }
            }
            return out;
        }

        private RedisEndpoint redis() throws InvalidSettingsException {
            Source url = single(Option.REDIS_URL);
            Source passwordFile = single(Option.REDIS_PASSWORD_FILE);
            Source ca = single(Option.REDIS_TLS_CA_FILE);
            try {
                return RedisEndpoint.fromSettings(
                        url == null ? RedisOption.URL.defaultValue() : url.value,
                        passwordFile == null ? null : passwordFile.value,
                        ca == null ? null : ca.value);
            } catch (RedisEndpoint.InvalidRedisSetting e) {
                Option o =
                        switch (e.option()) {
                            case URL -> Option.REDIS_URL;
                            case PASSWORD_FILE -> Option.REDIS_PASSWORD_FILE;
                            case TLS_CA_FILE -> Option.REDIS_TLS_CA_FILE;
                            case LIST -> Option.LIST;
                        };
                throw invalid(single(o), o, e.getMessage());
            }
        }

        private List<OutputSpec> outputs() throws InvalidSettingsException {
            List<OutputSpec> outputs = new ArrayList<>();
            for (Source s : multi(Option.OUTPUT, ",")) {
                try {
                    outputs.add(OutputSpec.parse(expandEnv(s)));
                } catch (IllegalArgumentException e) {
                    throw new InvalidSettingsException(s.name + ": " + e.getMessage());
                }
            }
            if (outputs.isEmpty()) {
                outputs.add(OutputSpec.parse("stdout"));
            }
            return outputs;
        }

        private List<HttpHeader> headers() throws InvalidSettingsException {
            List<HttpHeader> headers = new ArrayList<>();
            for (Source s : multi(Option.WEBHOOK_HEADER, "\n")) {
                int colon = s.value.indexOf(':');
                String name = colon < 0 ? "" : s.value.substring(0, colon).trim();
                if (!HEADER_NAME.matcher(name).matches()) {
                    throw new InvalidSettingsException(
                            s.name
                                    + ": expected 'Name: value', e.g. 'Authorization: Bearer"
                                    + " ${ENV:TOKEN}'");
                }
                String value = expandEnv(new Source(s.name, s.value.substring(colon + 1).trim()));
                try {
                    // The JDK refuses some headers (Host, Content-Length, ...); say so at start.
                    HttpRequest.newBuilder().header(name, value);
                } catch (IllegalArgumentException e) {
                    throw new InvalidSettingsException(
                            s.name
                                    + ": header "
                                    + name
                                    + " cannot be set ("
                                    + e.getMessage().replace(value, "***")
                                    + ")");
                }
                headers.add(new HttpHeader(name, value));
            }
            return headers;
        }

        private String workerId() throws InvalidSettingsException {
            Source s = single(Option.WORKER_ID);
            String id = s == null ? defaultWorkerId(env) : s.value.trim();
            if (!WORKER_ID_PATTERN.matcher(id).matches()) {
                throw invalid(
                        s,
                        Option.WORKER_ID,
                        "'"
                                + id
                                + "' is not a worker id (letters,"
                                + " digits and . _ @ -, at most 128)");
            }
            return id;
        }

        private String generatorUrl() throws InvalidSettingsException {
            Source s = single(Option.ALERTMANAGER_GENERATOR_URL);
            if (s == null) {
                return null;
            }
            String url = s.value.trim();
            try {
                java.net.URI uri = new java.net.URI(url);
                if (uri.getScheme() != null && uri.getHost() != null) {
                    return url;
                }
            } catch (java.net.URISyntaxException e) {
                // Reported below.
            }
            throw invalid(
                    s,
                    Option.ALERTMANAGER_GENERATOR_URL,
                    "'" + url + "' is not an absolute URL, e.g. http://flink:8081/");
        }

        private int httpPort() throws InvalidSettingsException {
            Source s = single(Option.HTTP_PORT);
            if (s == null || s.value.equals("off")) {
                return -1;
            }
            try {
                int port = Integer.parseInt(s.value.trim());
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // Reported below.
            }
            throw invalid(s, Option.HTTP_PORT, "'" + s.value + "' is not a port (0-65535)");
        }

        private String nonBlank(Option o, String fallback) {
            Source s = single(o);
            return s == null ? fallback : s.value.trim();
        }

        private Duration duration(Option o, String fallback, Duration min)
                throws InvalidSettingsException {
            Source s = single(o);
            Duration d;
            try {
                d = Durations.parse(s == null ? fallback : s.value);
            } catch (IllegalArgumentException e) {
                throw invalid(s, o, e.getMessage());
            }
            if (d.compareTo(min) < 0) {
                throw invalid(s, o, "must be at least " + Durations.format(min));
            }
            return d;
        }

        private int positiveInt(Option o, String fallback, int max)
                throws InvalidSettingsException {
            Source s = single(o);
            String text = s == null ? fallback : s.value.trim();
            try {
                int n = Integer.parseInt(text);
                if (n >= 1 && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // Reported below.
            }
            throw invalid(s, o, "'" + text + "' is not a whole number from 1 to " + max);
        }

        /** Replaces {@code ${ENV:NAME}} by the variable's value. */
        private String expandEnv(Source s) throws InvalidSettingsException {
            Matcher m = ENV_REF.matcher(s.value);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String v = env.get(m.group(1));
                if (v == null) {
                    throw new InvalidSettingsException(
                            s.name + ": environment variable " + m.group(1) + " is not set");
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(v));
            }
            m.appendTail(sb);
            return sb.toString();
        }

        private InvalidSettingsException invalid(Option o, String message) {
            return invalid(single(o), o, message);
        }

        private static InvalidSettingsException invalid(Source s, Option o, String message) {
            return new InvalidSettingsException(name(s, o) + ": " + message);
        }

        private static String name(Source s, Option o) {
            return s == null ? o.flag : s.name;
        }
    }

    /** A raw value and the flag or environment variable it came from. */
    private record Source(String name, String value) {}

    /**
     * The host name: stable across restarts of the same host (or container with a fixed name),
     * unlike hostname-pid, so a restarted worker finds its own processing list again.
     */
    static String defaultWorkerId(Map<String, String> env) {
        String host = env.get("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = Files.readString(Path.of("/etc/hostname")).trim();
            } catch (IOException | RuntimeException e) {
                host = null;
            }
        }
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "worker";
            }
        }
        String id = host.trim().replaceAll("[^A-Za-z0-9._@-]", "-");
        return id.isEmpty() || !Character.isLetterOrDigit(id.charAt(0)) ? "worker-" + id : id;
    }
}
