package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * Text that reaches a log line can come from outside (a receiver's error body, a decoder message
 * quoting a bad value, an alert's fields): it cannot start a line of its own that looks like one
 * the worker wrote, nor drive the terminal.
 */
class LogForgingTest {
    @Test
    void aLogMessageWithLineBreaksAndControlCharactersStaysOneLine() {
        String forged =
                "delivery failed: HTTP 500 oops\n2026-11-26T10:00:00Z INFO  AlertDrainer: all"
                        + " good\r\u2028\u2029\u0085\u001b[2J\u0000";
        LogRecord record = new LogRecord(Level.WARNING, forged);
        record.setLoggerName("io.nginxalerts.worker.Delivery");

        String line = new WorkerLog.LineFormatter().format(record);

        assertThat(line).endsWith(System.lineSeparator());
        String body = line.substring(0, line.length() - System.lineSeparator().length());
        assertThat(body.lines()).hasSize(1);
        assertThat(body)
                .contains("oops\\n2026-11-26T10:00:00Z INFO  AlertDrainer: all good\\r")
                .contains("\\u2028\\u2029\\u0085\\u001b[2J\\u0000");
        assertThat(body.chars().filter(c -> c < 0x20 || c == 0x7f)).isEmpty();
    }

    @Test
    void aStackTraceStillSpansItsOwnLinesButItsMessageCannotForgeOne() {
        LogRecord record = new LogRecord(Level.SEVERE, "failed");
        record.setLoggerName("io.nginxalerts.worker.AlertDrainer");
        record.setThrown(new IllegalStateException("bad\nFAKE LINE"));

        String text = new WorkerLog.LineFormatter().format(record);

        assertThat(text.lines()).noneMatch(l -> l.startsWith("FAKE LINE"));
        assertThat(text).contains("bad\\nFAKE LINE");
    }
}
