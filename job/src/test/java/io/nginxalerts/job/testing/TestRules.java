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

    /** Rule body: {@code threshold} × 4xx for one client within {@code within}. */
    public static String clientErrors(int threshold, String within) {
        return thresholdBody(
                "gets several 4xx responses", "warning", "{ status: 4xx }", threshold, within);
    }

    /** Rule body: {@code threshold} × 5xx for one client within {@code within}, critical. */
    public static String serverErrors(int threshold, String within) {
        return thresholdBody(
                "gets several 5xx responses", "critical", "{ status: 5xx }", threshold, within);
    }

    /** Rule body: {@code threshold} admin pages requested by one client within {@code within}. */
    public static String adminProbe(int threshold, String within) {
        return thresholdBody(
                "requests several admin pages",
                "warning",
                "{ url: { prefix: /admin } }",
                threshold,
                within);
    }

    /** {@code body} with a client's further alerts suppressed for {@code suppress}. */
    public static String suppressedFor(String body, String suppress) {
        return body + "suppress: " + suppress + "\n";
    }

    /** A rules file's text ({@code <id>.yaml}): the id, then the body. */
    public static String file(String id, String body) {
        return "id: " + id + "\n" + body;
    }

    private static String thresholdBody(
            String what, String severity, String match, int threshold, String within) {
        return """
                description: One client %s
                severity: %s
                group_by: [clientip]
                match: %s
                threshold: %d
                within: %s
                """
                .formatted(what, severity, match, threshold, within);
    }
}
