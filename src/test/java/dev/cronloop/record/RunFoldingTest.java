package dev.cronloop.record;

import static dev.cronloop.testkit.RecorderRows.T;
import static dev.cronloop.testkit.RecorderRows.count;
import static dev.cronloop.testkit.RecorderRows.fetch;
import static dev.cronloop.testkit.RecorderRows.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.model.RunStatus;
import dev.cronloop.testkit.FaultyDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run inserted and finished in one batch is written once, as it ended; a run finished in a later
 * batch, or replayed from a journal over a row already there, is still ended by its update. Against
 * a real H2 file.
 */
@Timeout(60)
class RunFoldingTest {
  @TempDir Path dir;

  @Test
  void a_run_started_and_ended_in_one_batch_is_inserted_as_it_ended() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      // The table now refuses a RUNNING row: only an insert carrying the run's end goes in.
      execute(db, "ALTER TABLE runs ADD CONSTRAINT test_no_running CHECK (status <> 'RUNNING')");
      Recorder recorder = new Recorder(db.dataSource(), 100, Runnable::run);
      CompletableFuture<Instant> first = submit(recorder, 1, RunStatus.OK);
      CompletableFuture<Instant> second = submit(recorder, 2, RunStatus.FAILED);

      recorder.start(); // both runs were queued before the writer started: one batch
      first.get(10, TimeUnit.SECONDS);
      second.get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);

      assertThat(recorder.batches()).isEqualTo(1);
      assertThat(recorder.rejected()).isZero();
      RunRow one = new RunQueries(db.dataSource()).run(1).orElseThrow();
      assertThat(one.status()).isEqualTo(RunStatus.OK);
      assertThat(one.startedAt()).isEqualTo(T.plusMillis(10));
      assertThat(one.finishedAt()).isEqualTo(T.plusSeconds(1));
      assertThat(one.requestsTotal()).isEqualTo(1);
      assertThat(new RunQueries(db.dataSource()).run(2).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
      assertThat(count(db, "fetches")).isEqualTo(2);
    }
  }

  @Test
  void a_run_ended_in_a_later_batch_is_ended_by_its_update() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      Recorder recorder = new Recorder(db.dataSource(), 100, Runnable::run).start();
      assertThat(recorder.tryReserve(2)).isTrue();
      recorder.submit(new Write.InsertRun(run(3, "job")));
      await().atMost(Duration.ofSeconds(10)).until(() -> count(db, "runs WHERE status = 'RUNNING'") == 1);
      CompletableFuture<Instant> ended = new CompletableFuture<>();
      recorder.submit(finish(3, RunStatus.OK), ended::complete);
      ended.get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);

      assertThat(new RunQueries(db.dataSource()).run(3).orElseThrow().status()).isEqualTo(RunStatus.OK);
    }
  }

  @Test
  void a_journal_replayed_over_a_run_already_there_still_ends_it() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      Recorder first = new Recorder(db.dataSource(), 100, Runnable::run).start();
      assertThat(first.tryReserve(1)).isTrue();
      first.submit(new Write.InsertRun(run(4, "job"))); // committed, its acknowledgement lost
      await().atMost(Duration.ofSeconds(10)).until(() -> count(db, "runs") == 1);
      first.stop().get(10, TimeUnit.SECONDS);
      FaultyDataSource flaky = FaultyDataSource.switchable(db.dataSource());
      Recorder again = new Recorder(flaky, 100, Runnable::run).spillTo(journal(), Duration.ZERO);
      flaky.down(true);
      submit(again, 4, RunStatus.OK); // the same run, whole, into the journal
      again.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> again.spilled() == 3);
      again.stop().get(10, TimeUnit.SECONDS);

      assertThat(Journal.replayLeftAt(journal(), db.dataSource())).isEqualTo(3);
      assertThat(count(db, "runs")).isEqualTo(1);
      assertThat(new RunQueries(db.dataSource()).run(4).orElseThrow().status()).isEqualTo(RunStatus.OK);
      assertThat(count(db, "fetches")).isEqualTo(1);
    }
  }

  /** Queues run {@code id} whole: its insert, one fetch and its end with {@code status}. */
  private static CompletableFuture<Instant> submit(Recorder recorder, long id, RunStatus status) {
    CompletableFuture<Instant> ended = new CompletableFuture<>();
    assertThat(recorder.tryReserve(3)).isTrue();
    recorder.submit(new Write.InsertRun(run(id, "job")));
    recorder.submit(new Write.InsertFetch(fetch(id, "job", "http://127.0.0.1/" + id)));
    recorder.submit(finish(id, status), ended::complete);
    return ended;
  }

  private static Write.FinishRun finish(long id, RunStatus status) {
    int failed = status == RunStatus.OK ? 0 : 1;
    return new Write.FinishRun(id, T.plusMillis(10), T.plusSeconds(1), status, 1, 1 - failed, failed);
  }

  private static void execute(Database db, String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private Path journal() {
    return dir.resolve("db/cronloop.journal");
  }

  private String url() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }
}
