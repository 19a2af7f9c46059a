package io.nginxalerts.worker;

import io.nginxalerts.core.tls.RedisTls;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * Where Redis is: a parsed {@code redis://[user:password@]host[:port][/db]} or {@code rediss://}
 * (TLS) URL. {@link #toString()} and {@link #masked()} never show the password.
 *
 * @param password null when the URL has none; a user info without a colon is a password (the {@code
 *     redis://secret@host} form)
 * @param user an ACL user (Redis 6+); null authenticates as {@code default}
 * @param trustedCaPem for {@code rediss://}: PEM CA certificates the server certificate must chain
 *     to; null trusts the JVM's default trust store. The host name is verified either way.
 */
record RedisTarget(
        String host,
        int port,
        String user,
        String password,
        int database,
        boolean tls,
        String trustedCaPem) {

    static final int DEFAULT_PORT = 6379;

    RedisTarget(String host, int port, String user, String password, int database, boolean tls) {
        this(host, port, user, password, database, tls, null);
    }

    /**
     * This target trusting the CA certificates in {@code pem}.
     *
     * @throws IllegalArgumentException if the URL is not {@code rediss://} or the text holds no
     *     certificate
     */
    RedisTarget withTrustedCa(String pem) {
        if (!tls) {
            throw new IllegalArgumentException("a CA certificate needs a rediss:// URL");
        }
        RedisTls.validate(pem);
        return new RedisTarget(host, port, user, password, database, tls, pem);
    }

    /**
     * @throws IllegalArgumentException naming what is wrong; the message never holds the password
     */
    static RedisTarget parse(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            // The exception message echoes the input, password included.
            throw new IllegalArgumentException(
                    "'" + Secrets.maskUrlPasswords(url) + "' is not a valid URL");
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException(
                    "'" + Secrets.maskUrlPasswords(url) + "' is not a redis:// or rediss:// URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "'" + Secrets.maskUrlPasswords(url) + "' has no host");
        }
        String user = null;
        String password = null;
        String info = uri.getUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = info;
            } else {
                user = colon == 0 ? null : info.substring(0, colon);
                password = info.substring(colon + 1);
            }
        }
        int database = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "database '" + path.substring(1) + "' in the Redis URL is not a number");
            }
        }
        return new RedisTarget(
                uri.getHost(),
                uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
                user,
                password == null || password.isEmpty() ? null : password,
                database,
                "rediss".equals(scheme));
    }

    /** The URL with the password replaced by {@code ***}. */
    String masked() {
        String auth = "";
        if (password != null) {
            auth = (user == null ? "" : user) + ":***@";
        } else if (user != null) {
            auth = user + "@";
        }
        return (tls ? "rediss" : "redis") + "://" + auth + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return masked();
    }

    /**
     * A pooled client. Connections are made lazily, so this succeeds while Redis is down; broken
     * connections are dropped from the pool and replaced on the next command.
     *
     * @param blockingTimeout socket timeout for blocking commands (BLMOVE): longer than their own
     *     timeout, so that a server that vanished without closing the connection is noticed
     */
    RedisClient newClient(Duration blockingTimeout) {
        DefaultJedisClientConfig.Builder config =
                DefaultJedisClientConfig.builder()
                        .database(database)
                        .ssl(tls)
                        .connectionTimeoutMillis(2_000)
                        .socketTimeoutMillis(5_000)
                        .blockingSocketTimeoutMillis((int) blockingTimeout.toMillis());
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
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(8);
        pool.setMaxIdle(8);
        pool.setMaxWait(Duration.ofSeconds(5));
        // No testOnBorrow (a PING per command): a connection broken by a Redis restart fails one
        // command, which RedisGuard retries, and the pool replaces it.
        return RedisClient.builder()
                .hostAndPort(host, port)
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
    }
}
