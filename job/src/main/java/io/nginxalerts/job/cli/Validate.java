package io.nginxalerts.job.cli;

import io.nginxalerts.core.parse.LogFormat;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleException;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.job.JobOptions;
import io.nginxalerts.job.JobSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code validate DIR}: loads every rule file in a directory and its folders, with the list files
 * and the {@code allowlist.yaml} they use, and prints each problem as {@code file:line: message}.
 * With {@code --input.log-format} (or {@code --input.log-format-file} and {@code
 * --input.log-format-name}) it also compiles that log format and prints what each variable maps to;
 * DIR may then be left out. Exit code 0 when all is valid, 1 when anything is not, 2 on usage
 * errors.
 */
public final class Validate {
    private Validate() {}

    static final String USAGE =
            "usage: nginx-alerts validate [DIR] [--input.log-format FORMAT |"
                    + " --input.log-format-file NGINX_CONF [--input.log-format-name NAME]]";

    private static final Set<String> FORMAT_OPTIONS =
            Set.of(
                    JobOptions.INPUT_LOG_FORMAT.key(),
                    JobOptions.INPUT_LOG_FORMAT_FILE.key(),
                    JobOptions.INPUT_LOG_FORMAT_NAME.key());

    public static int main(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv);
        boolean formatGiven = !args.options().isEmpty();
        if (args.positional().size() > 1
                || (args.positional().isEmpty() && !formatGiven)
                || !FORMAT_OPTIONS.containsAll(args.options().keySet())) {
            err.println(USAGE);
            return 2;
        }
        if (formatGiven) {
            int status = validateFormat(args, out, err);
            if (status != 0 || args.positional().isEmpty()) {
                return status;
            }
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

    private static int validateFormat(Args args, PrintStream out, PrintStream err) {
        LogFormat format;
        try {
            format = JobSettings.logFormat(args.flat(Set.of()));
        } catch (IllegalArgumentException e) {
            err.println("nginx-alerts validate: " + e.getMessage());
            return 1;
        }
        if (format == null) {
            err.println(USAGE);
            return 2;
        }
        out.printf(
                "log format valid (escape=%s): %d variable(s)%n",
                format.escape().name().toLowerCase(Locale.ROOT), format.mappings().size());
        for (Map.Entry<String, String> m : format.mappings()) {
            out.printf("  %-32s -> %s%n", m.getKey(), m.getValue());
        }
        return 0;
    }

    static String firstSentence(String text) {
        int end = text.indexOf(". ");
        String s = end < 0 ? text : text.substring(0, end + 1);
        return s.length() <= 90 ? s : s.substring(0, 89) + "…";
    }
}
