package io.nginxalerts.demo;

import io.nginxalerts.core.rules.RuleException;
import java.io.PrintStream;

/**
 * {@code ./nginx-alerts demo}: the whole pipeline on one machine with nothing but a JDK. Exit
 * status: 0 when {@code --once} delivered every alert (or after Ctrl-C), 1 on a failure, 2 on a bad
 * option or rule.
 */
public final class DemoMain {
    private DemoMain() {}

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(DemoOptions.USAGE);
            return;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("nginx-alerts demo: " + e.getMessage());
            System.err.print(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        // Only alerts go to stdout (so `demo | jq` works); libraries that print to System.out
        // (Kafka's storage formatter does) are sent to stderr with everything else.
        PrintStream alerts = System.out;
        System.setOut(System.err);
        Demo demo = new Demo(options, alerts, System.err);
        Thread hook =
                new Thread(
                        () -> {
                            System.err.println("nginx-alerts demo: stopping...");
                            demo.close();
                        },
                        "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int status;
        try {
            status = demo.run();
        } catch (RuleException e) {
            System.err.println(e.getMessage());
            status = 2;
        } catch (IllegalArgumentException e) {
            System.err.println("nginx-alerts demo: " + e.getMessage());
            status = 2;
        } catch (Exception | Error e) {
            // Errors too (a class missing from the class path): the worker, Kafka and Redis
            // threads would otherwise keep the JVM up with nothing left to do.
            System.err.println("nginx-alerts demo: failed: " + e);
            e.printStackTrace(System.err);
            status = 1;
        }
        // The hook closes everything once, whichever way the JVM ends.
        System.exit(status);
    }
}
