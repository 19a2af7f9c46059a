package io.nginxalerts.core.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a small tree that remembers the line of every key and value, which Jackson's
 * {@code JsonNode} forgets; rule errors need it for {@code file:line: message}. Scalars keep the
 * text as written ({@code 404}, {@code 0x1F}, {@code yes}), so the rule compiler decides what a
 * value means, not YAML 1.1's implicit typing.
 */
final class YamlNode {
    /** Deeper nesting than any rule needs; the limit keeps recursion far from the stack's end. */
    static final int MAX_DEPTH = 32;

    /** {@code key:} with nothing after it is empty (null), not an empty text; {@code ''} is. */
    private static final YAMLFactory YAML =
            YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();

    enum Kind {
        MAP,
        LIST,
        SCALAR,
        NULL
    }

    /** A key of a mapping, its line, and its value. */
    record Entry(String key, int line, YamlNode value) {}

    final Kind kind;
    final int line;

    /** The scalar as written; {@code null} unless {@link Kind#SCALAR}. */
    final String text;

    final Map<String, Entry> entries;
    final List<YamlNode> items;

    private YamlNode(
            Kind kind, int line, String text, Map<String, Entry> entries, List<YamlNode> items) {
        this.kind = kind;
        this.line = line;
        this.text = text;
        this.entries = entries;
        this.items = items;
    }

    /** What the node is, in words for messages: "a mapping", "a list", "a value", "empty". */
    String describe() {
        switch (kind) {
            case MAP:
                return "a mapping";
            case LIST:
                return "a list";
            case SCALAR:
                return "'" + text + "'";
            default:
                return "empty";
        }
    }

    /**
     * Reads one YAML document; on a syntax error (or a second document) records the problem and
     * returns {@code null}. An empty file yields {@code null} too.
     */
    static YamlNode read(String yamlText, Problems problems) {
        return read(
                yamlText,
                problems,
                "the file is empty; a rule needs at least id, severity and within");
    }

    /**
     * As {@link #read(String, Problems)}; an empty document (nothing but comments, say) is the
     * problem {@code whenEmpty}, or, if that is null, an empty node ({@link Kind#NULL}).
     */
    static YamlNode read(String yamlText, Problems problems, String whenEmpty) {
        try (JsonParser parser = YAML.createParser(yamlText)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                if (whenEmpty == null) {
                    return new YamlNode(Kind.NULL, 1, null, Map.of(), List.of());
                }
                problems.add(1, whenEmpty);
                return null;
            }
            YamlNode root = readValue(parser, token, 0, -1, problems);
            if (parser.nextToken() != null) {
                problems.add(line(parser), "a second YAML document ('---'); put one rule per file");
                return null;
            }
            return root;
        } catch (Invalid e) {
            problems.add(e.line, e.getMessage());
            return null;
        } catch (MarkedYAMLException e) {
            int line =
                    e.getProblemMark() != null
                            ? e.getProblemMark().getLine() + 1
                            : e.getLocation().getLineNr();
            String problem = e.getProblem() != null ? e.getProblem() : e.getOriginalMessage();
            problems.add(line, "YAML syntax error: " + firstLine(problem));
            return null;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() != null ? e.getLocation().getLineNr() : 1;
            problems.add(line, "YAML syntax error: " + firstLine(e.getOriginalMessage()));
            return null;
        } catch (IOException e) {
            problems.add(1, "cannot read YAML: " + firstLine(e.getMessage()));
            return null;
        }
    }

    private static YamlNode readValue(
            JsonParser parser, JsonToken token, int depth, int keyLine, Problems problems)
            throws IOException {
        if (token == null) {
            throw new Invalid(keyLine, "YAML syntax error: unexpected end of the document");
        }
        int line = line(parser);
        switch (token) {
            case START_OBJECT:
                {
                    if (depth >= MAX_DEPTH) {
                        throw new Invalid(line, "nested deeper than " + MAX_DEPTH + " levels");
                    }
                    Map<String, Entry> entries = new LinkedHashMap<>();
                    JsonToken next;
                    while ((next = parser.nextToken()) != JsonToken.END_OBJECT) {
                        if (next != JsonToken.FIELD_NAME) {
                            // Jackson reports odd keys itself; this guards the loop regardless.
                            throw new Invalid(line(parser), "YAML syntax error: expected a key");
                        }
                        String key = parser.currentName();
                        int entryLine = line(parser);
                        YamlNode value =
                                readValue(
                                        parser, parser.nextToken(), depth + 1, entryLine, problems);
                        if (entries.containsKey(key)) {
                            problems.add(entryLine, "duplicate key '" + key + "'");
                        } else {
                            entries.put(key, new Entry(key, entryLine, value));
                        }
                    }
                    return new YamlNode(
                            Kind.MAP, line, null, Collections.unmodifiableMap(entries), List.of());
                }
            case START_ARRAY:
                {
                    if (depth >= MAX_DEPTH) {
                        throw new Invalid(line, "nested deeper than " + MAX_DEPTH + " levels");
                    }
                    List<YamlNode> items = new ArrayList<>();
                    JsonToken next;
                    while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                        items.add(readValue(parser, next, depth + 1, -1, problems));
                    }
                    return new YamlNode(
                            Kind.LIST, line, null, Map.of(), Collections.unmodifiableList(items));
                }
            case VALUE_NULL:
                // An empty value's own position is wherever the next token starts; its key's line
                // is where the user looks.
                return new YamlNode(
                        Kind.NULL, keyLine > 0 ? keyLine : line, null, Map.of(), List.of());
            case VALUE_STRING:
            case VALUE_TRUE:
            case VALUE_FALSE:
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new YamlNode(Kind.SCALAR, line, parser.getText(), Map.of(), List.of());
            default:
                throw new Invalid(line, "unsupported YAML value (" + token + ")");
        }
    }

    private static int line(JsonParser parser) {
        return Math.max(1, parser.currentTokenLocation().getLineNr());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    /** Aborts reading a document that is valid YAML but not something a rule can be. */
    private static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;

        Invalid(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }
}
