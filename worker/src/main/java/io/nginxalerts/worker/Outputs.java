package io.nginxalerts.worker;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link Output}s named by the settings; the HTTP outputs share one client, and the
 * Alertmanager outputs one {@link Alertmanagers} (one re-send schedule, targets in flag order).
 */
final class Outputs {
    private Outputs() {}

    static List<Output> create(WorkerSettings settings, PrintStream stdout) {
        HttpClient http = HttpPoster.newClient(settings.webhookConnectTimeout());
        HttpPoster poster = new HttpPoster(http, settings.webhookTimeout());
        List<Output> outputs = new ArrayList<>();
        int alertmanagerCount =
                (int)
                        settings.outputs().stream()
                                .filter(o -> o.kind() == OutputSpec.Kind.ALERTMANAGER)
                                .count();
        Alertmanagers alertmanagers =
                alertmanagerCount == 0
                        ? null
                        : new Alertmanagers(
                                new AlertmanagerPayload(settings.alertmanagerGeneratorUrl()),
                                new ResendSchedule(
                                        settings.alertmanagerResendEvery(),
                                        settings.alertmanagerMaxFiring(),
                                        alertmanagerCount,
                                        System::currentTimeMillis),
                                new Retry(settings.retryBackoff(), settings.retryBackoffMax()));
        for (OutputSpec spec : settings.outputs()) {
            outputs.add(
                    switch (spec.kind()) {
                        case STDOUT_JSON -> new StdoutOutput(stdout, false);
                        case STDOUT_TEXT -> new StdoutOutput(stdout, true);
                        case FILE -> new FileOutput(spec.path());
                        case WEBHOOK ->
                                new WebhookOutput(spec.uri(), settings.webhookHeaders(), poster);
                        case SLACK -> new SlackOutput(spec.uri(), poster);
                        case ALERTMANAGER -> alertmanagers.add(spec.uri(), poster);
                    });
        }
        return outputs;
    }
}
