package io.nginxalerts.job.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.nginxalerts.core.parse.DeadLetter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The dead-letter JSON: {@code {"reason","detail","raw","topic","partition","offset"}}, one line,
 * always valid JSON whatever bytes {@code raw} held.
 */
public final class DeadLetterJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private DeadLetterJson() {}

    public static String encode(DeadLetter dead) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("reason", dead.reason());
            g.writeStringField("detail", dead.detail());
            g.writeStringField("raw", dead.raw());
            g.writeStringField("topic", dead.topic());
            g.writeNumberField("partition", dead.partition());
            g.writeNumberField("offset", dead.offset());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string cannot fail", e);
        }
        return out.toString();
    }
}
