package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alert;
import java.net.URI;
import java.util.List;

/**
 * POSTs the alert JSON to a URL with the configured custom headers (see {@link HttpPoster} for
 * which answers count as accepted, retryable or permanent). Sends {@code Idempotency-Key: <alert
 * id>} so a receiver can deduplicate too.
 */
final class WebhookOutput implements Output {
    private final URI url;
    private final List<HttpHeader> headers;
    private final HttpPoster poster;

    WebhookOutput(URI url, List<HttpHeader> headers, HttpPoster poster) {
        this.url = url;
        this.headers = List.copyOf(headers);
        this.poster = poster;
    }

    @Override
    public String describe() {
        return "webhook " + Secrets.describeUrl(url);
    }

    @Override
    public void deliver(Alert alert, String json) throws DeliveryException {
        poster.post(url, describe(), headers, alert.id(), json);
    }
}
