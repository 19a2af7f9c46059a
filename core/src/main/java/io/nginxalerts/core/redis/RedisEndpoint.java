package io.nginxalerts.core.redis;

import io.nginxalerts.core.text.Ascii;
import io.nginxalerts.core.tls.RedisTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import redis.clients.jedis.DefaultJedisClientConfig;

/**
 * Where Redis is and how to log in: the one reading of a {@code redis://} or {@code rediss://} URL
 * for the job's sink, the worker, the demo and the bench, so that one URL means one thing
 * everywhere.
 *
 * <p>Guarantees: the user info is percent-decoded as RFC 3986 says ({@code %40} is {@code @},
 * {@code +} stays {@code +}; form decoding is never used); a user info without a colon is the
 * password ({@code redis://secret@host}, the form redis-cli and Jedis accept) unless a password
 * file is given, when it names the ACL user; an empty password is none. {@link #toString()} and
 * every exception message show the password as {@code ***}, never its text. Clients made from
 * {@link #clientConfig} verify the server certificate and its host name for {@code rediss://}.
 *
 * @param user an ACL user (Redis 6+); null authenticates as {@code default}
 * @param password null when there is none
 * @param trustedCaPem for {@code rediss://}: the PEM text of the CA certificates the server's
 *     certificate must chain to; null trusts the JVM's default trust store. The text, not a path,
 *     so the TaskManagers need no copy of the file.
 */
