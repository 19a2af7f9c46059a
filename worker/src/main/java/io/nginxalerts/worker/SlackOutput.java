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
 * line never makes Slack fetch it. The headline is the message's text, the details an attachment
 * whose side bar is coloured by {@link SlackText#color} (green once resolved, red for critical,
 * yellow for warning). A resolved record is marked as such (see {@link SlackText#headline}): a
 * check mark and RESOLVED instead of the siren, and when it ended.
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
        // The headline is the notification's text; the rest sits beside a bar coloured by state
        // and severity, so a resolved record reads green at a glance. Attachments are what
        // Slack-compatible receivers (Mattermost, Rocket.Chat) colour too; blocks are not.
        String headline = SlackText.headline(alert);
        payload.put("text", headline);
        ObjectNode attachment = payload.putArray("attachments").addObject();
        attachment.put("color", SlackText.color(alert));
        attachment.put("fallback", headline);
        attachment.put("text", SlackText.details(alert));
        attachment.putArray("mrkdwn_in").add("text");
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
