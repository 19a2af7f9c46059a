package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.core.traffic.LineEncoder;
import io.nginxalerts.core.traffic.LineFormat;
import io.nginxalerts.core.traffic.TrafficGenerator;
import io.nginxalerts.core.traffic.TrafficProfile;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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

    @Test
    void answersExactlyAsTheRegexOnGeneratedTraffic() {
        LogParser parser =
                new LogParser(new ParserSettings(65536, Duration.ofDays(3650), Clock.systemUTC()));
        TrafficGenerator generator =
                new TrafficGenerator(
                        TrafficProfile.bench(5_000).toBuilder().attackFraction(0.2).build());
        LineEncoder encoder = new LineEncoder(LineFormat.NGINX_JSON);
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
                    ParseResult r = parser.parse(encoder.encode(generator.next()));
                    AccessEvent e = r.event();
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
