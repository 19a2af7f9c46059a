package io.nginxalerts.worker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Logging for the worker process: java.util.logging (Jedis' SLF4J output is routed into it), one
 * line per record on stderr, so stdout stays clean for alert JSON lines. Every line passes through
 * {@link Secrets#mask(String)}.
 */
final class WorkerLog {
    private WorkerLog() {}

    static void configure(boolean debug) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler stderr = new ConsoleHandler(); // ConsoleHandler writes to System.err
        stderr.setFormatter(new LineFormatter());
        stderr.setLevel(Level.ALL);
        root.addHandler(stderr);
        root.setLevel(Level.INFO);
        Logger.getLogger("io.nginxalerts").setLevel(debug ? Level.FINE : Level.INFO);
        // Jedis logs every failed reconnect attempt; the worker logs outages once itself.
        Logger.getLogger("redis.clients").setLevel(debug ? Level.FINE : Level.SEVERE);
    }

    /** {@code 2026-11-26T10:00:41.213Z WARN AlertDrainer: message}. */
    static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(160);
            sb.append(Instant.ofEpochMilli(r.getMillis()))
                    .append(' ')
                    .append(level(r.getLevel()))
                    .append(' ')
                    .append(shortName(r.getLoggerName()))
                    .append(": ")
                    .append(formatMessage(r));
            if (r.getThrown() != null) {
                StringWriter trace = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(trace));
                sb.append(System.lineSeparator()).append(trace.toString().stripTrailing());
            }
            return Secrets.mask(sb.toString()) + System.lineSeparator();
        }

        private static String level(Level level) {
            if (level.intValue() >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (level.intValue() >= Level.WARNING.intValue()) {
                return "WARN ";
            }
            return level.intValue() >= Level.INFO.intValue() ? "INFO " : "DEBUG";
        }

        private static String shortName(String logger) {
            if (logger == null) {
                return "";
            }
            int dot = logger.lastIndexOf('.');
            return dot < 0 ? logger : logger.substring(dot + 1);
        }
    }
}
