package io.nginxalerts.job.cli;

import java.util.Arrays;

/**
 * Entry point of the {@code ./nginx-alerts} launcher for the commands that run in one local JVM:
 * {@code backtest} and {@code validate}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: nginx-alerts backtest|validate ...");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        int code =
                switch (args[0]) {
                    case "backtest" -> Backtest.main(rest, System.err);
                    case "validate" -> Validate.main(rest, System.out, System.err);
                    default -> {
                        System.err.println("nginx-alerts: unknown command " + args[0]);
                        yield 2;
                    }
                };
        System.exit(code);
    }
}
