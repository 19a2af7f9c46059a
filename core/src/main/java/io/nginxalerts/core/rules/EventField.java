package io.nginxalerts.core.rules;

import io.nginxalerts.core.event.AccessEvent;
import java.io.Serializable;
import java.util.Locale;

/**
 * A field of an {@link AccessEvent} that a condition reads, resolved once when a rule is loaded so
 * that matching does no name lookup. {@link #text} returns exactly what {@link
 * AccessEvent#get(String)} returns for the same name; {@link #number} is the field as a number, or
 * {@code NaN} when it is missing or not numeric (every comparison with {@code NaN} is false, which
 * is the "non-numeric never matches" rule). {@link RuleFieldNames} resolves names.
 */
interface EventField extends Serializable {

    /** The name as written in rule files. */
    String fieldName();

    String text(AccessEvent event);

    default double number(AccessEvent event) {
        return Numbers.parse(text(event));
    }

    /** The record components of {@link AccessEvent}, read directly. */
    enum Top implements EventField {
        CLIENTIP,
        HOST,
        METHOD,
        URL,
        PATH,
        QUERY,
        PROTOCOL,
        STATUS,
        SIZE,
        RESPONSETIME,
        UPSTREAMTIME,
        UPSTREAMHOST,
        HTTP_HOST,
        XFF,
        REFER,
        AGENT,
        REQUEST_ID;

        @Override
        public String fieldName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String text(AccessEvent e) {
            switch (this) {
                case CLIENTIP:
                    return e.clientip();
                case HOST:
                    // Same fallback as AccessEvent.get: Logstash moves host into an object.
                    return e.host() != null ? e.host() : e.extra().get("host.name");
                case METHOD:
                    return e.method();
                case URL:
                    return e.url();
                case PATH:
                    return e.path();
                case QUERY:
                    return e.query();
                case PROTOCOL:
                    return e.protocol();
                case STATUS:
                    return e.status() == 0 ? null : Integer.toString(e.status());
                case SIZE:
                    return Long.toString(e.size());
                case RESPONSETIME:
                    return Double.toString(e.responsetime());
                case UPSTREAMTIME:
                    return e.upstreamtime();
                case UPSTREAMHOST:
                    return e.upstreamhost();
                case HTTP_HOST:
                    return e.http_host();
                case XFF:
                    return e.xff();
                case REFER:
                    return e.refer();
                case AGENT:
                    return e.agent();
                case REQUEST_ID:
                    return e.request_id();
                default:
                    throw new AssertionError(this);
            }
        }

        @Override
        public double number(AccessEvent e) {
            switch (this) {
                case STATUS:
                    return e.status() == 0 ? Double.NaN : e.status();
                case SIZE:
                    return e.size();
                case RESPONSETIME:
                    return e.responsetime();
                case UPSTREAMTIME:
                    // nginx lists one time per upstream tried: "0.004, 0.010 : 0.002".
                    return Numbers.sumOfList(e.upstreamtime());
                default:
                    return Numbers.parse(text(e));
            }
        }
    }

    /** A dotted name, read from {@link AccessEvent#extra()}. */
    record Extra(String fieldName) implements EventField {
        @Override
        public String text(AccessEvent e) {
            return e.extra().get(fieldName);
        }
    }
}
