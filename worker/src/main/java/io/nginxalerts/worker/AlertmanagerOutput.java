package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alert;
import java.net.URI;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Posts alerts to one Alertmanager's API v2 ({@code POST <url>/api/v2/alerts}, see {@link
 * AlertmanagerPayload} for the mapping; {@link HttpPoster} for which answers are accepted,
 * retryable or permanent). One per {@code --output alertmanager:URL}: each of an HA pair gets every
 * alert and is retried on its own, like a webhook.
 *
 * <p>A firing record it delivered is then re-sent by the worker's {@link Alertmanagers} until the
 * episode's resolved record is delivered. Deliveries and re-sends to this Alertmanager take turns
 * (one lock), so a re-sent firing alert never arrives after its resolved record, which would make
 * Alertmanager fire it again.
 */
final class AlertmanagerOutput implements Output {
    static final String API_PATH = "/api/v2/alerts";

    private final URI url;
    private final int target;
    private final HttpPoster poster;
    private final Alertmanagers group;

    AlertmanagerOutput(URI url, int target, HttpPoster poster, Alertmanagers group) {
        this.url = alertsUrl(url);
        this.target = target;
        this.poster = poster;
        this.group = group;
    }

    /** {@code base/api/v2/alerts}, unless the URL already ends with it. */
    static URI alertsUrl(URI base) {
        String s = base.toString();
        if (s.endsWith(API_PATH)) {
            return base;
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s + API_PATH);
    }

    URI url() {
        return url;
    }

    int target() {
        return target;
    }

    Alertmanagers group() {
        return group;
    }

    @Override
    public String describe() {
        return "alertmanager " + Secrets.describeUrl(url);
    }

    @Override
    public synchronized void deliver(Alert alert, String json) throws DeliveryException {
        post(List.of(alert));
        if (alert.resolved()) {
            group.schedule().resolved(alert.fingerprint());
        } else {
            group.dropped(group.schedule().fired(alert, target));
        }
    }

    /**
     * Re-sends what is due here, if it is still firing when this output's turn comes.
     *
     * @param stillFiring keeps the alerts whose episode is still open (the others are dropped from
     *     the schedule by the caller)
     */
    synchronized List<Alert> resendDue(UnaryOperator<List<Alert>> stillFiring)
            throws DeliveryException {
        List<Alert> due = group.schedule().due(target);
        if (due.isEmpty()) {
            return due;
        }
        List<Alert> open = stillFiring.apply(due);
        for (int from = 0; from < open.size(); from += Alertmanagers.BATCH) {
            List<Alert> batch =
                    open.subList(from, Math.min(open.size(), from + Alertmanagers.BATCH));
            try {
                post(batch);
            } catch (DeliveryException e) {
                group.schedule()
                        .failed(target, open.subList(from, open.size()), group.retryIn(target));
                throw e;
            }
            group.schedule().sent(target, batch);
        }
        return open;
    }

    private void post(List<Alert> alerts) throws DeliveryException {
        poster.post(url, describe(), List.of(), null, group.payload().body(alerts));
    }
}
