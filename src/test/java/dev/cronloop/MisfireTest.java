package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import dev.cronloop.record.Database;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fires missed while the engine was down, seen at the next start through each job's policy.
 *
 * <p>No waiting for the down time: the first engine lives {@link #DOWN} in the past (its clock is
 * the system clock minus that), so the runs it records are that old when the second engine, on
 * the system clock, starts right after it. Quartz wakes the first engine at once for instants
 * that are past on the wall clock; its start gate holds each fire until its own clock comes.
 */
@Timeout(90)
class MisfireTest {
  /** How long the engine seems down: at least three fires of each job (every 2 s) pass unseen. */
  private static final Duration DOWN = Duration.ofSeconds(7);

  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;

  @Test
  void a_restart_runs_fire_once_jobs_once_and_records_each_missed_fire_of_skip_jobs()
      throws Exception {
    try (LoopbackServer server = LoopbackServer.start()) {
      JobFiles.write(jobs(), "once.yaml", """
          schedule: "*/2 * * * * ?"
          misfire: fire-once
          requests: [%s]
          """.formatted(server.url("/once")));
      JobFiles.write(jobs(), "skipper.yaml", """
          schedule: "*/2 * * * * ?"
          misfire: skip
          requests: [%s]
          """.formatted(server.url("/skip")));

      Engine first = start(InstantSource.offset(InstantSource.system(), DOWN.negated()));
      await().atMost(Duration.ofSeconds(10)).until(() -> runs("once").size() >= 1 && runs("skipper").size() >= 1);
      first.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Instant lastOnce = runs("once").get(0).scheduledAt();
      Instant lastSkip = runs("skipper").get(0).scheduledAt();
      Engine second = start(InstantSource.system());
      Instant restarted = Instant.now();
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> runs("once").stream().anyMatch(r -> r.trigger() == Trigger.MISFIRE));
        await().atMost(Duration.ofSeconds(10)).until(() -> runs("skipper").stream().anyMatch(r -> r.status() == RunStatus.SKIPPED));
        // and the first fire after the restart, which runs as scheduled
        await().atMost(Duration.ofSeconds(10)).until(() -> runs("skipper").stream()
            .anyMatch(r -> r.trigger() == Trigger.SCHEDULE && r.status() == RunStatus.OK && r.scheduledAt().isAfter(lastSkip)));
      } finally {
        second.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }

      List<RunRow> misfires = runs("once").stream().filter(r -> r.trigger() == Trigger.MISFIRE).toList();
      assertThat(misfires).hasSize(1);
      assertThat(misfires.get(0).scheduledAt()).isEqualTo(lastOnce.plusSeconds(2));
      assertThat(misfires.get(0).status()).isEqualTo(RunStatus.OK);
      List<Instant> skipped = runs("skipper").stream().filter(r -> r.status() == RunStatus.SKIPPED)
          .map(RunRow::scheduledAt).sorted().toList();
      assertThat(skipped).hasSizeGreaterThanOrEqualTo(2);
      assertThat(skipped.get(0)).isEqualTo(lastSkip.plusSeconds(2));
      for (int i = 1; i < skipped.size(); i++) {
        assertThat(skipped.get(i)).isEqualTo(skipped.get(i - 1).plusSeconds(2));
      }
      assertThat(skipped.get(skipped.size() - 1)).isBefore(restarted);
      Instant newest = skipped.get(skipped.size() - 1).plusSeconds(2);
      assertThat(runs("skipper")).anySatisfy(r -> {
        assertThat(r.scheduledAt()).isEqualTo(newest);
        assertThat(r.trigger()).isEqualTo(Trigger.SCHEDULE);
        assertThat(r.status()).isEqualTo(RunStatus.OK);
      });
    }
  }

  private Engine start(InstantSource clock) throws Exception {
    Engine engine = invariants.watch(Engine.builder().jobs(jobs()).database(db()).clock(clock).build());
    engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return engine;
  }

  private List<RunRow> runs(String job) throws Exception {
    try (Database database = Database.open(db(), 1)) {
      return new RunQueries(database.dataSource()).runs(job, null, null, 100);
    }
  }

  private Path jobs() {
    return dir.resolve("jobs");
  }

  private String db() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }
}
