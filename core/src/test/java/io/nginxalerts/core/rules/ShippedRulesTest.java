package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.TestEvent.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.event.AccessEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The default rule set in the top-level {@code rules/} directory loads and means what it says. */
class ShippedRulesTest {
    /** Core tests run with the module directory as working directory. */
    static final Path RULES = Path.of("..", "rules");

    static Map<String, Rule> rules;

    /** The rules in {@code rules/reliability/}: about the service, not about a client. */
    static final java.util.Set<String> RELIABILITY =
            java.util.Set.of(
                    "server-errors-burst",
                    "upstream-5xx-burst",
                    "site-5xx-ratio",
                    "upstream-5xx-ratio",
                    "upstream-latency-p95",
                    "upstream-silent",
                    "site-silent");

    @BeforeAll
    static void load() throws RuleException {
        rules =
                RuleLoader.loadDirectory(RULES).stream()
                        .collect(Collectors.toMap(Rule::id, Function.identity()));
    }

    static boolean firstStep(String id, TestEvent event) {
        return rules.get(id).steps().get(0).condition().test(event.build());
    }

    @Test
    void everyShippedRuleLoadsWithTheExpectedIds() {
        assertThat(rules.keySet())
                .containsExactlyInAnyOrder(
                        "client-errors-burst",
                        "login-brute-force",
                        "login-brute-force-success",
                        "upstream-5xx-burst",
                        "server-errors-burst",
                        "scanner-user-agent",
                        "sensitive-file-probe",
                        "path-traversal-attempt",
                        "site-5xx-ratio",
                        "upstream-5xx-ratio",
                        "upstream-latency-p95",
                        "upstream-silent",
                        "site-silent",
                        "dos-invalid-http-version",
                        "flood-cache-busting",
                        "flood-random-uri",
                        "flood-user-agent-switching");
        assertThat(rules.values())
                .allSatisfy(rule -> assertThat(rule.description()).hasSizeGreaterThan(40));
    }

    @Test
    void securityRulesLiveInHttpAndReliabilityRulesInReliabilityUnderTheShippedAllowlist()
            throws Exception {
        assertThat(rules.values())
                .allSatisfy(
                        rule -> {
                            String folder =
                                    RELIABILITY.contains(rule.id()) ? "reliability" : "http";
                            assertThat(rule.source())
                                    .isEqualTo(
                                            RULES.resolve(folder)
                                                    .resolve(rule.id() + ".yaml")
                                                    .toString());
                        });
        // Shipped present and empty: it parses, and it allowlists nobody.
        Allowlist allowlist =
                Allowlist.parse(
                        java.nio.file.Files.readString(RULES.resolve(Allowlist.FILE_NAME)),
                        new Problems("allowlist.yaml"),
                        new ListFiles(RULES));
        assertThat(allowlist).isSameAs(Allowlist.EMPTY);
        // An allowlisted load balancer's 5xx still matter: the reliability rules opt out.
        for (String id : RELIABILITY) {
            assertThat(java.nio.file.Files.readString(RULES.resolve("reliability/" + id + ".yaml")))
                    .as(id)
                    .contains("\nallowlist: false\n");
        }
    }

    @Test
    void ordinaryTrafficIsRelevantToNoRule() {
        List<AccessEvent> ordinary =
                List.of(
                        request().url("/").build(),
                        request().url("/static/app.js?v=3").status(304).build(),
                        request().url("/login").method("GET").build(),
                        request().url("/login").method("POST").status(302).build(),
                        request().url("/api/orders?page=2").responsetime(0.2).build(),
                        request().url("/wp-admin/").status(200).build());
        for (Rule rule : rules.values()) {
            if (rule.id().equals("login-brute-force-success")) {
                continue; // its second step is a successful login, ordinary on its own
            }
            if (rule.kind() instanceof RuleKind.Ratio
                    || rule.kind() instanceof RuleKind.Value
                    || rule.kind() instanceof RuleKind.Silence) {
                continue; // shares, latencies and silences are about all of a site's traffic
            }
            if (rule.id().startsWith("flood-")) {
                continue; // a flood is ordinary requests, too many or too varied
            }
            assertThat(ordinary).as(rule.id()).noneMatch(rule::isRelevant);
        }
    }

    @Test
    void clientErrorsBurstCounts20ClientErrorsPerClientInAMinute() {
        Rule rule = rules.get("client-errors-burst");
        assertThat(rule.groupBy()).containsExactly("clientip");
        assertThat(rule.steps().get(0).atLeast()).isEqualTo(20);
        assertThat(rule.within()).isEqualTo(Duration.ofSeconds(60));
        assertThat(firstStep("client-errors-burst", request().status(404))).isTrue();
        assertThat(firstStep("client-errors-burst", request().status(500))).isFalse();
    }

