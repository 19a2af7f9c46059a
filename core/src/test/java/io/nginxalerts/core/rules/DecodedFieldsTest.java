package io.nginxalerts.core.rules;

import static io.nginxalerts.core.rules.ConditionsTest.match;
import static io.nginxalerts.core.rules.ConditionsTest.matches;
import static io.nginxalerts.core.rules.TestEvent.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.event.AccessEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/** The decoded fields in conditions and {@code group_by}, read from events as rules see them. */
class DecodedFieldsTest {

    @Test
    void urlDecodedSeesThroughDoubleEncodingAndCase() throws Exception {
        Condition traversal = match("url_decoded: { contains: '../' }");
        assertThat(traversal.test(request().url("/a/%252E%252E%252Fetc/passwd").build())).isTrue();
        assertThat(traversal.test(request().url("/a/%2e%2e/etc").build())).isTrue();
        assertThat(traversal.test(request().url("/a/b/etc").build())).isFalse();
        // The stored field is untouched: it still has the escapes.
        assertThat(matches("url: { contains: '../' }", request().url("/%2e%2e/x"))).isFalse();
    }

    @Test
    void pathDecodedKeepsPlusAndQueryDecodedMakesItASpace() throws Exception {
        TestEvent event = request().url("/C++/a+b?q=UNION+Select%2520*");
        assertThat(matches("path_decoded: /c++/a+b", event)).isTrue();
        assertThat(matches("query_decoded: 'q=union select *'", event)).isTrue();
        assertThat(matches("url_decoded: '/c++/a+b?q=union select *'", event)).isTrue();
    }

    @Test
    void agentLowerIsOnlyLowerCased() throws Exception {
        TestEvent event = request().agent("SQLMap/1.7%2e2 (+https://sqlmap.org)");
        assertThat(matches("agent_lower: { prefix: sqlmap/1.7%2e2 }", event)).isTrue();
        assertThat(matches("agent: { prefix: sqlmap }", event)).isFalse();
    }

    @Test
    void aMissingSourceFieldMatchesNothingButNot() throws Exception {
        TestEvent noQuery = request().url("/plain");
        assertThat(matches("query_decoded: { contains: a }", noQuery)).isFalse();
        assertThat(matches("query_decoded: { not: { contains: a } }", noQuery)).isTrue();
        assertThat(matches("agent_lower: { contains: a }", request().agent(null))).isFalse();
    }

    @Test
    void decodedFieldsWorkInGroupBy() throws Exception {
        Rule rule =
                RuleLoader.parse(
                        "<inline>",
                        "id: t\nseverity: info\nwithin: 1m\n"
                                + "group_by: [clientip, path_decoded]\n"
                                + "match: { status: 404 }\n");
        AccessEvent event = request().url("/%2E%2Eenv?x=1").status(404).build();
        assertThat(rule.keyOf(event)).isEqualTo("203.0.113.7" + Rule.KEY_SEPARATOR + "/..env");
        assertThat(rule.keyFields(event))
                .containsExactly(
                        org.assertj.core.api.Assertions.entry("clientip", "203.0.113.7"),
                        org.assertj.core.api.Assertions.entry("path_decoded", "/..env"));
        Rule byAgent =
                RuleLoader.parse(
                        "<inline>",
                        "id: t\nseverity: info\nwithin: 1m\ngroup_by: agent_lower\n"
                                + "match: { status: 404 }\n");
        assertThat(byAgent.keyOf(request().agent("Nikto").build())).isEqualTo("nikto");
        assertThat(byAgent.keyOf(request().agent(null).build())).isNull();
    }

    @Test
    void eachEventIsDecodedOnceHoweverManyConditionsReadIt() {
        AccessEvent first = request().url("/%41").build();
        String decoded = DecodedField.URL.text(first);
        assertThat(decoded).isEqualTo("/a");
        // The same instance comes back: computed once, then read from the memo.
        assertThat(DecodedField.URL.text(first)).isSameAs(decoded);
        // An equal but distinct event is another event: computed afresh, same value.
        AccessEvent equal = request().url("/%41").build();
        assertThat(equal).isEqualTo(first);
        String again = DecodedField.URL.text(equal);
        assertThat(again).isEqualTo("/a").isNotSameAs(decoded);
        AccessEvent other = request().url("/%42").build();
        assertThat(DecodedField.URL.text(other)).isEqualTo("/b");
        assertThat(DecodedField.PATH.text(other)).isEqualTo("/b");
    }

    @Test
    void threadsTakingTurnsEachReadTheirOwnEventsFields() throws Exception {
        // Two threads in lock step over different events, so each finds the other's memo last.
        CyclicBarrier turn = new CyclicBarrier(2);
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        Runnable reader =
                () -> {
                    String me = Thread.currentThread().getName();
                    try {
                        for (int i = 0; i < 2_000; i++) {
                            int d = 1 + i % 9;
                            // %41 is A, %42 B, ...: decoded and lower-cased, a, b, ...
                            AccessEvent event = request().url("/" + me + "/%4" + d).build();
                            String expected = "/" + me + "/" + (char) ('a' + d - 1);
                            turn.await();
                            String got = DecodedField.URL.text(event);
                            if (!got.equals(expected)) {
                                wrong.add(me + " round " + i + ": " + got);
                            }
                            turn.await();
                        }
                    } catch (Exception e) {
                        wrong.add(me + ": " + e);
                    }
                };
        Thread a = new Thread(reader, "thread-a");
        Thread b = new Thread(reader, "thread-b");
        a.start();
        b.start();
        a.join();
        b.join();

        assertThat(wrong).isEmpty();
    }
}
