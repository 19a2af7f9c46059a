package io.nginxalerts.job.source;

import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.core.parse.LogFormat;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.core.parse.RejectReason;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;

/**
 * Turns raw bytes plus their origin into a {@link ParsedRecord}; shared by the Kafka and the file
 * source so both read exactly the same way. Never throws.
 */
public final class RecordParser implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int maxLineBytes;
    private final Duration maxFutureSkew;

    /** The custom text format of {@code input.log-format*}, or null. */
    private final LogFormat logFormat;

    private transient LogParser parser;

    public RecordParser(int maxLineBytes, Duration maxFutureSkew) {
        this(maxLineBytes, maxFutureSkew, null);
    }

    public RecordParser(int maxLineBytes, Duration maxFutureSkew, LogFormat logFormat) {
        this.maxLineBytes = maxLineBytes;
        this.maxFutureSkew = maxFutureSkew;
        this.logFormat = logFormat;
    }

    public int maxLineBytes() {
        return maxLineBytes;
    }

    public ParsedRecord parse(byte[] raw, String origin, int partition, long offset) {
        if (parser == null) {
            parser =
                    new LogParser(
                            new ParserSettings(
                                    maxLineBytes, maxFutureSkew, Clock.systemUTC(), logFormat));
        }
        if (raw == null) {
            return rejected(
                    RejectReason.EMPTY,
                    "record without a value",
                    new byte[0],
                    origin,
                    partition,
                    offset);
        }
        ParseResult result = parser.parse(raw);
        if (result.isEvent()) {
            return new ParsedRecord(result.event(), null, origin, partition, offset);
        }
        return rejected(result.reason(), result.detail(), raw, origin, partition, offset);
    }

    /** A dead letter for input that never reached the parser (e.g. a line over the limit). */
    public ParsedRecord rejected(
            RejectReason reason,
            String detail,
            byte[] raw,
            String origin,
            int partition,
            long offset) {
        return new ParsedRecord(
                null,
                DeadLetter.of(reason, detail, raw, origin, partition, offset),
                origin,
                partition,
                offset);
    }
}
