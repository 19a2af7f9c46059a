package io.nginxalerts.core.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Apache's {@code %{format}t} formats, read back from what {@code strftime} prints for them. */
class StrftimeFormatTest {

    @Test
    void readsTheDateTimeAndOffsetOfTheCommonLogTime() {
        StrftimeFormat f = new StrftimeFormat("%d/%b/%Y:%H:%M:%S %z");
        StrftimeFormat.Parts p = f.parse("07/Dec/2026:02:30:05 -0700");
        assertThat(p.date()).isEqualTo(LocalDate.of(2026, 12, 7));
        assertThat(p.time()).isEqualTo(LocalTime.of(2, 30, 5));
        assertThat(p.offset()).isEqualTo(ZoneOffset.ofHours(-7));
        assertThat(p.epochSecond()).isNull();
        assertThat(f.width()).isEqualTo("07/Dec/2026:02:30:05 -0700".length());
        assertThat(f.hasDate() && f.hasTime() && f.hasOffset()).isTrue();
    }

    @Test
    void readsTheShorthandsAndTwelveHourClock() {
        StrftimeFormat f = new StrftimeFormat("%a %e %B %y %I:%M:%S %p|%F|%D|%R|%j|%%");
        StrftimeFormat.Parts p =
                f.parse("Mon  7 December 26 02:30:05 PM|2026-12-07|12/07/26|14:30|341|%");
        assertThat(p.date()).isEqualTo(LocalDate.of(2026, 12, 7));
        assertThat(p.time()).isEqualTo(LocalTime.of(14, 30, 5));
        // Full month and day names vary in length.
        assertThat(f.width()).isEqualTo(-1);
    }

    @Test
    void readsSecondsSinceTheEpoch() {
        StrftimeFormat f = new StrftimeFormat("%s");
        assertThat(f.hasEpoch()).isTrue();
        assertThat(f.parse("1795687201").epochSecond()).isEqualTo(1_795_687_201L);
    }

    @Test
    void widthCountsEveryPrintedCharacter() {
        assertThat(new StrftimeFormat("%Y-%m-%dT%T").width()).isEqualTo(19);
        assertThat(new StrftimeFormat("%d/%b/%Y %T").width()).isEqualTo(20);
        assertThat(new StrftimeFormat("%z").width()).isEqualTo(5);
        assertThat(new StrftimeFormat("%D %R %j %e").width()).isEqualTo(8 + 1 + 5 + 1 + 3 + 1 + 2);
    }

    @Test
    void aTextThatDoesNotFitThrowsAndImpossibleDatesToo() {
        StrftimeFormat f = new StrftimeFormat("%F %T");
        assertThatThrownBy(() -> f.parse("2026-12-07 2:30:05"))
                .isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> f.parse("2026-13-07 02:30:05"))
                .isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> f.parse("2026-02-30 02:30:05"))
                .isInstanceOf(DateTimeException.class);
    }

    @Test
    void refusesWhatCannotBeReadNamingTheConversion() {
        assertThatThrownBy(() -> new StrftimeFormat("%Y %U"))
                .hasMessage("%U cannot be read in a time format");
        assertThatThrownBy(() -> new StrftimeFormat("%X"))
                .hasMessageContaining("%X (the locale's own form");
        assertThatThrownBy(() -> new StrftimeFormat("%T %")).hasMessageContaining("a lone %");
    }

    @Test
    void parsesAfterJavaSerialization() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new StrftimeFormat("%F %T %z"));
        }
        StrftimeFormat copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (StrftimeFormat) in.readObject();
        }
        assertThat(copy.parse("2026-12-07 02:30:05 +0000").time())
                .isEqualTo(LocalTime.of(2, 30, 5));
    }
}
