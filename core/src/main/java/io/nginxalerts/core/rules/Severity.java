package io.nginxalerts.core.rules;

import java.util.Locale;

/** How urgent an alert is; written in lower case in rule files and alert JSON. */
public enum Severity {
    INFO,
    WARNING,
    CRITICAL;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
