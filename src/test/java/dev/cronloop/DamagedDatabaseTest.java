package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.record.H2Rollback;
import dev.cronloop.testkit.DamagedH2;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.Futures;
import dev.cronloop.testkit.JobFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * h2database/h2database#4383: an engine on an H2 file that a kill left damaged failed to start with
 * H2's bare "Chunk 2 not found". It now fails with a {@link StartupFailure} (exit 1) whose line names
 * the file and the repair, and once the file is repaired it starts with the runs recorded before.
 */
@Timeout(60)
class DamagedDatabaseTest {
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;

  @Test
  void an_engine_on_a_damaged_h2_file_names_the_file_and_the_repair_and_starts_once_repaired() throws Exception {
    Path jobs = dir.resolve("jobs");
    JobFiles.write(jobs, "tick.yaml", """
        schedule: "0 0 3 * * ?"
        requests: [ "http://127.0.0.1:9/tick" ]
        """);
    String url = "jdbc:h2:file:" + dir.resolve("db/cronloop");
    Path file = dir.resolve("db/cronloop.mv.db").toAbsolutePath();
    DamagedH2.withRuns(url, 3);
    int chunk = DamagedH2.loseMetaChunk(file);

    Engine damaged = Engine.builder().jobs(jobs).database(url).build();
    Throwable failure = Futures.failureOf(damaged.start());
    damaged.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    H2Rollback.Result repair = H2Rollback.repair(file, Instant.parse("2026-12-07T03:30:00Z"));
    Engine repaired = invariants.watch(Engine.builder().jobs(jobs).database(url).build());
    repaired.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    repaired.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(failure).isInstanceOf(StartupFailure.class);
    assertThat(((StartupFailure) failure).exitCode()).isEqualTo(StartupFailure.RUNTIME);
    assertThat(failure.getMessage())
        .startsWith("database " + file + " is damaged and H2 cannot open it (Chunk " + chunk + " not found")
        .contains("run java -jar ")
        .contains(" repair --db jdbc:h2:file:" + dir.resolve("db/cronloop").toAbsolutePath() + ": ");
    assertThat(repair).isInstanceOf(H2Rollback.RolledBack.class);
    assertThat(Files.exists(((H2Rollback.RolledBack) repair).damaged())).as("the damaged file is kept").isTrue();
    assertThat(DamagedH2.runIds(url)).containsExactly(1L, 2L, 3L);
  }
}