    @Test
    void loginBruteForceCountsFailedLoginPosts() {
        assertThat(rules.get("login-brute-force").steps().get(0).atLeast()).isEqualTo(10);
        assertThat(
                        firstStep(
                                "login-brute-force",
                                request().method("POST").url("/login").status(401)))
                .isTrue();
        assertThat(
                        firstStep(
                                "login-brute-force",
                                request().method("POST").url("/login?next=/cart").status(403)))
                .isTrue();
        assertThat(
                        firstStep(
                                "login-brute-force",
                                request().method("GET").url("/login").status(401)))
                .isFalse();
        assertThat(
                        firstStep(
                                "login-brute-force",
                                request().method("POST").url("/login").status(200)))
                .isFalse();
    }

    @Test
    void loginBruteForceSuccessIsFiveFailuresThenASuccess() {
        Rule rule = rules.get("login-brute-force-success");
        assertThat(rule.isSequence()).isTrue();
        assertThat(rule.steps()).extracting(Step::atLeast).containsExactly(5, 1);
        assertThat(rule.within()).isEqualTo(Duration.ofMinutes(10));
        AccessEvent success = request().method("POST").url("/login").status(302).build();
        AccessEvent failure = request().method("POST").url("/login").status(401).build();
        assertThat(rule.steps().get(0).condition().test(failure)).isTrue();
        assertThat(rule.steps().get(0).condition().test(success)).isFalse();
        assertThat(rule.steps().get(1).condition().test(success)).isTrue();
        assertThat(rule.steps().get(1).condition().test(failure)).isFalse();
    }

    @Test
    void fiveHundredsAreGroupedByUpstreamAndBySite() {
        assertThat(rules.get("upstream-5xx-burst").groupBy()).containsExactly("upstreamhost");
        assertThat(rules.get("server-errors-burst").groupBy()).containsExactly("http_host");
        assertThat(firstStep("upstream-5xx-burst", request().status(502))).isTrue();
        assertThat(firstStep("server-errors-burst", request().status(500))).isTrue();
        assertThat(firstStep("server-errors-burst", request().status(404))).isFalse();
    }

    @Test
    void scannerUserAgentRecognisesCommonTools() {
        for (String agent :
                List.of(
                        "sqlmap/1.7.2#stable (https://sqlmap.org)",
                        "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000003)",
                        "Mozilla/5.0 (compatible; Nmap Scripting Engine;"
                                + " https://nmap.org/book/nse.html)",
                        "masscan/1.3 (https://github.com/robertdavidgraham/masscan)",
                        "Mozilla/5.0 zgrab/0.x",
                        "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)",
                        "gobuster/3.6",
                        "DirBuster-1.0-RC1"
                                + " (http://www.owasp.org/index.php/Category:OWASP_DirBuster_Project)",
                        "WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)")) {
            assertThat(firstStep("scanner-user-agent", request().agent(agent))).as(agent).isTrue();
        }
        assertThat(firstStep("scanner-user-agent", request().agent("curl/8.5.0"))).isFalse();
        assertThat(firstStep("scanner-user-agent", request().agent(null))).isFalse();
        assertThat(rules.get("scanner-user-agent").suppress()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void sensitiveFileProbeRecognisesSecretsAndAbsentAdminPages() {
        for (String url :
                List.of(
                        "/.env",
                        "/app/.env.production",
                        "/.git/config",
                        "/.aws/credentials",
                        "/.DS_Store",
                        "/phpmyadmin/index.php",
                        "/server-status",
                        "/config.php",
                        "/backup.sql")) {
            assertThat(firstStep("sensitive-file-probe", request().url(url).status(404)))
                    .as(url)
                    .isTrue();
        }
        assertThat(firstStep("sensitive-file-probe", request().url("/wp-login.php").status(404)))
                .isTrue();
        assertThat(firstStep("sensitive-file-probe", request().url("/wp-login.php").status(200)))
                .isFalse();
        assertThat(firstStep("sensitive-file-probe", request().url("/environment").status(404)))
                .isFalse();
        assertThat(rules.get("sensitive-file-probe").steps().get(0).atLeast()).isEqualTo(3);
    }

    @Test
    void pathTraversalRecognisesPlainAndEncodedDotDot() {
        for (String url :
                List.of(
                        "/static/../../etc/shadow",
                        "/download?file=..%2f..%2fapp.ini",
                        "/%2e%2e/%2e%2e/x",
                        "/a/.%2e/b",
                        "/%252e%252e/x",
                        "/cgi-bin/view?f=/etc/passwd",
                        "/..\\..\\windows\\win.ini")) {
            assertThat(firstStep("path-traversal-attempt", request().url(url))).as(url).isTrue();
        }
        assertThat(firstStep("path-traversal-attempt", request().url("/docs/v1.2/index.html")))
                .isFalse();
        assertThat(firstStep("path-traversal-attempt", request().url("/search?q=wait...")))
                .isFalse();
    }
}
