package io.nginxalerts.core.rules;

import java.util.HashMap;
import java.util.Map;

/**
 * The compiled {@code match} conditions of one rule set, by their canonical text: rules of one
 * directory that write the same match (layout, comments and quoting aside) get the same {@link
 * Condition} object, so the job's router, which evaluates each distinct condition object once per
 * event, tests it once for all of them. Only for one load: list files are read once per load, so
 * the same text means the same entries.
 */
final class SharedMatches {
    private final Map<String, Condition> byText = new HashMap<>();

    /**
     * The condition compiled earlier from the same text, or {@code compiled} if none was. The
     * caller compiles every match anyway (problems and the list files a rule reads are per file);
     * only the object the rule keeps is shared.
     */
    Condition intern(String canonicalText, Condition compiled) {
        // A match with problems compiles to null: nothing to share.
        if (compiled == null) {
            return null;
        }
        Condition known = byText.putIfAbsent(canonicalText, compiled);
        return known != null ? known : compiled;
    }
}
