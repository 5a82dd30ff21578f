package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.model.RunStatus;
import dev.cronloop.record.Database;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduled fire waiting out its job's {@code jitter} when the engine closes: it is recorded
 * SKIPPED before the recorder stops, not dropped, and not left to a timer that would queue its row
 * after the drain.
 */
@Timeout(60)
class JitterCloseTest {
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;

  @Test
  void a_fire_waiting_out_its_jitter_at_the_close_is_recorded_skipped() throws Exception {
    try (LoopbackServer server = LoopbackServer.start()) {
      JobFiles.write(dir.resolve("jobs"), "late.yaml", """
          name: late
          schedule: "* * * * * ?"
          jitter: 30s
          requests:
            - %s
          """.formatted(server.url("/ok")));
      String db = "jdbc:h2:file:" + dir.resolve("db/cronloop");
      Engine engine = invariants.watch(Engine.builder().jobs(dir.resolve("jobs")).database(db).build());
      engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(10)).until(() -> fires(engine) >= 2);
      engine.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      long fired = fires(engine);
      try (Database database = Database.open(db, 1)) {
        List<RunRow> runs = new RunQueries(database.dataSource()).runs("late", null, null, 100);
        assertThat(runs).as("a row for each of the %d fires", fired).hasSize((int) fired);
        assertThat(runs).filteredOn(r -> r.status() == RunStatus.SKIPPED)
            .extracting(RunRow::reason).isNotEmpty().containsOnly("the engine was shutting down");
      }
    }
  }

  private static long fires(Engine engine) {
    return (long) engine.metrics().find("cronloop.fires").tag("job", "late").counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }
}
