package io.nginxalerts.job.cli;

import java.util.Arrays;

/**
 * Entry point of the {@code ./nginx-alerts} launcher for the commands that run in one local JVM:
 * {@code backtest}, {@code validate} and {@code rules apply} (which drives a Flink cluster over
 * REST).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: nginx-alerts backtest|validate|rules apply ...");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        int code =
                switch (args[0]) {
                    case "backtest" -> Backtest.main(rest, System.err);
                    case "validate" -> Validate.main(rest, System.out, System.err);
                    case "rules" -> rules(rest);
                    default -> {
                        System.err.println("nginx-alerts: unknown command " + args[0]);
                        yield 2;
                    }
                };
        System.exit(code);
    }

    private static int rules(String[] args) {
        if (args.length == 0 || !args[0].equals("apply")) {
            System.err.println(RulesApply.USAGE);
            return 2;
        }
        return RulesApply.main(Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
    }
}
