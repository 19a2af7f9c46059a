package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.TestEvent.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.event.AccessEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What each kind of condition in a rule's {@code match} accepts, compiled through the loader. */
class ConditionsTest {

    /** Compiles {@code match: { <flowMatch> }} of a minimal rule. */
    static Condition match(String flowMatch) throws RuleException {
        String yaml = "id: t\nseverity: info\nwithin: 1m\nmatch: { " + flowMatch + " }\n";
        return RuleLoader.parse("t.yaml", yaml).steps().get(0).condition();
    }

    static boolean matches(String flowMatch, TestEvent event) throws RuleException {
        return match(flowMatch).test(event.build());
    }

    @Test
    void statusEqualsANumberOrItsText() throws Exception {
        assertThat(matches("status: 404", request().status(404))).isTrue();
        assertThat(matches("status: '404'", request().status(404))).isTrue();
        assertThat(matches("status: 404", request().status(403))).isFalse();
    }

    @Test
    void statusClassesCoverTheirHundred() throws Exception {
        Condition clientErrors = match("status: 4xx");
        assertThat(clientErrors.test(request().status(400).build())).isTrue();
        assertThat(clientErrors.test(request().status(499).build())).isTrue();
        assertThat(clientErrors.test(request().status(399).build())).isFalse();
        assertThat(clientErrors.test(request().status(500).build())).isFalse();
        assertThat(matches("status: 5XX", request().status(503))).isTrue();
    }

    @Test
    void statusListMixesCodesAndClasses() throws Exception {
        Condition condition = match("status: [401, 403, 5xx]");
        assertThat(condition.test(request().status(401).build())).isTrue();
        assertThat(condition.test(request().status(403).build())).isTrue();
        assertThat(condition.test(request().status(502).build())).isTrue();
        assertThat(condition.test(request().status(402).build())).isFalse();
    }

    @Test
    void missingStatusMatchesNothingButNot() throws Exception {
        assertThat(matches("status: 2xx", request().status(0))).isFalse();
        assertThat(matches("status: { gte: 0 }", request().status(0))).isFalse();
        assertThat(matches("status: { not: 2xx }", request().status(0))).isTrue();
    }

    @Test
    void textFieldsCompareExactly() throws Exception {
        assertThat(matches("method: POST", request().method("POST"))).isTrue();
        assertThat(matches("method: POST", request().method("post"))).isFalse();
        assertThat(matches("method: [PUT, DELETE]", request().method("DELETE"))).isTrue();
        assertThat(matches("method: [PUT, DELETE]", request().method("GET"))).isFalse();
    }

    @Test
    void yamlNumbersCompareWithTheFieldText() throws Exception {
        assertThat(matches("size: 0", request().size(0))).isTrue();
        assertThat(matches("size: [0, 1]", request().size(1))).isTrue();
        assertThat(matches("size: 0", request().size(10))).isFalse();
    }

    @Test
    void prefixSuffixAndContainsTakeOneTextOrAList() throws Exception {
        assertThat(matches("url: { prefix: /login }", request().url("/login?next=/"))).isTrue();
        assertThat(matches("url: { prefix: /login }", request().url("/api/login"))).isFalse();
        assertThat(matches("path: { suffix: .php }", request().url("/x/index.php?a=1"))).isTrue();
        assertThat(matches("url: { suffix: .php }", request().url("/x/index.php?a=1"))).isFalse();
        assertThat(matches("agent: { contains: curl }", request().agent("curl/8.5.0"))).isTrue();
        assertThat(matches("path: { prefix: [/admin, /wp-admin] }", request().url("/wp-admin/x")))
                .isTrue();
        assertThat(matches("path: { prefix: [/admin, /wp-admin] }", request().url("/blog")))
                .isFalse();
    }

    @Test
    void severalOperatorsOnOneFieldAreAnded() throws Exception {
        Condition condition = match("path: { prefix: /api/, suffix: .json }");
        assertThat(condition.test(request().url("/api/users.json").build())).isTrue();
        assertThat(condition.test(request().url("/api/users.xml").build())).isFalse();
        assertThat(condition.test(request().url("/users.json").build())).isFalse();
    }

    @Test
    void severalFieldsAreAnded() throws Exception {
        Condition condition = match("method: POST, status: 401");
        assertThat(condition.test(request().method("POST").status(401).build())).isTrue();
        assertThat(condition.test(request().method("POST").status(200).build())).isFalse();
        assertThat(condition.test(request().method("GET").status(401).build())).isFalse();
    }

    @Test
    void regexFindsAnywhereInTheText() throws Exception {
        assertThat(matches("url: { regex: 'log[io]n' }", request().url("/api/login?x=1"))).isTrue();
        assertThat(matches("url: { regex: '^/login$' }", request().url("/api/login"))).isFalse();
        assertThat(matches("agent: { regex: '(?i)SQLMAP' }", request().agent("sqlmap/1.7")))
                .isTrue();
    }

