package dev.cronloop.record;

import static dev.cronloop.testkit.RecorderRows.count;
import static dev.cronloop.testkit.RecorderRows.submitRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cronloop.model.RunStatus;
import dev.cronloop.testkit.FaultyDataSource;
import dev.cronloop.testkit.RecorderRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder with its journal against a real H2 file that becomes unreachable while a flag is
 * set: outcomes spill to the journal, the journal is replayed exactly once when the database is
 * back, at the next start, and after a crash between the replay's commit and the file's removal.
 */
@Timeout(60)
class JournalTest {
  @TempDir Path dir;

  @Test
  void outcomes_spill_while_the_database_is_away_and_are_replayed_once_when_it_is_back() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      FaultyDataSource flaky = FaultyDataSource.switchable(db.dataSource());
      Recorder recorder = new Recorder(flaky, 1_000, Runnable::run).spillTo(journal(), Duration.ZERO).start();

      flaky.down(true);
      CompletableFuture<Instant> recorded = submitRun(recorder, 1, 3);
      recorded.get(10, TimeUnit.SECONDS); // recorded in the journal: the run may end
      submitRun(recorder, 2, 2).get(10, TimeUnit.SECONDS);

      assertThat(recorder.degraded()).isTrue();
      assertThat(recorder.spilled()).isEqualTo(2 * 2 + 3 + 2);
      assertThat(Files.readAllLines(journal())).hasSize(1 + 2 * 2 + 3 + 2);
      assertThat(count(db, "runs")).isZero();

      flaky.down(false);
      await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.degraded());
      submitRun(recorder, 3, 1).get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);

      assertThat(journal()).doesNotExist();
      assertThat(count(db, "runs")).isEqualTo(3);
      assertThat(count(db, "fetches")).isEqualTo(3 + 2 + 1);
      assertThat(new RunQueries(db.dataSource()).run(1).orElseThrow().status()).isEqualTo(RunStatus.OK);
      assertThat(count(db, "journal_replays")).isEqualTo(1);
    }
  }

  @Test
  void a_journal_left_at_stop_is_replayed_at_the_next_start_exactly_once() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      FaultyDataSource flaky = FaultyDataSource.switchable(db.dataSource());
      Recorder recorder = new Recorder(flaky, 1_000, Runnable::run).spillTo(journal(), Duration.ZERO).start();
      flaky.down(true);
      submitRun(recorder, 1, 2).get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);
      assertThat(journal()).exists();
      Path copy = Files.copy(journal(), dir.resolve("copy.journal"));

      int first = Journal.replayLeftAt(journal(), db.dataSource());
      // A crash between the replay's commit and the file's removal leaves the file behind:
      Files.copy(copy, journal(), StandardCopyOption.REPLACE_EXISTING);
      int second = Journal.replayLeftAt(journal(), db.dataSource());
      int third = Journal.replayLeftAt(journal(), db.dataSource());

      assertThat(first).isEqualTo(2 + 2);
      assertThat(second).isZero();
      assertThat(third).isZero();
      assertThat(journal()).doesNotExist();
      assertThat(count(db, "runs")).isEqualTo(1);
      assertThat(count(db, "fetches")).isEqualTo(2);
    }
  }

  @Test
  void a_last_line_cut_short_by_a_crash_is_left_out_and_the_rest_replayed() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      FaultyDataSource flaky = FaultyDataSource.switchable(db.dataSource());
      Recorder recorder = new Recorder(flaky, 1_000, Runnable::run).spillTo(journal(), Duration.ZERO).start();
      flaky.down(true);
      submitRun(recorder, 1, 1).get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);
      Files.writeString(journal(), "{\"fetch\":{\"runId\":1,\"jobId\":\"jo", StandardOpenOption.APPEND);

      int replayed = Journal.replayLeftAt(journal(), db.dataSource());

      assertThat(replayed).isEqualTo(3);
      assertThat(count(db, "fetches")).isEqualTo(1);
    }
  }

  @Test
  void a_run_whose_batch_committed_unacknowledged_is_not_inserted_twice() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      Recorder first = new Recorder(db.dataSource(), 100, Runnable::run).start();
      submitRun(first, 1, 1).get(10, TimeUnit.SECONDS);
      first.stop().get(10, TimeUnit.SECONDS);
      FaultyDataSource flaky = FaultyDataSource.switchable(db.dataSource());
      Recorder again = new Recorder(flaky, 100, Runnable::run).spillTo(journal(), Duration.ZERO).start();
      flaky.down(true);
      again.tryReserve(1);
      again.submit(new Write.InsertRun(RecorderRows.run(1, "job")));
      await().atMost(Duration.ofSeconds(10)).until(() -> again.spilled() == 1);
      again.stop().get(10, TimeUnit.SECONDS);

      assertThat(Journal.replayLeftAt(journal(), db.dataSource())).isEqualTo(1);
      assertThat(count(db, "runs")).isEqualTo(1);
    }
  }

  @Test
  void the_default_journal_sits_next_to_an_h2_file_and_is_one_per_node_elsewhere() {
    assertThat(Database.journalFor("jdbc:h2:file:./db/cronloop;AUTO_SERVER=TRUE", "n1"))
        .isEqualTo(Path.of("./db/cronloop.journal"));
    assertThat(Database.journalFor("jdbc:postgresql://db/cron", "node a/1"))
        .isEqualTo(Path.of("db/cronloop-node_a_1.journal"));
  }

  private Path journal() {
    return dir.resolve("db/cronloop.journal");
  }

  private String url() {
    return "jdbc:h2:file:" + dir.resolve("db/cronloop");
  }
}
