package io.nginxalerts.core.rules;

import io.nginxalerts.core.event.AccessEvent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Which field names rules may use, and the {@link EventField} each of them reads. */
final class RuleFieldNames {
    private RuleFieldNames() {}

    /**
     * First segments of the dotted names that rules may use. These are the nested objects that
     * Logstash and the nginx JSON format add ({@code geoip}, {@code user_agent}, an object {@code
     * host}, ECS {@code event}/{@code log}/{@code source}/{@code client}); the event flattens them
     * into {@code extra}. Anything else is most likely a typo, so it is refused.
     */
    static final List<String> DOTTED_ROOTS =
            List.of("geoip", "user_agent", "host", "event", "log", "source", "client");

    /**
     * Top-level names usable in conditions and {@code group_by}, sorted (for messages): those of
     * {@link AccessEvent.Field} except the ISO timestamp field, which is not useful to match or
     * group on (the event time is what {@code within} and {@code suppress} measure).
     */
    static final Map<String, EventField.Top> TOP_LEVEL = topLevel();

    private static Map<String, EventField.Top> topLevel() {
        Map<String, EventField.Top> byName = new TreeMap<>();
        for (AccessEvent.Field field : AccessEvent.Field.values()) {
            if (field != AccessEvent.Field.TIMESTAMP) {
                byName.put(field.jsonName(), new EventField.Top(field));
            }
        }
        return Collections.unmodifiableMap(byName);
    }

    /** The decoded fields ({@link DecodedField}) by name, in declaration order. */
    static final Map<String, EventField.Decoded> DECODED = decoded();

    private static Map<String, EventField.Decoded> decoded() {
        Map<String, EventField.Decoded> byName = new LinkedHashMap<>();
        for (DecodedField field : DecodedField.values()) {
            byName.put(field.fieldName(), new EventField.Decoded(field));
        }
        return Collections.unmodifiableMap(byName);
    }

    /** The field with this name, or {@code null} if rules may not use it. */
    static EventField resolve(String name) {
        EventField.Top top = TOP_LEVEL.get(name);
        if (top != null) {
            return top;
        }
        EventField.Decoded decoded = DECODED.get(name);
        if (decoded != null) {
            return decoded;
        }
        return isDotted(name) ? new EventField.Extra(name) : null;
    }

    /**
     * The text of a field that {@link #resolve} accepts, as conditions read it: {@link
     * AccessEvent#get} for stored fields, the decoded text for decoded ones. For {@code group_by}.
     */
    static String text(AccessEvent event, String name) {
        EventField.Decoded decoded = DECODED.get(name);
        return decoded != null ? decoded.text(event) : event.get(name);
    }

    /** The message part that says which names are allowed. */
    static String allowedNames() {
        return String.join(", ", TOP_LEVEL.keySet())
                + ", the decoded "
                + String.join(", ", DECODED.keySet())
                + ", or a dotted path under "
                + String.join(", ", DOTTED_ROOTS)
                + " (e.g. geoip.country_code2)";
    }

    private static boolean isDotted(String name) {
        String[] segments = name.split("\\.", -1);
        if (segments.length < 2 || !DOTTED_ROOTS.contains(segments[0])) {
            return false;
        }
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty() || segment.length() > 100) {
                return false;
            }
            for (int j = 0; j < segment.length(); j++) {
                char c = segment.charAt(j);
                boolean ok =
                        (c >= 'a' && c <= 'z')
                                || (c >= 'A' && c <= 'Z')
                                || (c >= '0' && c <= '9')
                                || c == '_'
                                || c == '-'
                                || c == '@';
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
