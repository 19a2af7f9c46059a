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
        Path target = targetHoldingOld();
        try (StagedFile staged = StagedFile.of(target)) {
            // Written out of order, and 10 after 2 only when sorted as numbers.
            writePart(staged, 10, "ten\n");
            writePart(staged, 2, "two\n");
            writePart(staged, 0, "zero\n");
            staged.commit();
        }
        assertThat(Files.readAllLines(target)).containsExactly("zero", "two", "ten");
        assertOnlyTheTargetIsLeft();
    }

    @Test
    void aSinglePartBecomesTheTarget() throws Exception {
        Path target = targetHoldingOld();
        try (StagedFile staged = StagedFile.of(target)) {
            writePart(staged, 0, "new\n");
            staged.commit();
        }
        assertThat(target).hasContent("new");
        assertOnlyTheTargetIsLeft();
    }

    @Test
    void aCommitWithoutPartsLeavesAnEmptyTarget() throws Exception {
        Path target = targetHoldingOld();
        try (StagedFile staged = StagedFile.of(target)) {
            staged.commit();
        }
        assertThat(target).isEmptyFile();
        assertOnlyTheTargetIsLeft();
    }

    @Test
    void closingWithoutACommitDeletesThePartsAndKeepsTheTarget() throws Exception {
        Path target = targetHoldingOld();
        try (StagedFile staged = StagedFile.of(target)) {
            writePart(staged, 0, "new\n");
            writePart(staged, 1, "new\n");
        }
        assertThat(target).hasContent("old");
        assertOnlyTheTargetIsLeft();
    }

    @Test
    void twoStagingsOfOneTargetDoNotShareParts() throws Exception {
        Path target = dir.resolve("alerts.jsonl");
        try (StagedFile first = StagedFile.of(target);
                StagedFile second = StagedFile.of(target)) {
            writePart(first, 0, "first\n");
            writePart(second, 0, "second\n");
            second.close();
            first.commit();
        }
        assertThat(target).hasContent("first");
        assertOnlyTheTargetIsLeft();
    }

    @Test
    void createsTheTargetDirectoryAndTakesNamesWithGlobCharacters() throws Exception {
        Path target = dir.resolve("new/dir/alerts[1]*.jsonl");
        try (StagedFile staged = StagedFile.of(target)) {
            writePart(staged, 0, "new\n");
            staged.commit();
        }
        assertThat(target).hasContent("new");
        assertThat(namesIn(target.getParent())).containsExactly("alerts[1]*.jsonl");
    }

    /** The target file, already holding the line "old" from an earlier run. */
    Path targetHoldingOld() throws Exception {
        Path target = dir.resolve("alerts.jsonl");
        Files.writeString(target, "old\n");
        return target;
    }

    /** Writes {@code text} as the part of subtask {@code subtask}. */
    static void writePart(StagedFile staged, int subtask, String text) throws Exception {
        Files.writeString(StagedFile.part(staged.partPrefix(), subtask), text);
    }

    /** Nothing but the target is left in the directory: no part file of any staging. */
    void assertOnlyTheTargetIsLeft() throws Exception {
        assertThat(namesIn(dir)).containsExactly("alerts.jsonl");
    }

    static List<String> namesIn(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }
}
