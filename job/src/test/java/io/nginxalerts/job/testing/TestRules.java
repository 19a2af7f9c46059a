package io.nginxalerts.job.testing;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleException;
import io.nginxalerts.core.rules.RuleLoader;

/** Rules for tests, written in the same YAML users write. */
public final class TestRules {
    private TestRules() {}

    public static Rule rule(String id, String yamlBody) {
        try {
            return RuleLoader.parse("test/" + id + ".yaml", "id: " + id + "\n" + yamlBody);
        } catch (RuleException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** 20 × 4xx from one client within 60 s, suppressed for 10 minutes. */
    public static Rule clientErrorsBurst() {
        return rule(
                "client-errors-burst",
                """
                description: One client gets many 4xx responses in a short time
                severity: warning
                group_by: [clientip]
                match: { status: 4xx }
                threshold: 20
                within: 60s
                suppress: 10m
                """);
    }

    /** 5 failed POST /login then a successful one, within 10 minutes. */
    public static Rule loginBruteForceSuccess() {
        return rule(
                "login-brute-force-success",
                """
                description: Failed logins followed by a successful one
                severity: critical
                group_by: [clientip]
                sequence:
                  - match: { method: POST, url: { prefix: /login }, status: [401, 403] }
                    at_least: 5
                  - match: { method: POST, url: { prefix: /login }, status: [200, 302] }
                within: 10m
                """);
    }
}
