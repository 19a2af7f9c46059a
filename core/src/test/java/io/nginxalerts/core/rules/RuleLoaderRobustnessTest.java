package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whatever the text, {@link RuleLoader#parse} returns a rule or throws a {@link RuleException}. */
class RuleLoaderRobustnessTest {
    private static final String SEED_RULE =
            """
            id: x
            description: "seed"
            severity: critical
            group_by: [clientip, geoip.country_code2]
            sequence:
              - match:
                  method: POST
                  url: { prefix: /login, regex: '(?i)log[io]n' }
                  status: [401, 4xx]
                  any:
                    - { clientip: { cidr: ['10.0.0.0/8', '::1'] } }
                    - { not: { size: { gt: 1 } } }
                at_least: 5
              - match: { status: { not: 5xx }, upstreamtime: { lte: 2.5 } }
            within: 10m
            suppress: 0s
            """;

    private static final String[] FRAGMENTS = {
        "{",
        "}",
        "[",
        "]",
        ":",
        "- ",
        "\n",
        "  ",
        "'",
        "\"",
        "&a",
        "*a",
        "!!binary",
        "---",
        "~",
        "\t",
        "#",
        "?",
        ",",
        "|",
        ">",
        "%",
        "@",
        "`",
        "\u0000",
        "\uFEFF",
        "\\",
        "0x",
        "1e999",
        "{not: ",
        "regex: '((a{1000}){1000})'",
        "cidr: ",
        "at_least: ",
        "9999999999",
        "::",
        "/"
    };

    @Test
    void theSeedRuleIsValid() throws Exception {
        assertThat(RuleLoader.parse("x.yaml", SEED_RULE).steps()).hasSize(2);
    }

    @Test
    void mutatedRuleTextOnlyEverThrowsRuleException() {
        Random random = new Random(20240611L);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String text = mutate(SEED_RULE, random);
            try {
                RuleLoader.parse("x.yaml", text);
            } catch (RuleException e) {
                assertThat(e.problems()).isNotEmpty().allMatch(p -> p.startsWith("x.yaml:"));
                for (String problem : e.problems()) {
                    if (problem.contains("internal error")) {
                        failures.add(problem + "\n--- input ---\n" + text);
                    }
                }
            } catch (Throwable t) {
                fail("unexpected " + t + " for input:\n" + text, t);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void edgeCaseInputsOnlyEverThrowRuleException() {
        String[] inputs = {
            "",
            " ",
            "\n",
            "---",
            "--- \n...",
            "~",
            "[]",
            "{}",
            "x",
            "123",
            "? a\n: b",
            "a: &x b\nc: *x",
            "id: !!binary aGVsbG8=",
            "id: x\nid: y",
            "\u0000",
            "{".repeat(5000),
            "[".repeat(5000),
            "- ".repeat(3000),
            "a:\n" + "  b:\n".repeat(200),
            "match: " + "{not: ".repeat(100),
            "id: x\nseverity: info\nwithin: 1m\nmatch: { url: { regex: '"
                    + "(".repeat(500)
                    + "' } }"
        };
        for (String input : inputs) {
            try {
                RuleLoader.parse("x.yaml", input);
                fail("accepted: " + input);
            } catch (RuleException e) {
                assertThat(e.problems())
                        .as(input)
                        .isNotEmpty()
                        .noneMatch(p -> p.contains("internal error"));
            }
        }
    }

    private static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(out.length() + 1);
            switch (random.nextInt(4)) {
                case 0 -> out.insert(at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                case 1 -> {
                    int end = Math.min(out.length(), at + 1 + random.nextInt(12));
                    out.delete(Math.min(at, out.length()), end);
                }
                case 2 -> {
                    int from = random.nextInt(out.length());
                    int end = Math.min(out.length(), from + 1 + random.nextInt(30));
                    out.insert(Math.min(at, out.length()), out.substring(from, end));
                }
                default -> {
                    if (at < out.length()) {
                        out.setCharAt(at, (char) (' ' + random.nextInt(95)));
                    }
                }
            }
        }
        return out.toString();
    }
}
