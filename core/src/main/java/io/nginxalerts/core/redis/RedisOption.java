package io.nginxalerts.core.redis;

import java.util.List;

/**
 * The Redis settings that the job and the worker share, with one name each: the option key (a
 * {@code --key} flag on both command lines, a key in the job's configuration), the environment
 * variable, the default and the help text. Old spellings of the worker stay accepted as {@link
 * #deprecatedFlags()} and {@link #deprecatedEnv()}; a caller that meets one prints a one-line
 * deprecation notice naming the new one.
 */
public enum RedisOption {
    URL(
            "redis.url",
            "REDIS_URL",
            "redis://localhost:6379",
            "Redis server: redis://[user[:password]@]host[:port][/db], or rediss:// for TLS."
                    + " Percent-encode reserved characters in the user and password (RFC 3986:"
                    + " '@' is %40, ':' %3A, '/' %2F, '%' %25, a space %20; '+' is a plain '+').",
            List.of(),
            List.of()),
    LIST(
            "redis.list",
            "REDIS_LIST",
            "nginx:alerts",
            "The Redis list that the job LPUSHes alerts onto and the worker drains.",
            List.of("--list"),
            List.of("ALERT_LIST")),
    PASSWORD_FILE(
            "redis.password-file",
            "REDIS_PASSWORD_FILE",
            null,
            "File whose content (one line) is the Redis password, used instead of a password in"
                    + " redis.url so that it is not on a command line; with it,"
                    + " redis://name@host names the ACL user.",
            List.of(),
            List.of()),
    TLS_CA_FILE(
            "redis.tls.ca-file",
            "REDIS_TLS_CA_FILE",
            null,
            "For rediss://: PEM file of the CA certificate(s) the Redis server's certificate must"
                    + " chain to (its host name is verified too). Default: the JVM's trust store.",
            List.of("--redis.tls-ca"),
            List.of("REDIS_TLS_CA"));

    private final String key;
    private final String env;
    private final String defaultValue;
    private final String description;
    private final List<String> deprecatedFlags;
    private final List<String> deprecatedEnv;

    RedisOption(
            String key,
            String env,
            String defaultValue,
            String description,
            List<String> deprecatedFlags,
            List<String> deprecatedEnv) {
        this.key = key;
        this.env = env;
        this.defaultValue = defaultValue;
        this.description = description;
        this.deprecatedFlags = deprecatedFlags;
        this.deprecatedEnv = deprecatedEnv;
    }

    /** The configuration key, e.g. {@code redis.url}; the flag is {@code --} and the key. */
    public String key() {
        return key;
    }

    /** The command-line flag: {@code --redis.url}. */
    public String flag() {
        return "--" + key;
    }

    /** The environment variable, e.g. {@code REDIS_URL}. */
    public String env() {
        return env;
    }

    /** The default value, or {@code null} when the option is off unless set. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** Flags that older versions of the worker used for this option. */
    public List<String> deprecatedFlags() {
        return deprecatedFlags;
    }

    /** Environment variables that older versions of the worker read for this option. */
    public List<String> deprecatedEnv() {
        return deprecatedEnv;
    }
}
