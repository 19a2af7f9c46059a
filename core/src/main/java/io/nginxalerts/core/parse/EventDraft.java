package io.nginxalerts.core.parse;

import io.nginxalerts.core.event.AccessEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * The mutable state of one parse call: what the input parsers found, and the first problem they
 * met. One instance per call, never shared, so {@link LogParser} stays thread-safe.
 *
 * <p>The format parsers record a problem and keep going rather than returning at once, because for
 * JSON a structural error later in the record must win over a field error earlier in it.
 */
final class EventDraft {

    /** Dotted keys have at most this many segments ({@code geoip.geo.location.lat}). */
    static final int MAX_EXTRA_KEY_SEGMENTS = 4;

    static final int MAX_EXTRA_ENTRIES = 64;
    static final int MAX_EXTRA_VALUE_CHARS = 1024;
    static final int MAX_EXTRA_KEY_CHARS = 128;

    /**
     * Legacy (Logstash 7) names that an ECS (Logstash 8) record also gets, so that one rule on
     * {@code geoip.country_code2} works for both. Indexed by {@link #aliasIndex}.
     */
    private static final String[] ALIAS_TARGETS = {
        "geoip.country_code2",
        "geoip.country_name",
        "geoip.city_name",
        "geoip.region_name",
        "geoip.continent_code",
        "user_agent.os_name",
        "user_agent.device",
    };

    /**
     * Slots kept free for the aliases, so that a record with many extra fields still gets them and
     * the total stays within {@link #MAX_EXTRA_ENTRIES}.
     */
    private static final int ALIAS_SLOTS = ALIAS_TARGETS.length;

    long timestamp;
    boolean hasTimestamp;

    /** nginx's {@code $msec} in epoch millis, or -1: the request time to the millisecond. */
    long msec = -1;

    String clientip;
    String host;
    String method;
    String url;
    String protocol;

    /** 0 = absent. */
    int status;

    long size;
    double responsetime;
    String upstreamtime;
    String upstreamhost;
    String httpHost;
    String xff;
    String refer;
    String agent;
    String requestId;
    private Map<String, String> extra;

    /** Values of ECS keys that have a legacy alias, by {@link #aliasIndex}; null if none seen. */
    private String[] aliasValues;

    RejectReason failReason;
    String failDetail;

    /** Records a problem; only the first one counts, so the reported reason is deterministic. */
    void fail(RejectReason reason, String detail) {
        if (failReason == null) {
            failReason = reason;
            failDetail = detail;
        }
    }

    boolean failed() {
        return failReason != null;
    }

    /** Adds an extra entry if there is room; over-long keys are dropped, values are capped. */
    void putExtra(String key, String value) {
        int alias = aliasIndex(key);
        if (alias >= 0 && value != null) {
            // Remembered apart from the map, so the alias survives a full map.
            if (aliasValues == null) {
                aliasValues = new String[ALIAS_TARGETS.length];
            }
            aliasValues[alias] = value;
        }
        putExtra(key, value, MAX_EXTRA_ENTRIES - ALIAS_SLOTS);
    }

    private void putExtra(String key, String value, int limit) {
        if (value == null || key.length() > MAX_EXTRA_KEY_CHARS) {
            return;
        }
        if (extra == null) {
            // Sized for a Logstash record's two dozen flattened fields: the default size resized
            // twice on each of them (a few percent of the parse).
            extra = new HashMap<>(64);
        } else if (extra.size() >= limit && !extra.containsKey(key)) {
            return;
        }
        if (value.length() > MAX_EXTRA_VALUE_CHARS) {
            value = value.substring(0, MAX_EXTRA_VALUE_CHARS);
        }
        extra.put(key, value);
    }

    /** Adds the legacy names for the ECS keys seen (unless the record has them already). */
    void addLegacyAliases() {
        if (aliasValues != null) {
            for (int i = 0; i < ALIAS_TARGETS.length; i++) {
                if (aliasValues[i] != null && !extra.containsKey(ALIAS_TARGETS[i])) {
                    putExtra(ALIAS_TARGETS[i], aliasValues[i], MAX_EXTRA_ENTRIES);
                }
            }
        }
    }

    /** Index into {@link #ALIAS_TARGETS} of the legacy name for an ECS key, or -1. */
    private static int aliasIndex(String ecsKey) {
        return switch (ecsKey) {
            case "geoip.geo.country_iso_code" -> 0;
            case "geoip.geo.country_name" -> 1;
            case "geoip.geo.city_name" -> 2;
            case "geoip.geo.region_name" -> 3;
            case "geoip.geo.continent_code" -> 4;
            case "user_agent.os.name" -> 5;
            case "user_agent.device.name" -> 6;
            default -> -1;
        };
    }

    AccessEvent toEvent() {
        String path = url;
        String query = null;
        if (url != null) {
            int q = url.indexOf('?');
            if (q >= 0) {
                path = url.substring(0, q);
                query = url.substring(q + 1);
            }
        }
        return new AccessEvent(
                timestamp,
                clientip,
                host,
                method,
                url,
                path,
                query,
                protocol,
                status,
                size,
                responsetime,
                upstreamtime,
                upstreamhost,
                httpHost,
                xff,
                refer,
                agent,
                requestId,
                extra);
    }
}
