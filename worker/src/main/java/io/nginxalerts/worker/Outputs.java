package io.nginxalerts.worker;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@link Output}s named by the settings; webhook and Slack outputs share one client. */
final class Outputs {
    private Outputs() {}

    static List<Output> create(WorkerSettings settings, PrintStream stdout) {
        HttpClient http = HttpPoster.newClient(settings.webhookConnectTimeout());
        HttpPoster poster = new HttpPoster(http, settings.webhookTimeout());
        List<Output> outputs = new ArrayList<>();
        for (OutputSpec spec : settings.outputs()) {
            outputs.add(
                    switch (spec.kind()) {
                        case STDOUT_JSON -> new StdoutOutput(stdout, false);
                        case STDOUT_TEXT -> new StdoutOutput(stdout, true);
                        case FILE -> new FileOutput(spec.path());
                        case WEBHOOK ->
                                new WebhookOutput(spec.uri(), settings.webhookHeaders(), poster);
                        case SLACK -> new SlackOutput(spec.uri(), poster);
                    });
        }
        return outputs;
    }
}
