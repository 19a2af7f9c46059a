package io.nginxalerts.worker;

import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code nginx-alerts worker}: the entry point of the shaded jar. Exit status: 0 after SIGTERM or
 * SIGINT once the alert in hand is finished, 2 for an unknown option or a bad value (the message
 * names it), 1 for any other failure to start.
 */
public final class WorkerMain {
    private static final Logger LOG = Logger.getLogger(WorkerMain.class.getName());

    /** The status the JVM ends with when the shutdown hook halts it. */
    private static volatile int exitStatus = 0;

    private WorkerMain() {}

    public static void main(String[] args) {
        if (WorkerSettings.wantsHelp(args)) {
            System.out.print(WorkerSettings.usage());
            return;
        }
        WorkerSettings settings;
        try {
            settings = WorkerSettings.parse(args, System.getenv());
        } catch (WorkerSettings.InvalidSettingsException e) {
            System.err.println("nginx-alerts worker: " + Secrets.mask(e.getMessage()));
            System.exit(2);
            return;
        }
        Secrets.register(settings.secrets());
        WorkerLog.configure(Boolean.parseBoolean(System.getenv("WORKER_DEBUG")));
        List<Output> outputs = Outputs.create(settings, System.out);
        AlertDrainer drainer = new AlertDrainer(settings, outputs);
        MetricsServer metrics = null;
        if (settings.httpPort() >= 0) {
            try {
                metrics = new MetricsServer(settings.httpPort(), drainer);
                LOG.info("serving /health and /metrics on port " + metrics.port());
            } catch (IOException e) {
                System.err.println(
                        "nginx-alerts worker: --http-port "
                                + settings.httpPort()
                                + ": "
                                + e.getMessage());
                System.exit(1);
                return;
            }
        }
        MetricsServer server = metrics;
        Thread main = Thread.currentThread();
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    if (exitStatus != 0) {
                                        return; // main is failing and already in System.exit
                                    }
                                    LOG.info("stopping after the alert in hand");
                                    drainer.stop();
                                    try {
                                        // The loop returns within the BLMOVE timeout, or after
                                        // the shutdown grace if it is acknowledging an alert.
                                        main.join(
                                                settings.shutdownGrace().plusSeconds(5).toMillis());
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    // Without halt, a JVM ended by SIGTERM exits with 143.
                                    Runtime.getRuntime().halt(exitStatus);
                                },
                                "worker-shutdown"));
        try {
            drainer.run();
        } catch (RuntimeException e) {
            exitStatus = 1;
            LOG.log(Level.SEVERE, "worker failed", e);
            System.exit(1);
        } finally {
            outputs.forEach(Output::close);
            if (server != null) {
                server.close();
            }
            System.out.flush();
        }
    }
}
