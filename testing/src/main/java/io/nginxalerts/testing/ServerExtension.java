package io.nginxalerts.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Any server for the tests of one class: started before the class's first test, closed after its
 * last one, also when a test fails. {@code @Nested} classes share the outer class's server.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ServerExtension<LocalFlinkCluster> FLINK =
 *         new ServerExtension<>(() -> LocalFlinkCluster.start("MyITCase"));
 * }</pre>
 *
 * @param <T> the server, closed with {@link AutoCloseable#close()}
 */
public final class ServerExtension<T extends AutoCloseable>
        implements BeforeAllCallback, AfterAllCallback {
    /** Starts the server; returns once it serves. */
    @FunctionalInterface
    public interface Starter<T> {
        T start() throws Exception;
    }

    private final Starter<T> starter;
    private T server;
    private String startedBy;

    public ServerExtension(Starter<T> starter) {
        this.starter = starter;
    }

    /** The running server; fails outside the class's tests. */
    public T get() {
        if (server == null) {
            throw new IllegalStateException(
                    "not started: register this extension on a static field with"
                            + " @RegisterExtension");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (server == null) {
            server = starter.start();
            startedBy = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null && context.getUniqueId().equals(startedBy)) {
            T s = server;
            server = null;
            startedBy = null;
            s.close();
        }
    }
}
