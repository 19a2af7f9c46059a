package io.nginxalerts.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/**
 * A {@link LocalRedis} server for the tests of one class: started before the class's first test,
 * closed after its last one (with its {@link #client()} and TLS files), also when a test fails.
 *
 * <pre>{@code
 * @RegisterExtension static final RedisExtension REDIS = new RedisExtension().freshPerTest();
 * }</pre>
 */
public final class RedisExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final List<String> settings;
    private final ServerExtension<Servers> server = new ServerExtension<>(this::startServers);
    private boolean tls;
    private boolean freshPerTest;

    /** A server with these extra {@code redis.conf} lines (e.g. {@code user ...} ACL lines). */
    public RedisExtension(String... settings) {
        this.settings = List.of(settings);
    }

    /**
     * The server also listens with TLS, on {@link #tlsPort()}, with a certificate for 127.0.0.1 and
     * localhost signed by the CA in {@link #tls()}; {@link #port()} stays plain.
     */
    public RedisExtension withTls() {
        this.tls = true;
        return this;
    }

    /**
     * Before each test: the server is started again if a test stopped it, emptied with {@code
     * FLUSHALL} (as the default user, which must then have no password), and {@link #client()} is a
     * new one.
     */
    public RedisExtension freshPerTest() {
        this.freshPerTest = true;
        return this;
    }

    /** The running server; fails outside the class's tests. */
    public LocalRedis server() {
        return server.get().redis;
    }

    /** {@code redis://127.0.0.1:<port>}, the plain port. */
    public String url() {
        return server().url();
    }

    public int port() {
        return server().port();
    }

    /** The TLS port (after {@link #withTls()}). */
    public int tlsPort() {
        return servers().tlsPort;
    }

    /** The CA and server certificate (after {@link #withTls()}). */
    public TestTls tls() {
        TestTls certs = servers().tls;
        if (certs == null) {
            throw new IllegalStateException("no TLS: create the extension withTls()");
        }
        return certs;
    }

    /** A client on the plain port as the default user, opened once and closed after the class. */
    public RedisClient client() {
        Servers s = servers();
        synchronized (s) {
            if (s.client == null) {
                s.client = RedisClient.create(s.redis.url());
            }
            return s.client;
        }
    }

    /** Stops the server; clients see connection errors until {@link #startAgain()}. */
    public void stop() {
        server().stop();
    }

    /** Starts the server again on the same port; returns once it accepts connections. */
    public void startAgain() {
        server().startAgain();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!freshPerTest) {
            return;
        }
        Servers s = servers();
        s.redis.startAgain();
        // A test that stopped the server left the shared client's pool with dead connections.
        s.closeClient();
        try (Jedis jedis = new Jedis("127.0.0.1", s.redis.port())) {
            jedis.flushAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        server.afterAll(context);
    }

    private Servers servers() {
        return server.get();
    }

    private Servers startServers() throws Exception {
        if (!tls) {
            return new Servers(LocalRedis.start(settings.toArray(String[]::new)), null, 0);
        }
        TestTls certs = TestTls.forLoopback();
        try {
            int tlsPort = Ports.free();
            return new Servers(
                    certs.startRedis(tlsPort, settings.toArray(String[]::new)), certs, tlsPort);
        } catch (RuntimeException | Error e) {
            certs.close();
            throw e;
        }
    }

    /** What one class's tests share: the server, its certificates, a client. */
    private static final class Servers implements AutoCloseable {
        final LocalRedis redis;
        final TestTls tls;
        final int tlsPort;
        RedisClient client;

        Servers(LocalRedis redis, TestTls tls, int tlsPort) {
            this.redis = redis;
            this.tls = tls;
            this.tlsPort = tlsPort;
        }

        synchronized void closeClient() {
            if (client != null) {
                client.close();
                client = null;
            }
        }

        @Override
        public void close() throws Exception {
            try {
                if (client != null) {
                    client.close();
                }
            } finally {
                try {
                    redis.close();
                } finally {
                    if (tls != null) {
                        tls.close();
                    }
                }
            }
        }
    }
}
