package io.nginxalerts.core.rules;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one rule file as {@code file:line: message}. */
final class Problems {
    private final String source;
    private final List<String> messages;

    Problems(String source, List<String> sink) {
        this.source = source;
        this.messages = sink;
    }

    Problems(String source) {
        this(source, new ArrayList<>());
    }

    void add(int line, String message) {
        messages.add(source + ":" + Math.max(1, line) + ": " + message);
    }

    String source() {
        return source;
    }

    int count() {
        return messages.size();
    }

    List<String> messages() {
        return messages;
    }
}
