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
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 6: a pause is stored in the database. It holds when the engine restarts on the
 * same H2 file, and each fire it holds back is a SKIPPED run whose reason names the pause.
 */
@Timeout(120)
class PauseTest {
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;
  private LoopbackServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = LoopbackServer.start();
    JobFiles.write(dir.resolve("jobs"), "tick.yaml", """
        schedule: "* * * * * ?"
        requests: [ %s ]
        """.formatted(server.url("/tick")));
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  @Test
  void a_pause_holds_across_a_restart_and_every_fire_it_holds_back_is_a_skipped_run_saying_paused()
      throws Exception {
    Engine first = start();
    boolean paused = get(first.pause("tick"));
    boolean again = get(first.pause("tick"));
    close(first);

    Engine second = start();
    boolean pausedAfterRestart = second.paused("tick");
    int requestsAtRestart = server.received();
    Instant restarted = Instant.now();
    await().atMost(Duration.ofSeconds(10)).until(() -> skippedSince(restarted).size() >= 2);
    int requestsWhilePaused = server.received();
    boolean resumed = get(second.resume("tick"));
    close(second);
    Engine third = start();
    boolean pausedAfterResume = third.paused("tick");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.received() > requestsWhilePaused);
    close(third);

    assertThat(paused).isTrue();
    assertThat(again).as("a second pause finds the first").isFalse();
    assertThat(pausedAfterRestart).isTrue();
    assertThat(requestsWhilePaused).as("no request while paused").isEqualTo(requestsAtRestart);
    List<RunRow> skipped = skippedSince(restarted);
    assertThat(skipped).allSatisfy(r -> assertThat(r.reason()).startsWith("paused by Engine.pause at 20"));
    assertThat(skipped).extracting(RunRow::scheduledAt).doesNotHaveDuplicates();
    assertThat(resumed).isTrue();
    assertThat(pausedAfterResume).isFalse();
  }

  @Test
  void resume_of_a_job_that_is_not_paused_says_so_and_a_trigger_still_runs_a_paused_job() throws Exception {
    Engine engine = start();

    boolean resumed = get(engine.resume("tick"));
    get(engine.pause("tick"));
    RunStatus manual = get(engine.fire("tick")).status();
    close(engine);

    assertThat(resumed).isFalse();
    assertThat(manual).isEqualTo(RunStatus.OK);
  }

  /** SKIPPED runs of {@code tick} scheduled after {@code t}. */
  private List<RunRow> skippedSince(Instant t) throws Exception {
    try (Database db = Database.open(dbUrl(), 1)) {
      return new RunQueries(db.dataSource()).runs("tick", RunStatus.SKIPPED, null, 1000).stream()
          .filter(r -> r.scheduledAt() != null && r.scheduledAt().isAfter(t))
          .toList();
    }
  }

  private Engine start() throws Exception {
    Engine engine = invariants.watch(Engine.builder().jobs(dir.resolve("jobs")).database(dbUrl()).build());
    get(engine.start());
    return engine;
  }

  private static void close(Engine engine) throws Exception {
    get(engine.close());
  }

  private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private String dbUrl() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }
}
