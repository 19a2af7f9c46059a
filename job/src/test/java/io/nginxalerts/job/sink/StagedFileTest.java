package io.nginxalerts.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedFileTest {
    @TempDir Path dir;

    @Test
    void commitReplacesTheTargetWithThePartsInSubtaskOrder() throws Exception {
        Path target = dir.resolve("alerts.jsonl");
        Files.writeString(target, "old\n");
        try (StagedFile staged = StagedFile.of(target)) {
            // Written out of order, and 10 after 2 only when sorted as numbers.
            Files.writeString(StagedFile.part(staged.partPrefix(), 10), "ten\n");
            Files.writeString(StagedFile.part(staged.partPrefix(), 2), "two\n");
            Files.writeString(StagedFile.part(staged.partPrefix(), 0), "zero\n");
            staged.commit();
        }
        assertThat(Files.readAllLines(target)).containsExactly("zero", "two", "ten");
        assertThat(namesIn(dir)).containsExactly("alerts.jsonl");
    }

    @Test
    void aSinglePartBecomesTheTarget() throws Exception {
        Path target = dir.resolve("alerts.jsonl");
        Files.writeString(target, "old\n");
        try (StagedFile staged = StagedFile.of(target)) {
            Files.writeString(StagedFile.part(staged.partPrefix(), 0), "new\n");
            staged.commit();
        }
        assertThat(target).hasContent("new");
        assertThat(namesIn(dir)).containsExactly("alerts.jsonl");
    }

    @Test
    void aCommitWithoutPartsLeavesAnEmptyTarget() throws Exception {
        Path target = dir.resolve("alerts.jsonl");
        Files.writeString(target, "old\n");
        try (StagedFile staged = StagedFile.of(target)) {
            staged.commit();
        }
        assertThat(target).isEmptyFile();
        assertThat(namesIn(dir)).containsExactly("alerts.jsonl");
    }

    @Test
    void closingWithoutACommitDeletesThePartsAndKeepsTheTarget() throws Exception {
        Path target = dir.resolve("alerts.jsonl");
        Files.writeString(target, "old\n");
        try (StagedFile staged = StagedFile.of(target)) {
            Files.writeString(StagedFile.part(staged.partPrefix(), 0), "new\n");
            Files.writeString(StagedFile.part(staged.partPrefix(), 1), "new\n");
        }
        assertThat(target).hasContent("old");
        assertThat(namesIn(dir)).containsExactly("alerts.jsonl");
    }

    @Test
    void twoStagingsOfOneTargetDoNotShareParts() throws Exception {
        Path target = dir.resolve("alerts.jsonl");
        try (StagedFile first = StagedFile.of(target);
                StagedFile second = StagedFile.of(target)) {
            Files.writeString(StagedFile.part(first.partPrefix(), 0), "first\n");
            Files.writeString(StagedFile.part(second.partPrefix(), 0), "second\n");
            second.close();
            first.commit();
        }
        assertThat(target).hasContent("first");
        assertThat(namesIn(dir)).containsExactly("alerts.jsonl");
    }

    @Test
    void createsTheTargetDirectoryAndTakesNamesWithGlobCharacters() throws Exception {
        Path target = dir.resolve("new/dir/alerts[1]*.jsonl");
        try (StagedFile staged = StagedFile.of(target)) {
            Files.writeString(StagedFile.part(staged.partPrefix(), 0), "new\n");
            staged.commit();
        }
        assertThat(target).hasContent("new");
        assertThat(namesIn(target.getParent())).containsExactly("alerts[1]*.jsonl");
    }

    static List<String> namesIn(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }
}
