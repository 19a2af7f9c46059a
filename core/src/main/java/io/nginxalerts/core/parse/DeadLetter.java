package io.nginxalerts.core.parse;

import java.nio.charset.StandardCharsets;

/**
 * A record the job could not use, with where it came from and why. Serialised as JSON {@code
 * {reason, detail, raw, topic, partition, offset}} onto the dead-letter topic.
 *
 * <p>Guarantees: {@code raw} is at most {@link #MAX_RAW_CHARS} characters (longer input is cut and
 * marked with a trailing {@code …}); invalid UTF-8 bytes appear as U+FFFD.
 *
 * @param reason the {@link RejectReason#code()}
 * @param topic the Kafka topic, or the file name for file input
 * @param partition the Kafka partition (0 for files)
 * @param offset the Kafka offset, or the 1-based line number for files
 */
public record DeadLetter(
        String reason, String detail, String raw, String topic, int partition, long offset) {

    public static final int MAX_RAW_CHARS = 2048;

    public static DeadLetter of(
            RejectReason reason,
            String detail,
            byte[] raw,
            String topic,
            int partition,
            long offset) {
        int n = Math.min(raw == null ? 0 : raw.length, MAX_RAW_CHARS * 4);
        String text = raw == null ? "" : new String(raw, 0, n, StandardCharsets.UTF_8);
        return new DeadLetter(reason.code(), detail, truncate(text), topic, partition, offset);
    }

    static String truncate(String text) {
        if (text.length() <= MAX_RAW_CHARS) {
            return text;
        }
        return text.substring(0, MAX_RAW_CHARS) + "…";
    }
}
