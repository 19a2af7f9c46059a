package io.nginxalerts.core.parse;

/**
 * Why a record went to the dead-letter output. The {@link #code()} is the stable string used in
 * dead-letter JSON, metric names and the backtest summary.
 */
public enum RejectReason {
    /** Zero bytes, or only white space. */
    EMPTY("empty"),
    /** Longer than the configured line limit. */
    TOO_LARGE("too_large"),
    /** Bytes that are not valid UTF-8 (or that contain NUL). */
    INVALID_UTF8("invalid_utf8"),
    /** Starts like JSON but is not a valid JSON object (truncated, too deeply nested, ...). */
    INVALID_JSON("invalid_json"),
    /** Neither nginx JSON nor a {@code combined} line. */
    UNRECOGNIZED_FORMAT("unrecognized_format"),
    /** A required field ({@code clientip} or {@code status}) is missing. */
    MISSING_FIELD("missing_field"),
    /** A field has a value of the wrong type or out of range (e.g. status 9999). */
    INVALID_FIELD("invalid_field"),
    /** No {@code @timestamp} (or combined time) that parses. */
    INVALID_TIMESTAMP("invalid_timestamp"),
    /** A timestamp further in the future than the allowed clock skew. */
    FUTURE_TIMESTAMP("future_timestamp"),
    /** Parsed, but arrived after the watermark had passed its timestamp. */
    LATE("late");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
