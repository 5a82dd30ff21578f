package dev.cronloop.record;

import static dev.cronloop.testkit.RecorderRows.T;
import static dev.cronloop.testkit.RecorderRows.count;
import static dev.cronloop.testkit.RecorderRows.fetch;
import static dev.cronloop.testkit.RecorderRows.run;
import static dev.cronloop.testkit.RecorderRows.submitRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.testkit.FaultyDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, items 1 and 2: a write the database refuses for its data is not an outage (the rest
 * of its batch commits, the bad row is still recorded, the journal replays around it), and no
 * throwable ends the recorder. Against a real H2 file.
 */
@Timeout(60)
class RefusedRowsTest {
  @TempDir Path dir;

  @Test
  void a_batch_with_one_refused_row_commits_the_others_and_records_the_bad_one() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      Recorder recorder = new Recorder(db.dataSource(), 5_000, Runnable::run);
      String longUrl = "http://127.0.0.1/" + "x".repeat(5_000);
      List<Write> writes = new java.util.ArrayList<>();
      writes.add(new Write.InsertRun(run(1, "job")));
      for (int i = 0; i < 1_998; i++) {
        writes.add(new Write.InsertFetch(fetch(1, "job", i == 1_234 ? longUrl : "http://127.0.0.1/" + i)));
      }
      CompletableFuture<Instant> ended = new CompletableFuture<>();
      assertThat(recorder.tryReserve(writes.size() + 1)).isTrue();
      writes.forEach(recorder::submit); // one batch: queued before the writer starts
      recorder.submit(new Write.FinishRun(1, T, T.plusSeconds(1), RunStatus.OK, 1_998, 1_998, 0), ended::complete);

