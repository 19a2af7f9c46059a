package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The Slack message for an alert, in Slack's mrkdwn. Alerts carry attacker-controlled text (URLs,
 * user agents, key values), so every such value is escaped before it is embedded:
 *
 * <ul>
 *   <li>{@code &}, {@code <}, {@code >} become {@code &amp;}, {@code &lt;}, {@code &gt;} (Slack's
 *       own rule), so no {@code <!channel>}, {@code <@U123>} or {@code <http://evil|bank>} can be
 *       formed;
 *   <li>{@code @channel}, {@code @here}, {@code @everyone} get a zero-width space after the
 *       {@code @}, in case a workspace parses bare mentions;
 *   <li>in plain text, {@code * _ ~ `} are wrapped in zero-width spaces so they cannot open or
 *       close bold, italics, strikethrough or code; in code spans (key values, evidence), where
 *       only a backtick can do harm, the backtick becomes {@code ˋ} (U+02CB);
 *   <li>control characters (line breaks) become spaces and long values are cut, so a value cannot
 *       fake further lines of the message.
 * </ul>
 */
final class SlackText {
    private static final char ZWSP = '\u200B';
    private static final int MAX_VALUE = 300;
    private static final int MAX_SUMMARY = 1_000;
    private static final int MAX_EVIDENCE_LINES = 3;

    private SlackText() {}

    /**
     * The first line: a firing record starts with {@code :rotating_light:}, a resolved one with
     * {@code :white_check_mark: *RESOLVED*}; then the severity and the rule.
     */
    static String headline(Alert alert) {
        String severity = alert.severity() == null ? "" : alert.severity().toUpperCase(Locale.ROOT);
        return (alert.resolved() ? ":white_check_mark: *RESOLVED* *[" : ":rotating_light: *[")
                + plain(severity, 40)
                + "] "
                + plain(alert.rule(), 200)
                + "*";
    }

    /**
     * The colour of the message's side bar, in Slack's attachment names: a resolved record is
     * {@code good} (green), a firing one {@code danger} (red) when critical, {@code warning}
     * (yellow) when a warning, blue otherwise; as Alertmanager's Slack notifications colour them.
     */
    static String color(Alert alert) {
        if (alert.resolved()) {
            return "good";
        }
        String severity = alert.severity() == null ? "" : alert.severity().toLowerCase(Locale.ROOT);
        return switch (severity) {
            case "critical" -> "danger";
            case "warning" -> "warning";
            default -> "#439FE0";
        };
    }

    /**
     * The lines after the headline: when a resolved record's episode ended, the key, count and
     * window, the summary, up to three evidence lines and the record's id.
     */
    static String details(Alert alert) {
        StringBuilder sb = new StringBuilder(512);
        if (alert.resolved()) {
            sb.append("*Ended:* ").append(Instant.ofEpochMilli(alert.endsAt())).append('\n');
        }
        sb.append("*Key:* ").append(code(keyText(alert.key()))).append('\n');
        long seconds = Duration.ofMillis(alert.lastSeen() - alert.firstSeen()).toSeconds();
        sb.append("*Count:* ")
                .append(alert.count())
                .append("   *Window:* ")
                .append(Instant.ofEpochMilli(alert.firstSeen()))
                .append(" to ")
                .append(Instant.ofEpochMilli(alert.lastSeen()))
                .append(" (")
                .append(seconds)
                .append("s)\n");
        sb.append("*Summary:* ").append(plain(alert.summary(), MAX_SUMMARY));
        int shown = 0;
        for (AccessEvent e : alert.evidence()) {
            if (shown++ == MAX_EVIDENCE_LINES) {
                break;
            }
            sb.append("\n• ").append(code(evidenceText(e)));
        }
        sb.append("\n_id ").append(plain(alert.id(), 100)).append('_');
        return sb.toString();
    }

    /** Escapes text shown as ordinary mrkdwn. */
    static String plain(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        String cut = flatten(s, max);
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            switch (c) {
                case '*', '_', '~', '`' -> sb.append(ZWSP).append(c).append(ZWSP);
                default -> appendEscaped(sb, cut, i, c);
            }
        }
        return sb.toString();
    }

    /** Escapes text and wraps it in a code span, where Slack applies no formatting. */
    static String code(String s) {
        String cut = flatten(s == null ? "" : s, MAX_VALUE);
        StringBuilder sb = new StringBuilder(cut.length() + 8).append('`');
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            if (c == '`') {
                sb.append('\u02CB');
            } else {
                appendEscaped(sb, cut, i, c);
            }
        }
        if (cut.isEmpty()) {
            sb.append(' ');
        }
        return sb.append('`').toString();
    }

    private static void appendEscaped(StringBuilder sb, String s, int i, char c) {
        switch (c) {
            case '&' -> sb.append("&amp;");
            case '<' -> sb.append("&lt;");
            case '>' -> sb.append("&gt;");
            case '@' -> {
                sb.append('@');
                String rest = s.substring(i + 1).toLowerCase(Locale.ROOT);
                if (rest.startsWith("channel")
                        || rest.startsWith("here")
                        || rest.startsWith("everyone")) {
                    sb.append(ZWSP);
                }
            }
            default -> sb.append(c);
        }
    }

    /** Control characters to spaces, then cut to {@code max} characters. */
    private static String flatten(String s, int max) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max + 1));
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (s.length() > max) {
            sb.append('…');
        }
        return sb.toString();
    }

    private static String keyText(Map<String, String> key) {
        StringBuilder sb = new StringBuilder();
        key.forEach(
                (k, v) -> {
                    if (sb.length() > 0) {
                        sb.append(", ");
                    }
                    sb.append(k).append('=').append(v);
                });
        return sb.toString();
    }

    private static String evidenceText(AccessEvent e) {
        StringBuilder sb = new StringBuilder();
        sb.append(Instant.ofEpochMilli(e.timestamp())).append(' ').append(e.clientip());
        if (e.method() != null) {
            sb.append(' ').append(e.method());
        }
        if (e.url() != null) {
            sb.append(' ').append(e.url());
        }
        if (e.status() != 0) {
            sb.append(' ').append(e.status());
        }
        if (e.agent() != null) {
            sb.append(" \"").append(e.agent()).append('"');
        }
        return sb.toString();
    }
}
