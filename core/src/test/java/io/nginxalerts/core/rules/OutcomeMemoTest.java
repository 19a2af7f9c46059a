package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** {@link OutcomeMemo} answers as the test it remembers, and spares the test on repeats. */
class OutcomeMemoTest {

    @Test
    void answersExactlyAsTheTestForManyTextsThatShareSlots() {
        Predicate<String> odd = t -> (t.length() + t.charAt(t.length() - 1)) % 2 == 1;
        OutcomeMemo memo = new OutcomeMemo();

        // 20,000 texts over 1,024 slots: most slots are overwritten many times.
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 20_000; i++) {
                String text = "Mozilla/5.0 agent " + i;
                assertThat(memo.test(text, odd)).as(text).isEqualTo(odd.test(text));
            }
        }
    }

    @Test
    void aRepeatedTextIsAnsweredWithoutRunningTheTestAgain() {
        AtomicInteger calls = new AtomicInteger();
        Predicate<String> counting =
                t -> {
                    calls.incrementAndGet();
                    return t.contains("sqlmap");
                };
        OutcomeMemo memo = new OutcomeMemo();

        assertThat(memo.test("sqlmap/1.7", counting)).isTrue();
        assertThat(memo.test(new String("sqlmap/1.7"), counting)).isTrue();
        assertThat(memo.test("curl/8.0", counting)).isFalse();
        assertThat(memo.test("curl/8.0", counting)).isFalse();

        assertThat(calls).hasValue(2);
    }

    @Test
    void longTextsAreTestedEachTime() {
        AtomicInteger calls = new AtomicInteger();
        String text = "x".repeat(257);
        OutcomeMemo memo = new OutcomeMemo();

        memo.test(text, t -> calls.incrementAndGet() > 0);
        memo.test(text, t -> calls.incrementAndGet() > 0);

        assertThat(calls).hasValue(2);
    }
}
