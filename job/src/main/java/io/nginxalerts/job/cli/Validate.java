package io.nginxalerts.job.cli;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleException;
import io.nginxalerts.core.rules.RuleLoader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code validate DIR}: loads every rule file in a directory and its folders, with the list files
 * and the {@code allowlist.yaml} they use, and prints each problem as {@code file:line: message}.
 * Exit code 0 when all rules are valid, 1 when any is not, 2 on usage errors.
 */
public final class Validate {
    private Validate() {}

    public static int main(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv);
        if (args.positional().size() != 1 || !args.options().isEmpty()) {
            err.println("usage: nginx-alerts validate DIR");
            return 2;
        }
        Path dir = Path.of(args.positional().get(0));
        if (!Files.isDirectory(dir)) {
            err.println("nginx-alerts validate: not a directory: " + dir);
            return 2;
        }
        try {
            List<Rule> rules = RuleLoader.loadDirectory(dir);
            out.printf("%s: %d rule(s) valid%n", dir, rules.size());
            for (Rule rule : rules) {
                out.printf(
                        "  %-32s %-8s %s: %s%n",
                        rule.id(),
                        rule.severity().code(),
                        rule.describeKind(),
                        firstSentence(rule.description()));
            }
            return 0;
        } catch (RuleException e) {
            for (String problem : e.problems()) {
                out.println(problem);
            }
            err.printf("%s: %d problem(s)%n", dir, e.problems().size());
            return 1;
        }
    }

    static String firstSentence(String text) {
        int end = text.indexOf(". ");
        String s = end < 0 ? text : text.substring(0, end + 1);
        return s.length() <= 90 ? s : s.substring(0, 89) + "…";
    }
}
