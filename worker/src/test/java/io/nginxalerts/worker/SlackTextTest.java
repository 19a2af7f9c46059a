package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.testing.TestAlerts;
import org.junit.jupiter.api.Test;

class SlackTextTest {
    private static final String ZWSP = "\u200B";

    @Test
    void escapesAmpersandAndAngleBracketsSoNoMentionOrLinkCanBeFormed() {
        String escaped =
                SlackText.plain("<!channel> <!everyone> <@U1> <http://x.test|ok> a&b", 500);
        assertThat(escaped)
                .isEqualTo(
                        "&lt;!channel&gt; &lt;!everyone&gt; &lt;@U1&gt; &lt;http://x.test|ok&gt;"
                                + " a&amp;b");
    }

    @Test
    void breaksBareBroadcastMentions() {
        assertThat(SlackText.plain("hi @here and @channel and @Everyone, mail a@b.c", 500))
                .isEqualTo(
                        "hi @"
                                + ZWSP
                                + "here and @"
                                + ZWSP
                                + "channel and @"
                                + ZWSP
                                + "Everyone, mail a@b.c");
    }

    @Test
    void neutralisesFormattingCharactersInPlainText() {
        assertThat(SlackText.plain("*b* _i_ ~s~ `c`", 500))
                .doesNotContain("*b*", "_i_", "~s~", "`c`")
                .isEqualTo(
                        (ZWSP + "*" + ZWSP + "b" + ZWSP + "*" + ZWSP + " ")
                                + (ZWSP + "_" + ZWSP + "i" + ZWSP + "_" + ZWSP + " ")
                                + (ZWSP + "~" + ZWSP + "s" + ZWSP + "~" + ZWSP + " ")
                                + (ZWSP + "`" + ZWSP + "c" + ZWSP + "`" + ZWSP));
    }

    @Test
    void aBacktickCannotCloseACodeSpan() {
        assertThat(SlackText.code("a` <!here> *x*")).isEqualTo("`a\u02CB &lt;!here&gt; *x*`");
    }

    @Test
    void lineBreaksCannotFakeExtraLinesAndLongValuesAreCut() {
        assertThat(SlackText.plain("line1\nline2\r\t", 500)).isEqualTo("line1 line2  ");
        assertThat(SlackText.plain("x".repeat(50), 10)).isEqualTo("xxxxxxxxxx…");
    }

    @Test
    void theMessageShowsRuleSeverityKeyCountWindowAndSummary() {
        String message = shown(TestAlerts.alert("id-1"));
        assertThat(message)
                .startsWith(":rotating_light: *[WARNING] client-errors-burst*")
                .contains("*Key:* `clientip=203.0.113.7`")
                .contains("*Count:* 20")
                .contains("*Window:* 2026-11-18T")
                .contains("(39s)")
                .contains("*Summary:* client-errors-burst: 20 matching requests")
                .contains("`2026-11-18T");
    }

    @Test
    void aResolvedRecordSaysResolvedAndWhenItEndedInsteadOfTheSiren() {
        io.nginxalerts.core.alert.Alert firing = TestAlerts.alert("a1");
        String resolved = shown(firing.resolvedAt(TestAlerts.LAST_SEEN + 300_000, 0));

        assertThat(shown(firing)).startsWith(":rotating_light: *[WARNING]");
        assertThat(resolved)
                .startsWith(":white_check_mark: *RESOLVED* *[WARNING] client-errors-burst*\n")
                .contains("*Ended:* 2026-11-18T11:12:19Z")
                .doesNotContain(":rotating_light:");
    }

    @Test
    void theSideBarIsGreenOnceResolvedAndOtherwiseColouredBySeverity() {
        assertThat(SlackText.color(TestAlerts.alert("a1"))).isEqualTo("warning");
        assertThat(SlackText.color(withSeverity("critical"))).isEqualTo("danger");
        assertThat(SlackText.color(withSeverity("info"))).isEqualTo("#439FE0");
        assertThat(SlackText.color(withSeverity("critical").resolvedAt(TestAlerts.LAST_SEEN, 0)))
                .isEqualTo("good");
    }

    /**
     * What Slack shows for the alert: the payload's text (the headline) above its attachment's text
     * (the details).
     */
    private static String shown(io.nginxalerts.core.alert.Alert alert) {
        try {
            com.fasterxml.jackson.databind.JsonNode payload =
                    new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(SlackOutput.payload(alert));
            return payload.get("text").asText()
                    + "\n"
                    + payload.get("attachments").get(0).get("text").asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static io.nginxalerts.core.alert.Alert withSeverity(String severity) {
        io.nginxalerts.core.alert.Alert a = TestAlerts.alert("a1");
        return new io.nginxalerts.core.alert.Alert(
                a.id(),
                a.rule(),
                severity,
                a.key(),
                a.count(),
                a.firstSeen(),
                a.lastSeen(),
                a.detectedAt(),
                a.summary(),
                a.description(),
                a.evidence(),
                a.schema());
    }

    @Test
    void thePayloadPutsTheHeadlineInTextAndTheDetailsInAColouredAttachment() throws Exception {
        io.nginxalerts.core.alert.Alert resolved =
                TestAlerts.alert("a1").resolvedAt(TestAlerts.LAST_SEEN + 300_000, 0);
        com.fasterxml.jackson.databind.JsonNode payload =
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(SlackOutput.payload(resolved));
        assertThat(payload.get("text").asText())
                .isEqualTo(":white_check_mark: *RESOLVED* *[WARNING] client-errors-burst*");
        com.fasterxml.jackson.databind.JsonNode attachment = payload.get("attachments").get(0);
        assertThat(attachment.get("color").asText()).isEqualTo("good");
        assertThat(attachment.get("fallback").asText()).isEqualTo(payload.get("text").asText());
        assertThat(attachment.get("text").asText())
                .startsWith("*Ended:* 2026-11-18T11:12:19Z\n")
                .contains("*Count:* 20");
        assertThat(attachment.get("mrkdwn_in").get(0).asText()).isEqualTo("text");
        assertThat(payload.get("unfurl_links").asBoolean()).isFalse();
    }
}
