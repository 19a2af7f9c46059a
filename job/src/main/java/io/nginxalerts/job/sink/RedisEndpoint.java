package io.nginxalerts.job.sink;

import io.nginxalerts.core.tls.RedisTls;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A Redis server address parsed from {@code redis://[user[:password]@]host[:port][/db]} or {@code
 * rediss://...} (TLS). {@link #toString()} never shows the password, so the endpoint can be logged
 * and shown in exceptions safely.
 *
 * @param user an ACL user (Redis 6+); null authenticates as {@code default} with the password only
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

    public RedisEndpoint(
            String host, int port, String user, String password, int database, boolean tls) {
        this(host, port, user, password, database, tls, null);
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

    public static RedisEndpoint parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a redis:// or rediss:// URL: " + redact(url));
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException(
                    "scheme must be redis:// or rediss://, was: " + redact(url));
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + redact(url));
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                // redis://secret@host is the common "password only" form.
                password = decode(userInfo);
            } else {
                user = colon == 0 ? null : decode(userInfo.substring(0, colon));
                password = decode(userInfo.substring(colon + 1));
            }
        }
        int database = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "database in " + redact(url) + " must be a number");
            }
        }
        return new RedisEndpoint(
                uri.getHost(),
                uri.getPort() < 0 ? 6379 : uri.getPort(),
                user,
                password,
                database,
                "rediss".equals(scheme));
    }

    /** The URL with any password replaced by {@code ***}. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(?<=://)([^:/@]*):[^@/]*@", "$1:***@")
                .replaceAll("(?<=://)([^:/@]+)@", "***@");
    }

    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://")
                + (user != null ? user + (password != null ? ":***" : "") + "@" : "")
                + (user == null && password != null ? "***@" : "")
                + host
                + ":"
                + port
                + (database != 0 ? "/" + database : "");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
