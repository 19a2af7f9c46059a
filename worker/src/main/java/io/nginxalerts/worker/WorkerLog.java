package io.nginxalerts.worker;

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
                    .append(oneLine(formatMessage(r)));
            if (r.getThrown() != null) {
                appendTrace(sb, r.getThrown());
            }
            return Secrets.mask(sb.toString()) + System.lineSeparator();
        }

        /**
         * Messages can quote text from outside (a receiver's error body, a bad value, alert
         * fields): line breaks and control characters are escaped, so such text can neither start a
         * log line of its own nor drive a terminal.
         */
        static String oneLine(String text) {
            if (text == null) {
                return "null";
            }
            StringBuilder out = null;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean unsafe =
                        c < 0x20 || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029';
                if (unsafe && out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                if (out == null) {
                    continue;
                }
                if (!unsafe) {
                    out.append(c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (c == '\t') {
                    out.append("\\t");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
            return out == null ? text : out.toString();
        }

        /** The stack trace, one line per frame, with each exception's message on one line. */
        private static void appendTrace(StringBuilder sb, Throwable thrown) {
            String nl = System.lineSeparator();
            java.util.Set<Throwable> seen =
                    java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            String prefix = "";
            for (Throwable t = thrown; t != null && seen.add(t); t = t.getCause()) {
                sb.append(nl).append(prefix).append(oneLine(t.toString()));
                for (StackTraceElement frame : t.getStackTrace()) {
                    sb.append(nl).append("\tat ").append(frame);
                }
                for (Throwable suppressed : t.getSuppressed()) {
                    sb.append(nl).append("\tSuppressed: ").append(oneLine(suppressed.toString()));
                }
                prefix = "Caused by: ";
            }
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
