package io.nginxalerts.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nginxalerts.core.alert.Alert;
import java.net.URI;
import java.util.List;

/**
 * Posts a Slack-compatible incoming-webhook message ({@code {"text": …}} in mrkdwn, see {@link
 * SlackText} for the escaping of user-controlled text). Link unfurling is off so a URL from a log
 * line never makes Slack fetch it. A resolved record is marked as such (see {@link
 * SlackText#message}): a check mark and RESOLVED instead of the siren, and when it ended.
 */
final class SlackOutput implements Output {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final HttpPoster poster;

    SlackOutput(URI url, HttpPoster poster) {
        this.url = url;
        this.poster = poster;
    }

    @Override
    public String describe() {
        return "slack " + Secrets.describeUrl(url);
    }

    @Override
    public void deliver(Alert alert, String json) throws DeliveryException {
        poster.post(url, describe(), List.of(), null, payload(alert));
    }

    static String payload(Alert alert) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("text", SlackText.message(alert));
        payload.put("mrkdwn", true);
        payload.put("unfurl_links", false);
        payload.put("unfurl_media", false);
        try {
            return JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }
}
