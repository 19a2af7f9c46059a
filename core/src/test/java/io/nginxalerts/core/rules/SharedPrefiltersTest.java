package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shipped rule set's regexes share one prefilter scan per field, and that scan answers for each
 * regex exactly what its own prefilter answers, on texts built from every literal (in other cases,
 * cut short, among other text, next to characters outside ASCII) and on random text.
 */
class SharedPrefiltersTest {

    @Test
    void answersForEachRegexAsItsOwnPrefilterDoes() throws Exception {
        List<Conditions.RegexFind> finds =
                sharedFinds(RuleLoader.loadDirectory(Path.of("..", "rules")));
        assertThat(finds).hasSizeGreaterThan(5);

        List<String> literals = new ArrayList<>();
        finds.forEach(f -> literals.addAll(f.prefilter().literals()));
        Random random = new Random(7);
        List<String> texts = new ArrayList<>(List.of("", "a", "é", "/index.html?q=1"));
        for (String l : literals) {
            texts.add(l);
            texts.add(l.toUpperCase(Locale.ROOT));
            texts.add("/shop/item?id=" + l + "&x=1");
            texts.add(l.substring(0, l.length() - 1));
            texts.add("/caf\u00e9/" + l);
            texts.add(l + "\u2603");
        }
        for (int i = 0; i < 5_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(60);
            for (int j = 0; j < n; j++) {
                b.append(
                        random.nextInt(10) == 0
                                ? literals.get(random.nextInt(literals.size()))
                                : (char) (32 + random.nextInt(95)));
            }
            texts.add(b.toString());
        }

        int checked = 0;
        for (String text : texts) {
            for (Conditions.RegexFind f : finds) {
                // A new String each time: the shared scan keeps its last text by identity.
                String copy = new String(text);
                assertThat(f.sharedMayMatch(copy))
                        .as("%s on \"%s\"", f, text)
                        .isEqualTo(f.prefilter().mayMatch(text));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10_000);
    }

    @Test
    void givesTheRegexesOfOneFieldOneScan() throws Exception {
        List<Conditions.RegexFind> finds =
                sharedFinds(RuleLoader.loadDirectory(Path.of("..", "rules")));
        Map<SharedPrefilters, Boolean> scans = new IdentityHashMap<>();
        finds.forEach(f -> scans.put(f.sharedScan(), Boolean.TRUE));

        // Many payload regexes read url_decoded: fewer scans than regexes.
        assertThat(scans.size()).isLessThan(finds.size());
    }

    /** The regex conditions of the rules that share a scan. */
    static List<Conditions.RegexFind> sharedFinds(List<Rule> rules) {
        List<Conditions.RegexFind> out = new ArrayList<>();
        Map<Condition, Boolean> seen = new IdentityHashMap<>();
        for (Rule rule : rules) {
            for (Step step : rule.steps()) {
                collect(step.condition(), out, seen);
            }
        }
        return out;
    }

    private static void collect(
            Condition c, List<Conditions.RegexFind> out, Map<Condition, Boolean> seen) {
        if (seen.put(c, Boolean.TRUE) != null) {
            return;
        }
        if (c instanceof Conditions.AllOf all) {
            all.parts().forEach(p -> collect(p, out, seen));
        } else if (c instanceof Conditions.AnyOf any) {
            any.parts().forEach(p -> collect(p, out, seen));
        } else if (c instanceof Conditions.Not not) {
            collect(not.inner(), out, seen);
        } else if (c instanceof Conditions.RegexFind f && f.sharedScan() != null) {
            out.add(f);
        }
    }
}