    @Test
    void regexWithNestedQuantifiersRunsInLinearTime() throws Exception {
        // (a+)+$ against "aaaa...!" takes exponential time with backtracking engines.
        Condition condition = match("agent: { regex: '(a+)+$' }");
        String evil = "a".repeat(100_000) + "!";
        assertThat(condition.test(request().agent(evil).build())).isFalse();
        assertThat(condition.test(request().agent("aaa").build())).isTrue();
    }

    @Test
    void numericComparisonsParseTheFieldText() throws Exception {
        assertThat(matches("responsetime: { gt: 1 }", request().responsetime(1.5))).isTrue();
        assertThat(matches("responsetime: { gt: 1.5 }", request().responsetime(1.5))).isFalse();
        assertThat(matches("responsetime: { gte: 1.5 }", request().responsetime(1.5))).isTrue();
        assertThat(matches("size: { lt: 100 }", request().size(99))).isTrue();
        assertThat(matches("size: { lte: 100 }", request().size(101))).isFalse();
        assertThat(matches("status: { gte: 500, lt: 600 }", request().status(503))).isTrue();
        assertThat(matches("geoip.asn: { gt: 1000 }", request().extra("geoip.asn", "13335")))
                .isTrue();
    }

    @Test
    void upstreamTimeCountsAsTheSumOfItsEntries() throws Exception {
        assertThat(matches("upstreamtime: { gt: 0.013 }", request().upstreamtime("0.004, 0.010")))
                .isTrue();
        assertThat(matches("upstreamtime: { gt: 0.015 }", request().upstreamtime("0.004, 0.010")))
                .isFalse();
        assertThat(matches("upstreamtime: { gt: 1 }", request().upstreamtime("0.5 : 0.7, -")))
                .isTrue();
        assertThat(matches("upstreamtime: { gte: 0 }", request().upstreamtime("-"))).isFalse();
    }

    @Test
    void nonNumericTextNeverComparesButMatchesUnderNot() throws Exception {
        assertThat(matches("agent: { gt: 0 }", request().agent("curl"))).isFalse();
        assertThat(matches("agent: { lt: 0 }", request().agent("curl"))).isFalse();
        assertThat(matches("geoip.asn: { gt: 0 }", request().extra("geoip.asn", "NaN"))).isFalse();
        assertThat(matches("geoip.asn: { gt: 0 }", request().extra("geoip.asn", "1d"))).isFalse();
        assertThat(matches("agent: { not: { gt: 0 } }", request().agent("curl"))).isTrue();
    }

    @Test
    void cidrMatchesIpv4Networks() throws Exception {
        Condition condition = match("clientip: { cidr: [10.0.0.0/8, 192.168.1.0/24, 8.8.8.8] }");
        assertThat(condition.test(request().clientip("10.200.3.4").build())).isTrue();
        assertThat(condition.test(request().clientip("192.168.1.255").build())).isTrue();
        assertThat(condition.test(request().clientip("192.168.2.1").build())).isFalse();
        assertThat(condition.test(request().clientip("8.8.8.8").build())).isTrue();
        assertThat(condition.test(request().clientip("8.8.8.9").build())).isFalse();
        assertThat(condition.test(request().clientip("11.0.0.1").build())).isFalse();
    }

    @Test
    void cidrMatchesIpv6NetworksAndMappedIpv4() throws Exception {
        Condition v6 = match("clientip: { cidr: '2001:db8::/32' }");
        assertThat(v6.test(request().clientip("2001:db8:1::5").build())).isTrue();
        assertThat(v6.test(request().clientip("2001:DB9::1").build())).isFalse();
        assertThat(v6.test(request().clientip("10.0.0.1").build())).isFalse();
        Condition v4 = match("clientip: { cidr: 10.0.0.0/8 }");
        assertThat(v4.test(request().clientip("::ffff:10.1.2.3").build())).isTrue();
        assertThat(v4.test(request().clientip("2001:db8::1").build())).isFalse();
    }

    @Test
    void cidrNeverMatchesTextThatIsNotAnAddress() throws Exception {
        Condition condition = match("xff: { cidr: 0.0.0.0/0 }");
        assertThat(condition.test(request().xff("1.2.3.4").build())).isTrue();
        assertThat(condition.test(request().xff("unknown").build())).isFalse();
        assertThat(condition.test(request().xff(null).build())).isFalse();
        assertThat(condition.test(request().xff("1.2.3.4, 5.6.7.8").build())).isFalse();
    }

    @Test
    void notOnAFieldInvertsAnyFieldTest() throws Exception {
        assertThat(matches("method: { not: GET }", request().method("POST"))).isTrue();
        assertThat(matches("method: { not: GET }", request().method("GET"))).isFalse();
        assertThat(matches("status: { not: [200, 304] }", request().status(304))).isFalse();
        assertThat(
                        matches(
                                "clientip: { not: { cidr: 10.0.0.0/8 } }",
                                request().clientip("10.1.1.1")))
                .isFalse();
    }

