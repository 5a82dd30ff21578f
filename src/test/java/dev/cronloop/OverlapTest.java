package dev.cronloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunResult;
import dev.cronloop.model.RunStatus;
import dev.cronloop.record.Database;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.RunRow;
import dev.cronloop.testkit.EngineInvariants;
import dev.cronloop.testkit.JobFiles;
import dev.cronloop.testkit.LoopbackServer;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Overlap policies applied to the asynchronous run, with a slow loopback server. */
@Timeout(60)
class OverlapTest {
  @RegisterExtension final EngineInvariants invariants = new EngineInvariants();
  @TempDir Path dir;
  private LoopbackServer server;
  private Engine engine;

  @BeforeEach
  void startServer() throws Exception {
    server = LoopbackServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    engine.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void skip_records_a_skipped_run_and_leaves_the_running_one_alone() throws Exception {
    start("skip");

    List<RunResult> results = fireTwice();

    assertThat(results.get(0).status()).isEqualTo(RunStatus.OK);
    assertThat(results.get(1).status()).isEqualTo(RunStatus.SKIPPED);
    assertThat(server.received()).isEqualTo(2);
    RunRow skipped = query(q -> q.run(results.get(1).runId())).orElseThrow();
    assertThat(skipped.status()).isEqualTo(RunStatus.SKIPPED);
    assertThat(skipped.reason()).isEqualTo("overlap: skip; the previous run was still going");
  }

  @Test
  void replace_cancels_the_running_one_and_its_unfinished_fetches() throws Exception {
    start("replace");

    List<RunResult> results = fireTwice();

    assertThat(results.get(0).status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(results.get(1).status()).isEqualTo(RunStatus.OK);
    List<FetchRow> cancelled = query(q -> q.fetches(results.get(0).runId()));
    assertThat(cancelled).extracting(FetchRow::outcome).containsOnly(Outcome.CANCELLED);
    assertThat(cancelled).hasSize(2);
  }

  @Test
  void queue_starts_one_waiting_run_after_the_running_one_and_skips_the_rest() throws Exception {
    start("queue");

    List<RunResult> results = fire(3);

    assertThat(results).extracting(RunResult::status)
        .containsExactly(RunStatus.OK, RunStatus.OK, RunStatus.SKIPPED);
    assertThat(results.get(1).launchedAt()).isAfterOrEqualTo(results.get(0).committedAt().minusMillis(50));
    assertThat(server.received()).isEqualTo(4);
    assertThat(query(q -> q.run(results.get(2).runId())).orElseThrow().reason())
        .isEqualTo("overlap: queue; another fire was already waiting");
  }

  @Test
  void allow_runs_both_side_by_side() throws Exception {
    start("allow");

    List<RunResult> results = fireTwice();

    assertThat(results).extracting(RunResult::status).containsExactly(RunStatus.OK, RunStatus.OK);
    assertThat(server.peakInFlight()).isEqualTo(4);
  }

  private List<RunResult> fireTwice() throws Exception {
    return fire(2);
  }

  /**
   * Fires the job once and, as soon as both of its requests are at the server, n - 1 times more;
   * then waits for every result. The later fires reach the engine context in the order they are
   * made, so each meets the first run in flight.
   */
  private List<RunResult> fire(int n) throws Exception {
    List<Future<RunResult>> fires = new java.util.ArrayList<>();
    fires.add(engine.fire("slow"));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.inFlight() == 2);
    for (int i = 1; i < n; i++) {
      fires.add(engine.fire("slow"));
    }
    Future.join(fires).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return fires.stream().map(Future::result).toList();
  }

  private void start(String overlap) throws Exception {
    JobFiles.write(dir.resolve("jobs"), "slow.yaml", """
        schedule: "0 0 0 1 1 ? 2099"
        overlap: %s
        requests:
          - %s
          - %s
        """.formatted(overlap, server.url("/delay/1000/a"), server.url("/delay/1000/b")));
    engine = invariants.watch(Engine.builder().jobs(dir.resolve("jobs"))
        .database("jdbc:h2:file:" + dir.resolve("db/cronloop")).schedule(false).build());
    engine.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private <T> T query(Query<T> query) throws Exception {
    try (Database database = Database.open("jdbc:h2:file:" + dir.resolve("db/cronloop"), 1)) {
      return query.apply(new RunQueries(database.dataSource()));
    }
  }

  private interface Query<T> {
    T apply(RunQueries q) throws Exception;
  }
}
