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
                        "auth-brute-force-slow",
                        "auth-brute-force-unsuccessful",
                        "auth-basic-brute-force",
                        "probe-distinct-paths",
                        "probe-malformed-requests",
                        "probe-admin-interface",
                        "probe-cms-scan",
                        "probe-scanner-signature",
                        "agent-bad-bot",
                        "enum-wp-authors",
                        "enum-ghost-admin-users",
                        "upstream-5xx-burst",
                        "server-errors-burst",
                        "scanner-user-agent",
                        "sensitive-file-probe",
                        "path-traversal-attempt",
                        // Payloads, exploits, backdoors, open proxy: ShippedPayloadRulesTest.
                        "payload-sql-injection",
                        "payload-xss",
                        "payload-jndi-lookup",
                        "payload-command-injection",
                        "payload-remote-file-inclusion",
                        "payload-template-injection",
                        "backdoor-webshell-request",
                        "proxy-open-proxy-request",
                        "cve-exploit-path",
                        "cve-technology-probe",
                        // Reliability and floods.
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
            if (rule.id().equals("login-brute-force-success")
                    || rule.id().equals("auth-brute-force-unsuccessful")
                    || rule.id().equals("login-brute-force")) {
                // They take successful logins too: a step (or the absent step) of the
                // sequences, one more attempt for the attempt count. Ordinary on their own.
                continue;
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
    void loginBruteForceCountsLoginAttemptsOfEveryConventionWhateverTheAnswer() {
        Rule rule = rules.get("login-brute-force");
        assertThat(rule.steps().get(0).atLeast()).isEqualTo(6);
        assertThat(rule.within()).isEqualTo(Duration.ofMinutes(1));
        for (String url :
                List.of(
                        "/login",
                        "/login?next=/cart",
                        "/wp-login.php",
                        "/xmlrpc.php",
                        "/user/login",
                        "/apps/login",
                        "/api/v1/auth/login",
                        "/users/sign_in",
                        "/SignIn",
                        "/j_security_check",
                        "/%6Cogin")) {
            for (int status : List.of(200, 302, 401, 403)) {
                assertThat(attempt("login-brute-force", url, status))
                        .as(url + " " + status)
                        .isTrue();
            }
        }
        assertThat(
                        firstStep(
                                "login-brute-force",
                                request().method("GET").url("/login").status(401)))
                .isFalse();
        assertThat(attempt("login-brute-force", "/cart", 401)).isFalse();
        // A media client reporting playback progress is no login.
        assertThat(attempt("login-brute-force", "/Sessions/Playing/Progress", 403)).isFalse();
    }

    static boolean attempt(String id, String url, int status) {
        return firstStep(id, request().method("POST").url(url).status(status));
    }

    @Test
    void slowBruteForceCountsFailuresByTheApplicationsConvention() {
        Rule rule = rules.get("auth-brute-force-slow");
        assertThat(rule.steps().get(0).atLeast()).isEqualTo(20);
        assertThat(rule.within()).isEqualTo(Duration.ofHours(1));
        String id = "auth-brute-force-slow";
        assertThat(attempt(id, "/login", 401)).isTrue();
        assertThat(attempt(id, "/api/auth/login", 403)).isTrue();
        // WordPress and ApisCP answer a wrong password with the form again ...
        assertThat(attempt(id, "/wp-login.php", 200)).isTrue();
        assertThat(attempt(id, "/apps/login", 200)).isTrue();
        // ... and a right one with a redirect; an API answers a success with 200.
        assertThat(attempt(id, "/wp-login.php", 302)).isFalse();
        assertThat(attempt(id, "/api/auth/login", 200)).isFalse();
    }

    @Test
    void basicAuthBruteForceIsSix401sInTenSecondsWhateverTheMethodAndPath() {
        Rule rule = rules.get("auth-basic-brute-force");
        assertThat(rule.steps().get(0).atLeast()).isEqualTo(6);
        assertThat(rule.within()).isEqualTo(Duration.ofSeconds(10));
        assertThat(firstStep("auth-basic-brute-force", request().url("/").status(401))).isTrue();
        assertThat(attempt("auth-basic-brute-force", "/client", 401)).isTrue();
        assertThat(firstStep("auth-basic-brute-force", request().url("/").status(403))).isFalse();
        // Failed logins at login endpoints are login-brute-force's alone.
        assertThat(attempt("auth-basic-brute-force", "/login", 401)).isFalse();
    }

    @Test
    void loginBruteForceSuccessIsFiveFailuresThenASuccessInTheApplicationsConvention() {
        Rule rule = rules.get("login-brute-force-success");
        assertThat(rule.isSequence()).isTrue();
        assertThat(rule.steps()).extracting(Step::atLeast).containsExactly(5, 1);
        assertThat(rule.within()).isEqualTo(Duration.ofMinutes(10));
        AccessEvent success = request().method("POST").url("/login").status(302).build();
        AccessEvent apiSuccess = request().method("POST").url("/api/login").status(200).build();
        AccessEvent failure = request().method("POST").url("/login").status(401).build();
        AccessEvent wpFailure = request().method("POST").url("/wp-login.php").status(200).build();
        AccessEvent wpSuccess = request().method("POST").url("/wp-login.php").status(302).build();
        Condition failed = rule.steps().get(0).condition();
        Condition succeeded = rule.steps().get(1).condition();
        assertThat(List.of(failure, wpFailure)).allMatch(failed::test).noneMatch(succeeded::test);
        assertThat(List.of(success, apiSuccess, wpSuccess))
                .allMatch(succeeded::test)
                .noneMatch(failed::test);
    }

    @Test
    void unsuccessfulBruteForceIsTenFailuresAndNoSuccessWithinFifteenMinutes() {
        Rule rule = rules.get("auth-brute-force-unsuccessful");
        assertThat(rule.isSequence()).isTrue();
        assertThat(rule.steps()).hasSize(2);
        assertThat(rule.steps().get(0).atLeast()).isEqualTo(10);
        assertThat(rule.steps().get(1).absent()).isTrue();
        assertThat(rule.within()).isEqualTo(Duration.ofMinutes(15));
        AccessEvent wpSuccess = request().method("POST").url("/wp-login.php").status(302).build();
        AccessEvent wpFailure = request().method("POST").url("/wp-login.php").status(200).build();
        assertThat(rule.steps().get(0).condition().test(wpFailure)).isTrue();
        assertThat(rule.steps().get(1).condition().test(wpSuccess)).isTrue();
        assertThat(rule.steps().get(1).condition().test(wpFailure)).isFalse();
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
    void scannerUserAgentRecognisesCommonToolsButNotGenericClients() {
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
                        "WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)",
                        "Fuzz Faster U Fool v2.1.0",
                        "feroxbuster/2.10.4",
                        "Wfuzz/3.1.0",
                        "Mozilla/4.0 (Hydra)")) {
            assertThat(firstStep("scanner-user-agent", request().agent(agent))).as(agent).isTrue();
        }
        for (String agent :
                List.of(
                        "curl/8.5.0",
                        "python-requests/2.32.3",
                        "python-httpx/0.27.0",
                        "Go-http-client/1.1",
                        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")) {
            assertThat(firstStep("scanner-user-agent", request().agent(agent))).as(agent).isFalse();
        }
        assertThat(firstStep("scanner-user-agent", request().agent(null))).isFalse();
        assertThat(rules.get("scanner-user-agent").suppress()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void badBotsAreSpamBotsAndHarvestersNotSearchEngines() {
        assertThat(firstStep("agent-bad-bot", request().agent("TrackBack/1.02"))).isTrue();
        assertThat(firstStep("agent-bad-bot", request().agent("EmailCollector/1.0"))).isTrue();
        assertThat(
                        firstStep(
                                "agent-bad-bot",
                                request().agent("Mozilla/5.0 (compatible; bingbot/2.0)")))
                .isFalse();
    }

    @Test
    void sensitiveFileProbeCountsDifferentSecretPathsAnswered4xx() {
        Rule rule = rules.get("sensitive-file-probe");
        assertThat(rule.steps().get(0).atLeast()).isEqualTo(3);
        assertThat(rule.distinct()).isEqualTo("path_decoded");
        for (String url :
                List.of(
                        "/.env",
                        "/app/.env.production",
                        "/.git/config",
                        "/.git",
                        "/.svn",
                        "/.ssh",
                        "/.aws/credentials",
                        "/.DS_Store",
                        "/.bash_history",
                        "/.mysql_history",
                        "/wp-config.php.bak",
                        "/server-status",
                        "/config.php",
                        "/backup.sql",
                        "/foo.sql",
                        "/site.tar.gz",
                        "/%2Eenv")) {
            assertThat(firstStep("sensitive-file-probe", request().url(url).status(404)))
                    .as(url)
                    .isTrue();
        }
        // An application serving its own SQL migrations is not probed.
        assertThat(
                        firstStep(
                                "sensitive-file-probe",
                                request()
                                        .url("/data/migrations/1550601598648_payees.sql")
                                        .status(200)))
                .isFalse();
        assertThat(firstStep("sensitive-file-probe", request().url("/environment").status(404)))
                .isFalse();
    }

    @Test
    void adminAndCmsProbesCountAbsentToolsNotTheSitesOwnPages() {
        String admin = "probe-admin-interface";
        assertThat(firstStep(admin, request().url("/phpmyadmin2017/index.php").status(404)))
                .isTrue();
        assertThat(firstStep(admin, request().url("/+CSCOE+/").status(404))).isTrue();
        assertThat(firstStep(admin, request().url("/phpmyadmin/").status(200))).isFalse();
        assertThat(firstStep(admin, request().url("/admin/users").status(403))).isFalse();
        String cms = "probe-cms-scan";
        assertThat(rules.get(cms).steps().get(0).atLeast()).isEqualTo(4);
        assertThat(firstStep(cms, request().url("/wp-content/plugins/x/readme.txt").status(404)))
                .isTrue();
        assertThat(firstStep(cms, request().url("/wp-login.php").status(404))).isTrue();
        assertThat(firstStep(cms, request().url("/wp-login.php").status(200))).isFalse();
        // A browser meeting a broken plugin asset is no scan.
        assertThat(firstStep(cms, request().url("/wp-content/plugins/x/style.css").status(404)))
                .isFalse();
    }

    @Test
    void malformedRequestsAreThoseWithoutAMethod() {
        String id = "probe-malformed-requests";
        assertThat(firstStep(id, request().method(null).url("HELP").status(400))).isTrue();
        assertThat(firstStep(id, request().method(null).url(null).status(400))).isTrue();
        assertThat(firstStep(id, request().url("/x").status(400))).isFalse();
        assertThat(
                        firstStep(
                                "probe-scanner-signature",
                                request().url("/w00tw00t.at.ISC.SANS.DFind:)").status(404)))
                .isTrue();
    }

    @Test
    void userEnumerationCountsDifferentAuthorsAndGhostSessionFailures() {
        Rule authors = rules.get("enum-wp-authors");
        assertThat(authors.distinct()).isEqualTo("query_decoded");
        assertThat(authors.steps().get(0).atLeast()).isEqualTo(5);
        assertThat(firstStep("enum-wp-authors", request().url("/?author=3"))).isTrue();
        assertThat(firstStep("enum-wp-authors", request().url("/?p=1&author=12"))).isTrue();
        assertThat(firstStep("enum-wp-authors", request().url("/?coauthor=x"))).isFalse();
        assertThat(attempt("enum-ghost-admin-users", "/ghost/api/admin/session", 404)).isTrue();
        assertThat(attempt("enum-ghost-admin-users", "/ghost/api/admin/session", 201)).isFalse();
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
