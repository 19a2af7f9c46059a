package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alert;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writes each alert as one line to stdout and flushes it: the alert JSON (default, so {@code worker
 * | jq} works) or a readable one-line text form. Log lines go to stderr, never here.
 */
final class StdoutOutput implements Output {
    private final PrintStream out;
    private final boolean text;

    StdoutOutput(PrintStream out, boolean text) {
        this.out = out;
        this.text = text;
    }

    @Override
    public String describe() {
        return text ? "stdout (text)" : "stdout (JSON lines)";
    }

    @Override
    public void deliver(Alert alert, String json) throws DeliveryException {
        out.println(text ? textLine(alert) : json);
        out.flush();
        // PrintStream swallows IOExceptions (e.g. the reader of a pipe exited).
        if (out.checkError()) {
            throw DeliveryException.retryable("writing to stdout failed");
        }
    }

    /**
     * {@code 2026-11-26T10:00:41.213Z WARNING client-errors-burst clientip=203.0.113.7 count=20
     * summary}. Control characters are replaced, so attacker-controlled text in a key or summary
     * cannot move the cursor or forge extra lines in a terminal.
     */
    static String textLine(Alert alert) {
        String key =
                alert.key().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(","));
        String line =
                Instant.ofEpochMilli(alert.detectedAt())
                        + " "
                        + (alert.severity() == null
                                ? ""
                                : alert.severity().toUpperCase(Locale.ROOT))
                        + " "
                        + alert.rule()
                        + " "
                        + key
                        + " count="
                        + alert.count()
                        + " "
                        + alert.summary();
        return printable(line);
    }

    static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints()
                .forEach(
                        cp -> {
                            if (Character.isISOControl(cp)
                                    || Character.getType(cp) == Character.FORMAT) {
                                sb.append('?');
                            } else {
                                sb.appendCodePoint(cp);
                            }
                        });
        return sb.toString();
    }
}