public record RedisEndpoint(
        String host,
        int port,
        String user,
        String password,
        int database,
        boolean tls,
        String trustedCaPem)
        implements Serializable {

    public static final int DEFAULT_PORT = 6379;

    private static final Pattern URL_USER_INFO =
            Pattern.compile("(?<=://)([^/@\\s:]*):[^@/\\s]*@|(?<=://)[^/@\\s:]+@");

    public RedisEndpoint(
            String host, int port, String user, String password, int database, boolean tls) {
        this(host, port, user, password, database, tls, null);
    }

    /**
     * Parses a Redis URL.
     *
     * @throws IllegalArgumentException naming what is wrong; the message never holds the password
     */
    public static RedisEndpoint parse(String url) {
        return parse(url, false);
    }

    /**
     * The endpoint for the three settings the job and the worker share, each checked here.
     *
     * @param passwordFile a file holding the password on one line, or null
     * @param caFile a PEM file of CA certificates for {@code rediss://}, or null
     * @throws InvalidRedisSetting naming the {@link RedisOption} that is wrong, never the password
     */
    public static RedisEndpoint fromSettings(String url, String passwordFile, String caFile) {
        RedisEndpoint endpoint;
        try {
            endpoint = parse(url, passwordFile != null);
        } catch (IllegalArgumentException e) {
            throw new InvalidRedisSetting(RedisOption.URL, e.getMessage(), e);
        }
        if (passwordFile != null) {
            if (endpoint.password() != null) {
                throw new InvalidRedisSetting(
                        RedisOption.PASSWORD_FILE,
                        RedisOption.URL.key() + " has a password already",
                        null);
            }
            endpoint = endpoint.withPassword(readPasswordFile(passwordFile));
        }
        if (caFile != null) {
            try {
                endpoint =
                        endpoint.withTrustedCa(
                                Files.readString(
                                        Path.of(caFile.trim()), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // An IOException's message is often just the path again; its class says why.
                throw new InvalidRedisSetting(
                        RedisOption.TLS_CA_FILE, "cannot read " + caFile.trim() + ": " + e, e);
            } catch (RuntimeException e) {
                throw new InvalidRedisSetting(
                        RedisOption.TLS_CA_FILE, caFile.trim() + ": " + e.getMessage(), e);
            }
        }
        return endpoint;
    }

    private static String readPasswordFile(String path) {
        String password;
        try {
            password = Files.readString(Path.of(path.trim()), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            // The path only, never the content.
            throw new InvalidRedisSetting(
                    RedisOption.PASSWORD_FILE, "cannot read " + path.trim(), e);
        }
        if (password.isEmpty() || password.contains("\n")) {
            throw new InvalidRedisSetting(
                    RedisOption.PASSWORD_FILE, path.trim() + " must hold one line", null);
        }
        return password;
    }

    /**
     * @param userInfoIsUser whether a user info without a colon names the user (a password comes
     *     from elsewhere) rather than being the password
     */
    private static RedisEndpoint parse(String url, boolean userInfoIsUser) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("no Redis URL (redis://host:port)");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            // Neither the input nor the exception's message (which echoes it) is shown: a
            // password with a raw space would slip past any masking.
            throw new IllegalArgumentException(
                    "the Redis URL is not a valid URL (percent-encode reserved characters in the"
                            + " user and password, e.g. a space as %20)");
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException(
                    "'" + redact(url) + "' is not a redis:// or rediss:// URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + redact(url) + "' has no host");
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                if (userInfoIsUser) {
                    user = percentDecode(info, url);
                } else {
                    password = percentDecode(info, url);
                }
            } else {
                user = colon == 0 ? null : percentDecode(info.substring(0, colon), url);
                password = percentDecode(info.substring(colon + 1), url);
            }
        }
        int database = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0) {
                throw new IllegalArgumentException(
                        "database '" + path.substring(1) + "' in the Redis URL is not a number");
            }
        }
        return new RedisEndpoint(
                uri.getHost(),
                uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
                user,
                password == null || password.isEmpty() ? null : password,
                database,
                "rediss".equals(scheme));
    }

    /** RFC 3986 percent-decoding: only {@code %XX} escapes (UTF-8); {@code +} is a plain plus. */
    static String percentDecode(String raw, String url) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Ascii.hexValue(raw.charAt(i + 1)) : -1;
                int lo = hi >= 0 ? Ascii.hexValue(raw.charAt(i + 2)) : -1;
                if (lo < 0) {
                    throw new IllegalArgumentException(
                            "'"
                                    + redact(url)
                                    + "' has a '%' that is not followed by two hex digits");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(
                    "'" + redact(url) + "' has percent escapes that are not UTF-8");
        }
    }

    /** This endpoint with the given password (e.g. read from a file) instead of the URL's. */
    public RedisEndpoint withPassword(String newPassword) {
        return new RedisEndpoint(host, port, user, newPassword, database, tls, trustedCaPem);
    }

    /**
     * This endpoint trusting the CA certificates in {@code pem} for TLS.
     *
     * @throws IllegalArgumentException if the endpoint is not {@code rediss://} or the text holds
     *     no certificate
     */
    public RedisEndpoint withTrustedCa(String pem) {
        if (!tls) {
            throw new IllegalArgumentException("a CA certificate needs a rediss:// URL");
        }
        RedisTls.validate(pem);
        return new RedisEndpoint(host, port, user, password, database, tls, pem);
    }

    /**
     * A Jedis client configuration that logs in as this endpoint says: database, user, password,
     * TLS with the trusted CA and host-name verification. Timeouts are the caller's.
     *
     * @param clientName shown by {@code CLIENT LIST} on the server
     */
    public DefaultJedisClientConfig.Builder clientConfig(String clientName) {
        DefaultJedisClientConfig.Builder config =
                DefaultJedisClientConfig.builder()
                        .database(database)
                        .ssl(tls)
                        .clientName(clientName);
        if (tls) {
            config.sslSocketFactory(RedisTls.socketFactory(trustedCaPem))
                    .sslParameters(RedisTls.verifyHostname());
        }
        if (user != null) {
            config.user(user);
        }
        if (password != null) {
            config.password(password);
        }
        return config;
    }

    /**
     * {@code text} with the user info of every URL in it masked: {@code redis://u:secret@h} becomes
     * {@code redis://u:***@h}, {@code redis://secret@h} becomes {@code redis://***@h}.
     */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        return URL_USER_INFO
                .matcher(text)
                .replaceAll(m -> m.group(1) != null ? m.group(1) + ":***@" : "***@");
    }

    /** The URL without its password: {@code redis://[user[:***]@]host:port/db}. */
    @Override
    public String toString() {
        String auth = "";
        if (password != null) {
            auth = (user == null ? "" : user) + ":***@";
        } else if (user != null) {
            auth = user + "@";
        }
        return (tls ? "rediss" : "redis") + "://" + auth + host + ":" + port + "/" + database;
    }

    /** A Redis setting is wrong; {@link #option()} says which, the message says why. */
    public static final class InvalidRedisSetting extends IllegalArgumentException {
        private final RedisOption option;

        InvalidRedisSetting(RedisOption option, String message, Throwable cause) {
            super(message, cause);
            this.option = option;
        }

        public RedisOption option() {
            return option;
        }
    }
}
