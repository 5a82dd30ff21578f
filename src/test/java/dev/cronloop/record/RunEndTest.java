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
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's end is its own write: a run finished in a later batch than its start, or replayed from a
 * journal over a row already there, is ended by it. Against a real H2 file.
 */
@Timeout(60)
class RunEndTest {
  @TempDir Path dir;

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

  private Path journal() {
    return dir.resolve("db/cronloop.journal");
  }

  private String url() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }
}
