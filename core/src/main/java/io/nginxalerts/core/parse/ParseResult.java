package io.nginxalerts.core.parse;

import io.nginxalerts.core.event.AccessEvent;
import java.util.Objects;

/**
 * The outcome of parsing one raw record: exactly one of {@link #event()} and {@link #reason()} is
 * non-null. Parsing never throws; everything that is not an event is a rejection with a reason and
 * a human detail.
 */
public record ParseResult(AccessEvent event, RejectReason reason, String detail) {

    public ParseResult {
        if ((event == null) == (reason == null)) {
            throw new IllegalArgumentException("exactly one of event and reason must be set");
        }
    }

    public static ParseResult of(AccessEvent event) {
        return new ParseResult(Objects.requireNonNull(event), null, null);
    }

    public static ParseResult rejected(RejectReason reason, String detail) {
        return new ParseResult(null, Objects.requireNonNull(reason), detail);
    }

    public boolean isEvent() {
        return event != null;
    }
}
