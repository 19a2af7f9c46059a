package io.nginxalerts.core.parse;

import java.util.HashSet;
import java.util.Set;

/**
 * The names seen so far in one JSON object, to refuse a name that comes twice. The first few names
 * are compared directly (most objects in access logs have few fields besides the event's own);
 * beyond that a hash set keeps the check linear, so an object with thousands of names cannot make
 * it quadratic.
 */
final class FieldNames {
    private static final int INLINE = 6;

    private final String[] inline = new String[INLINE];
    private int count;
    private Set<String> more;

    /** Adds {@code name}; false when it was there already. */
    boolean add(String name) {
        if (more != null) {
            return more.add(name);
        }
        for (int i = 0; i < count; i++) {
            if (inline[i].equals(name)) {
                return false;
            }
        }
        if (count < INLINE) {
            inline[count++] = name;
            return true;
        }
        more = new HashSet<>(32);
        for (String n : inline) {
            more.add(n);
        }
        return more.add(name);
    }
}
