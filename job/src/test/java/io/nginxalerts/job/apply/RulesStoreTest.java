package io.nginxalerts.job.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesStoreTest {
    @TempDir Path tmp;

    @Test
    void copiesListKeptAndHandMadeCopiesButNotStagingDirectories() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.writeString(rules.resolve("a.yaml"), "id: a\n");
        RulesStore store = new RulesStore(tmp.resolve("store"));
        assertThat(store.copies()).as("no store yet").isEmpty();

        Path kept = store.keep(rules);
        assertThat(store.keep(rules)).as("same content, same copy").isEqualTo(kept);
        Path submitted = Files.createDirectories(tmp.resolve("store").resolve("submitted"));
        Files.createDirectories(tmp.resolve("store").resolve(".staging-1"));

        assertThat(store.copies()).containsExactlyInAnyOrder(kept, submitted);
        assertThat(store.holds(submitted)).isTrue();
        assertThat(Files.readString(kept.resolve("a.yaml"))).isEqualTo("id: a\n");
    }
}