    @Test
    void missingFieldsNeverMatchExceptUnderNot() throws Exception {
        TestEvent noReferer = request().refer(null);
        assertThat(matches("refer: { contains: google }", noReferer)).isFalse();
        assertThat(matches("refer: { regex: '.*' }", noReferer)).isFalse();
        assertThat(matches("refer: { prefix: '' }", noReferer)).isFalse();
        assertThat(matches("refer: { not: { contains: google } }", noReferer)).isTrue();
        assertThat(matches("not: { refer: { contains: google } }", noReferer)).isTrue();
        assertThat(matches("geoip.country_code2: CN", request())).isFalse();
        assertThat(matches("geoip.country_code2: { not: CN }", request())).isTrue();
    }

    @Test
    void notAtMatchLevelInvertsAWholeMatch() throws Exception {
        Condition condition = match("not: { method: GET, status: 200 }");
        assertThat(condition.test(request().method("GET").status(200).build())).isFalse();
        assertThat(condition.test(request().method("GET").status(404).build())).isTrue();
    }

    @Test
    void anyNeedsOneAlternativeAndAllNeedsEvery() throws Exception {
        Condition any = match("any: [ { status: 401 }, { agent: { contains: curl } } ]");
        assertThat(any.test(request().status(401).build())).isTrue();
        assertThat(any.test(request().agent("curl/8").build())).isTrue();
        assertThat(any.test(request().build())).isFalse();

        Condition all = match("all: [ { status: 401 }, { agent: { contains: curl } } ]");
        assertThat(all.test(request().status(401).agent("curl/8").build())).isTrue();
        assertThat(all.test(request().status(401).build())).isFalse();
    }

    @Test
    void combinatorsAndFieldsMixInOneMatch() throws Exception {
        Condition condition =
                match("method: POST, any: [ { status: 4xx }, { responsetime: { gt: 5 } } ]");
        assertThat(condition.test(request().method("POST").status(403).build())).isTrue();
        assertThat(condition.test(request().method("POST").responsetime(6).build())).isTrue();
        assertThat(condition.test(request().method("GET").status(403).build())).isFalse();
    }

    @Test
    void dottedFieldsReadTheFlattenedNestedObjects() throws Exception {
        TestEvent event =
                request().extra("geoip.country_code2", "CN").extra("user_agent.name", "curl");
        assertThat(matches("geoip.country_code2: [CN, RU]", event)).isTrue();
        assertThat(matches("user_agent.name: curl", event)).isTrue();
        assertThat(matches("user_agent.name: Chrome", event)).isFalse();
        assertThat(matches("host.name: web-9", request().host(null).extra("host.name", "web-9")))
                .isTrue();
    }

    @Test
    void hostFallsBackToHostNameLikeTheEvent() throws Exception {
        assertThat(matches("host: web-9", request().host(null).extra("host.name", "web-9")))
                .isTrue();
        assertThat(matches("host: web-1", request().host("web-1"))).isTrue();
    }

    @Test
    void everyTopLevelFieldReadsWhatTheEventReports() {
        AccessEvent event =
                request()
                        .url("/a?b=c")
                        .xff("1.2.3.4")
                        .refer("https://example.org/")
                        .extra("host.name", "ignored")
                        .build();
        Set<String> expected = new HashSet<>(AccessEvent.FIELDS);
        expected.remove("@timestamp");
        assertThat(RuleFieldNames.TOP_LEVEL.keySet()).isEqualTo(expected);
        for (String name : RuleFieldNames.TOP_LEVEL.keySet()) {
            assertThat(RuleFieldNames.resolve(name).text(event))
                    .as(name)
                    .isEqualTo(event.get(name));
        }
        AccessEvent noHost = request().host(null).extra("host.name", "h").build();
        assertThat(RuleFieldNames.resolve("host").text(noHost)).isEqualTo(noHost.get("host"));
    }

    @Test
    void compiledConditionsSurviveJavaSerialization() throws Exception {
        Condition condition =
                match(
                        "status: [4xx, 500], method: POST, url: { prefix: /a, regex: 'b+' },"
                                + " clientip: { cidr: ['10.0.0.0/8', '2001:db8::/32'] },"
                                + " size: { gt: 1 }, agent: [x, y], geoip.city_name: { not: Oslo },"
                                + " any: [ { path: { suffix: c } }, { refer: { contains: d } } ]");
        AccessEvent hit =
                request()
                        .status(404)
                        .method("POST")
                        .url("/abbc")
                        .clientip("10.1.1.1")
                        .agent("x")
                        .build();
        assertThat(condition.test(hit)).isTrue();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(condition);
        }
        Condition copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (Condition) in.readObject();
        }
        assertThat(copy.test(hit)).isTrue();
        assertThat(copy.test(request().status(404).method("GET").url("/abbc").build())).isFalse();
        assertThat(copy.toString()).isEqualTo(condition.toString());
    }

    @Test
    void conditionsDescribeThemselvesReadably() throws Exception {
        assertThat(match("method: POST, url: { prefix: /login }, status: [401, 403]").toString())
                .isEqualTo(
                        "(method = \"POST\" and url prefix \"/login\" and status in [401, 403])");
    }
}
