package io.nginxalerts.worker;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * A worker running on a thread of this JVM, for the one-command demo: the same {@link AlertDrainer}
 * and outputs as the command-line worker, with the same options.
 */
public final class EmbeddedWorker implements AutoCloseable {
    private final AlertDrainer drainer;
    private final Thread thread;

    private EmbeddedWorker(AlertDrainer drainer) {
        this.drainer = drainer;
        this.thread = new Thread(drainer, "embedded-worker");
        this.thread.setDaemon(true);
    }

    /**
     * Starts a worker with command-line style options (environment variables are not read).
     *
     * @param stdout where the {@code stdout} outputs print
     */
    public static EmbeddedWorker start(String[] args, PrintStream stdout)
            throws WorkerSettings.InvalidSettingsException {
        WorkerSettings settings = WorkerSettings.parse(args, Map.of());
        Secrets.register(settings.secrets());
        List<Output> outputs = Outputs.create(settings, stdout);
        EmbeddedWorker worker = new EmbeddedWorker(new AlertDrainer(settings, outputs));
        worker.thread.start();
        return worker;
    }

    /** Alerts delivered to every output so far. */
    public long delivered() {
        return drainer.metrics().delivered.sum();
    }

    /** Values moved to the dead list so far (junk, or delivery failed for good). */
    public long dead() {
        return drainer.metrics().deadInvalid.sum() + drainer.metrics().deadUndeliverable.sum();
    }

    /** The line the worker logs on start: where it reads and where it delivers. */
    public String describe() {
        return drainer.startLine();
    }

    /** Stops after the alert in hand and releases the Redis connections. */
    @Override
    public void close() {
        drainer.close();
    }
}
