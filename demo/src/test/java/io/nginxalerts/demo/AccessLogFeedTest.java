package io.nginxalerts.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AccessLogFeed} on real files: read once, follow appends, survive rotation. */
class AccessLogFeedTest {
    @TempDir Path dir;

    final List<String> received = new CopyOnWriteArrayList<>();

    void collect(byte[] line) {
        received.add(new String(line, StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryLineOnceIncludingAnUnterminatedLastLine() throws Exception {
        Path log = dir.resolve("access.log");
        Files.writeString(log, "one\ntwo\nthree");
        AccessLogFeed feed = new AccessLogFeed(this::collect, log, true);
        feed.run();
        assertThat(feed.isFinished()).isTrue();
        assertThat(received).containsExactly("one", "two", "three");
        assertThat(feed.sent()).isEqualTo(3);
    }

    @Test
    void followsAppendsAndSendsOnlyCompleteLines() throws Exception {
        Path log = dir.resolve("access.log");
        Files.writeString(log, "first\n");
        try (AccessLogFeed feed = start(log)) {
            await(() -> received.size() == 1);
            append(log, "second\nthi");
            await(() -> received.size() == 2);
            append(log, "rd\n");
            await(() -> received.size() == 3);
            assertThat(received).containsExactly("first", "second", "third");
        }
    }

    @Test
    void continuesWithTheNewFileAfterARotation() throws Exception {
        Path log = dir.resolve("access.log");
        Files.writeString(log, "a1\na2\n");
        try (AccessLogFeed feed = start(log)) {
            await(() -> received.size() == 2);
            // logrotate: rename, nginx keeps writing the old file until reopened, then a new one.
            Path rotated = dir.resolve("access.log.1");
            Files.move(log, rotated);
            append(rotated, "a3\n");
            Files.writeString(log, "b1\nb2\n");
            await(() -> received.size() == 5);
            assertThat(received).containsExactly("a1", "a2", "a3", "b1", "b2");
        }
    }

    @Test
    void startsOverWhenTheFileIsTruncated() throws Exception {
        Path log = dir.resolve("access.log");
        Files.writeString(log, "old line that is long\n");
        try (AccessLogFeed feed = start(log)) {
            await(() -> received.size() == 1);
            Files.writeString(log, "new\n", StandardOpenOption.TRUNCATE_EXISTING);
            await(() -> received.size() == 2);
            assertThat(received).containsExactly("old line that is long", "new");
        }
    }

    private AccessLogFeed start(Path log) {
        AccessLogFeed feed = new AccessLogFeed(this::collect, log, false);
        Thread t = new Thread(feed, "feed");
        t.setDaemon(true);
        t.start();
        return feed;
    }

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardOpenOption.APPEND);
    }

    private void await(Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.get() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        assertThat(condition.get()).as("lines so far: %s", received).isTrue();
    }
}
