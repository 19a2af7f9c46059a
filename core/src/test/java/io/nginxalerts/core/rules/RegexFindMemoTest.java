package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import io.nginxalerts.core.event.AccessEvent;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Conditions.RegexFind} remembers answers for recent texts (a benchmark optimization): it
 * must answer exactly as the bare regex, for every text, whether remembered or not, including texts
 * whose hashes collide in its table.
 */
class RegexFindMemoTest {
    static final List<String> REGEXES =
            List.of(
                    "(?i)((\\.\\.|%2e%2e|\\.%2e|%2e\\.)(/|\\\\|%2f|%5c)|%252e%252e|/etc/passwd|/proc/self/)",
                    "(?i)\\b(sqlmap|nikto|nmap|masscan|zgrab|nuclei|gobuster|dirbuster|wpscan)\\b",
                    "(?i)/(wp-login\\.php|wp-admin(/|$)|wp-config\\.php|xmlrpc\\.php)",
                    "^/api/");

    /** Pieces of request paths and agents, benign and hostile, that recombine into many texts. */
    private static final List<String> PATHS =
            List.of(
                    "/",
                    "/index.html",
                    "/static/app.js",
                    "/api/v1/users",
                    "/api/orders/42",
                    "/wp-login.php",
                    "/wp-admin/",
                    "/blog/wp-admin",
                    "/xmlrpc.php",
                    "/../../etc/passwd",
                    "/%2e%2e/%2e%2e/etc/shadow",
                    "/img/..%2fsecret",
                    "/proc/self/environ",
                    "/search",
                    "/%252e%252e/boot.ini");

    private static final List<String> QUERIES =
            List.of("", "?q=nmap", "?page=2", "?file=../../x", "?id=1");

    private static final List<String> AGENTS =
            List.of(
                    "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
                    "sqlmap/1.7.2#stable (https://sqlmap.org)",
                    "Mozilla/5.0 (compatible; Nikto/2.5.0)",
                    "curl/8.5.0",
                    "python-requests/2.31",
                    "WPScan v3.8.25",
                    "Mozilla/5.0 nuclei");

    @Test
    void answersExactlyAsTheRegexOnMixedTraffic() {
        // Texts repeat (so answers are remembered) and vary (so slots are overwritten); the
        // seeded mix makes a failure reproducible.
        Random random = new Random(20261206L);
        List<EventField> fields =
                List.of(
                        new EventField.Top(AccessEvent.Field.URL),
                        new EventField.Top(AccessEvent.Field.PATH),
                        new EventField.Top(AccessEvent.Field.AGENT));
        long found = 0;
        for (String regex : REGEXES) {
            Pattern pattern = Pattern.compile(regex);
            for (EventField field : fields) {
                Conditions.RegexFind condition = new Conditions.RegexFind(field, pattern);
                for (int i = 0; i < 20_000; i++) {
                    String path = PATHS.get(random.nextInt(PATHS.size()));
                    String query = QUERIES.get(random.nextInt(QUERIES.size()));
                    AccessEvent e =
                            TestEvent.request()
                                    .url(path + query)
                                    .agent(AGENTS.get(random.nextInt(AGENTS.size())))
                                    .build();
                    String text = field.text(e);
                    boolean expected = text != null && pattern.matcher(text).find();
                    assertThat(condition.test(e)).isEqualTo(expected);
                    assertThat(condition.test(e)).as("remembered").isEqualTo(expected);
                    found += expected ? 1 : 0;
                }
            }
        }
        assertThat(found).as("matches seen").isGreaterThan(100);
    }

    @Test
    void collidingTextsDoNotShareAnAnswer() {
        // "Aa" and "BB" have the same String.hashCode, so they land in the same slot.
        Conditions.RegexFind condition =
                new Conditions.RegexFind(
                        new EventField.Top(AccessEvent.Field.AGENT), Pattern.compile("^Aa$"));
        AccessEvent aa = TestEvent.request().agent("Aa").build();
        AccessEvent bb = TestEvent.request().agent("BB").build();
        for (int i = 0; i < 3; i++) {
            assertThat(condition.test(aa)).isTrue();
            assertThat(condition.test(bb)).isFalse();
        }
    }
}
