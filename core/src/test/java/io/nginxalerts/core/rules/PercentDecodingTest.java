package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The percent-decoding behind the decoded rule fields, case by case. */
class PercentDecodingTest {

    private static String path(String text) {
        return PercentDecoding.decode(text, false);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "%2e | .",
                "%2E | .",
                "%2f%2E%2e%2F | /../",
                "%252e%252e | ..",
                "%252E%252E%252f | ../",
                "%25252e | .",
                "%2525252e | %2e",
                "%C3%A4 | ä",
                "%c3%a4 | ä",
                "%E2%82%AC | €",
                "%F0%9F%98%80 | \uD83D\uDE00",
                "%e2%82 | \uFFFD",
                "%C3 | \uFFFD",
                "%C3%28 | \uFFFD(",
                "%FF | \uFFFD",
                "%C0%AE | \uFFFD\uFFFD",
                "%c3%a4%2e | ä.",
                "% | %",
                "%z | %z",
                "%zz | %zz",
                "%2 | %2",
                "a% | a%",
                "50%2 | 50%2",
                "100% sure | 100% sure",
                "%%2e | %.",
                "%2%2e | %2.",
                "a+b | a+b",
                "a%2Bb | a+b",
                "%20 | \" \"",
            })
    void decodesEscapesUntilStable(String input, String expected) {
        assertThat(path(input)).isEqualTo(expected);
    }

    @Test
    void doubleEscapedPercentTakesTwoRounds() {
        assertThat(PercentDecoding.decodeOnce("%%32%65")).isEqualTo("%2e");
        assertThat(PercentDecoding.decodeOnce("%2e")).isEqualTo(".");
        assertThat(path("%%32%65")).isEqualTo(".");
    }

    @Test
    void roundsStopAfterThree() {
        assertThat(PercentDecoding.MAX_ROUNDS).isEqualTo(3);
        // %25 -> %, three times: %25252e -> %252e -> %2e -> '.'.
        assertThat(path("%25252e")).isEqualTo(".");
        // One layer more than three rounds remove is left as the last layer.
        assertThat(path("%2525252e")).isEqualTo("%2e");
        assertThat(path("/%2525252e%2525252e/")).isEqualTo("/%2e%2e/");
    }

    @Test
    void plusIsASpaceOnlyWhenAskedAndOnlyAsWritten() {
        assertThat(PercentDecoding.decode("union+select", true)).isEqualTo("union select");
        assertThat(PercentDecoding.decode("union+select", false)).isEqualTo("union+select");
        assertThat(PercentDecoding.decode("c%2B%2B+x", true)).isEqualTo("c++ x");
        assertThat(PercentDecoding.decode("a%252Bb", true)).isEqualTo("a+b");
    }

    @Test
    void plainTextIsReturnedUnchangedAsTheSameInstance() {
        for (String plain :
                new String[] {
                    "",
                    "/index.html",
                    "/a/b?c=d&e=f",
                    "Mozilla/5.0 (X11; Linux x86_64)",
                    "100% sure",
                    "äöü € \uD83D\uDE00"
                }) {
            assertThat(PercentDecoding.decode(plain, false)).isSameAs(plain);
        }
        String noPlus = "/a?b=c";
        assertThat(PercentDecoding.decode(noPlus, true)).isSameAs(noPlus);
    }

    @Test
    void controlBytesDecodeToo() {
        assertThat(path("a%00b%0A")).isEqualTo("a\u0000b\n");
    }

    @Test
    void nullStaysNull() {
        assertThat(PercentDecoding.decode(null, true)).isNull();
    }

    @Test
    void decodedFieldsLowerCaseAfterDecoding() {
        assertThat(DecodedField.url("/A%2E%2E/%2E%2E/ETC/Passwd?Q=Union+SELECT%2520x"))
                .isEqualTo("/a../../etc/passwd?q=union select x");
        assertThat(DecodedField.url("/a+b?c+d")).isEqualTo("/a+b?c d");
        assertThat(DecodedField.url("/a%3Fb?c")).isEqualTo("/a?b?c");
        assertThat(DecodedField.url("/%C3%84")).isEqualTo("/ä");
        assertThat(DecodedField.url(null)).isNull();
    }
}