      recorder.start();
      ended.get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);

      assertThat(recorder.batches()).isEqualTo(1);
      assertThat(recorder.rejected()).isEqualTo(1);
      assertThat(recorder.written()).isEqualTo(2_000 - 1);
      List<FetchRow> rows = new RunQueries(db.dataSource()).fetches(1);
      assertThat(rows).hasSize(1_998);
      FetchRow cut = rows.stream().filter(f -> f.url().endsWith(ColumnFit.MARKER)).findFirst().orElseThrow();
      assertThat(cut.url()).hasSize(ColumnFit.URL).startsWith("http://127.0.0.1/xxx");
      assertThat(new RunQueries(db.dataSource()).run(1).orElseThrow().status()).isEqualTo(RunStatus.OK);
    }
  }

  @Test
  void a_fetch_that_cannot_be_made_to_fit_is_recorded_as_record_error_with_the_database_message() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      execute(db, "ALTER TABLE fetches ADD CONSTRAINT test_latency_not_negative CHECK (latency_ms >= 0)");
      Recorder recorder = new Recorder(db.dataSource(), 100, Runnable::run).start();

      CompletableFuture<Instant> ended = submitRun(recorder, 1, "job", List.of(
          fetch(1, "job", "http://127.0.0.1/a"),
          new FetchRow(1, "job", "http://127.0.0.1/b", "GET", 1, 200, Outcome.OK, null, -5, 2, T, T),
          fetch(1, "job", "http://127.0.0.1/c")));
      ended.get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);

      List<FetchRow> rows = new RunQueries(db.dataSource()).fetches(1);
      assertThat(rows).extracting(FetchRow::url)
          .containsExactlyInAnyOrder("http://127.0.0.1/a", "http://127.0.0.1/b", "http://127.0.0.1/c");
      FetchRow b = rows.stream().filter(f -> f.url().endsWith("/b")).findFirst().orElseThrow();
      assertThat(b.outcome()).isEqualTo(Outcome.RECORD_ERROR);
      assertThat(b.error()).startsWith("not recorded as it was: ").containsIgnoringCase("TEST_LATENCY_NOT_NEGATIVE");
      assertThat(recorder.rejected()).isEqualTo(1);
    }
  }

  @Test
  void a_run_with_a_job_id_longer_than_its_column_is_recorded_cut_and_its_end_reported() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      Recorder recorder = new Recorder(db.dataSource(), 100, Runnable::run).start();
      String id = "j".repeat(300);

      CompletableFuture<Instant> ended = submitRun(recorder, 9, id, List.of(fetch(9, id, "http://127.0.0.1/a")));
      ended.get(10, TimeUnit.SECONDS);
      CompletableFuture<Instant> next = submitRun(recorder, 10, "job", List.of(fetch(10, "job", "http://127.0.0.1/a")));
      next.get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);

      RunRow run = new RunQueries(db.dataSource()).run(9).orElseThrow();
      assertThat(run.jobId()).hasSize(ColumnFit.JOB_ID).endsWith(ColumnFit.MARKER);
      assertThat(run.status()).isEqualTo(RunStatus.OK);
      assertThat(new RunQueries(db.dataSource()).fetches(9)).hasSize(1);
      assertThat(new RunQueries(db.dataSource()).run(10).orElseThrow().status()).isEqualTo(RunStatus.OK);
      assertThat(recorder.rejected()).isEqualTo(2);
    }
  }

  @Test
  void a_journal_holding_a_refused_row_replays_the_rest() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      FaultyDataSource flaky = FaultyDataSource.switchable(db.dataSource());
      Recorder recorder = new Recorder(flaky, 100, Runnable::run).spillTo(journal(), Duration.ZERO).start();
      flaky.down(true);
      submitRun(recorder, 1, "job", List.of(
          fetch(1, "job", "http://127.0.0.1/ok"),
          fetch(1, "job", "http://127.0.0.1/" + "y".repeat(5_000)))).get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);
      assertThat(journal()).exists();

      int replayed = Journal.replayLeftAt(journal(), db.dataSource());

      assertThat(replayed).isEqualTo(4);
      assertThat(journal()).doesNotExist();
      assertThat(new RunQueries(db.dataSource()).run(1).orElseThrow().status()).isEqualTo(RunStatus.OK);
      assertThat(new RunQueries(db.dataSource()).fetches(1)).extracting(f -> f.url().length())
          .containsExactlyInAnyOrder("http://127.0.0.1/ok".length(), ColumnFit.URL);
    }
  }

  @Test
  void an_error_thrown_while_writing_does_not_stop_the_recorder() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      AtomicInteger calls = new AtomicInteger();
      DataSource throwing = FaultyDataSource.failingBatches(db.dataSource(),
          n -> n == 1 ? new AssertionError("injected by the test on the first batch") : null, calls);
      Recorder recorder = new Recorder(throwing, 100, Runnable::run).start();

      CompletableFuture<Instant> first = submitRun(recorder, 1, "job", List.of(fetch(1, "job", "http://127.0.0.1/a")));
      first.get(10, TimeUnit.SECONDS); // told, so `cronloop fire` returns
      CompletableFuture<Instant> second = submitRun(recorder, 2, "job", List.of(fetch(2, "job", "http://127.0.0.1/a")));
      second.get(10, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);

      assertThat(recorder.errors()).isEqualTo(1);
      assertThat(recorder.rejected()).isEqualTo(3);
      assertThat(new RunQueries(db.dataSource()).run(2).orElseThrow().status()).isEqualTo(RunStatus.OK);
      assertThat(recorder.tryReserve(100)).as("all room is free again").isTrue();
    }
  }

  @Test
  void a_store_throwing_runtime_exceptions_on_some_batches_loses_no_run() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      AtomicInteger calls = new AtomicInteger();
      DataSource throwing = FaultyDataSource.failingBatches(db.dataSource(),
          n -> n % 3 == 0 ? new IllegalStateException("injected by the test, call " + n) : null, calls);
      Recorder recorder = new Recorder(throwing, 100, Runnable::run).start();

      for (long id = 1; id <= 30; id++) {
        submitRun(recorder, id, "job", List.of(fetch(id, "job", "http://127.0.0.1/" + id))).get(10, TimeUnit.SECONDS);
      }
      recorder.stop().get(10, TimeUnit.SECONDS);

      assertThat(calls.get()).isGreaterThan(30);
      assertThat(count(db, "runs WHERE status = 'OK'")).isEqualTo(30);
      assertThat(count(db, "fetches")).isEqualTo(30);
      assertThat(recorder.written() + recorder.rejected()).isEqualTo(90);
    }
  }

  @Test
  void the_widths_the_recorder_and_the_job_file_parser_know_are_those_of_the_tables() throws Exception {
    try (Database db = Database.open(url(), 2);
        Connection c = db.dataSource().getConnection();
        var rs = c.createStatement().executeQuery("SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_MAXIMUM_LENGTH"
            + " FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME IN ('RUNS', 'FETCHES')")) {
      java.util.Map<String, Long> width = new java.util.HashMap<>();
      while (rs.next()) {
        width.put(rs.getString(1) + "." + rs.getString(2), rs.getLong(3));
      }

      assertThat(width).containsEntry("FETCHES.URL", (long) ColumnFit.URL)
          .containsEntry("FETCHES.URL", (long) dev.cronloop.definition.RequestSpec.MAX_URL_CHARS)
          .containsEntry("FETCHES.JOB_ID", (long) ColumnFit.JOB_ID)
          .containsEntry("RUNS.JOB_ID", (long) ColumnFit.JOB_ID)
          .containsEntry("RUNS.NODE", (long) ColumnFit.NODE)
          .containsEntry("FETCHES.METHOD", (long) ColumnFit.METHOD)
          .containsEntry("FETCHES.ERROR", (long) ColumnFit.ERROR);
      assertThat(width.get("FETCHES.OUTCOME")).isGreaterThanOrEqualTo(Outcome.RECORD_ERROR.name().length());
    }
  }

  private static void execute(Database db, String sql) throws SQLException {
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
