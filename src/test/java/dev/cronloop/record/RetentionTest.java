package dev.cronloop.record;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Retention against a real H2 file: old runs and fetches go in small batches; the rest stays. */
@Timeout(120)
class RetentionTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void runs_older_than_the_retention_go_with_their_fetches_in_batches_of_at_most_1000() throws Exception {
    try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db/cronloop"), 2)) {
      Recorder recorder = new Recorder(db.dataSource(), 20_000, Runnable::run).start();
      List<Write> writes = new ArrayList<>();
      for (long id = 1; id <= 2_500; id++) { // 31 days old, three fetches each
        writes.addAll(run(id, NOW.minus(Duration.ofDays(31)), RunStatus.OK, 3));
      }
      writes.addAll(run(5_000, NOW.minus(Duration.ofDays(40)), RunStatus.RUNNING, 1)); // still going
      for (long id = 6_000; id < 6_010; id++) {
        writes.addAll(run(id, NOW.minus(Duration.ofDays(29)), RunStatus.FAILED, 2)); // young enough
      }
      submitAll(recorder, writes);

      Retention.Pruned pruned = new Retention(db.dataSource(), Duration.ofDays(30)).pruneOnce(NOW);
      Retention.Pruned again = new Retention(db.dataSource(), Duration.ofDays(30)).pruneOnce(NOW);

      assertThat(pruned.runs()).isEqualTo(2_500);
      assertThat(pruned.fetches()).isEqualTo(7_500);
      // 3 batches of runs: each a select, fetch deletes of at most 1000 rows, a run delete
      assertThat(pruned.statements()).isGreaterThanOrEqualTo(2 * 7_500 / Retention.BATCH);
      assertThat(again.runs()).isZero();
      assertThat(ids(db, "SELECT id FROM runs ORDER BY id")).first().isEqualTo(5_000L);
      assertThat(ids(db, "SELECT id FROM runs")).hasSize(11);
      assertThat(ids(db, "SELECT id FROM fetches")).hasSize(1 + 10 * 2);
      recorder.stop().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void an_error_in_one_pass_does_not_end_the_passes_that_follow() throws Exception {
    try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db/cronloop"), 2)) {
      java.util.concurrent.atomic.AtomicInteger passes = new java.util.concurrent.atomic.AtomicInteger();
      try (Retention retention = new Retention(db.dataSource(), Duration.ofDays(30), () -> {
        if (passes.incrementAndGet() == 1) {
          throw new AssertionError("injected by the test in the first pass");
        }
        return java.util.Map.of();
      })) {
        retention.start(Duration.ZERO, Duration.ofMillis(20));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() >= 3);
        assertThat(retention.failures()).isEqualTo(1);
      }
    }
  }

  @Test
  void the_writer_keeps_committing_while_a_pass_runs() throws Exception {
    try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db/cronloop"), 4)) {
      Recorder recorder = new Recorder(db.dataSource(), 50_000, Runnable::run).start();
      List<Write> old = new ArrayList<>();
      for (long id = 1; id <= 5_000; id++) {
        old.addAll(run(id, NOW.minus(Duration.ofDays(100)), RunStatus.OK, 4));
      }
      submitAll(recorder, old);

      CompletableFuture<Retention.Pruned> pass = CompletableFuture.supplyAsync(() -> {
        try {
          return new Retention(db.dataSource(), Duration.ofDays(30)).pruneOnce(NOW);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      long worstMs = 0;
      long next = 100_000;
      while (!pass.isDone()) {
        long t0 = System.nanoTime();
        submitAll(recorder, run(next++, NOW, RunStatus.OK, 1));
        worstMs = Math.max(worstMs, (System.nanoTime() - t0) / 1_000_000);
      }

      assertThat(pass.get(60, TimeUnit.SECONDS).runs()).isEqualTo(5_000);
      assertThat(next - 100_000).as("runs committed during the pass").isGreaterThan(5);
      // a commit never waits for the whole pass, only for one small statement at most
      assertThat(worstMs).as("slowest commit during the pass, ms").isLessThan(2_000);
      recorder.stop().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void a_job_with_a_retention_of_its_own_keeps_its_runs_that_long_and_others_follow_the_global_one()
      throws Exception {
    try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db/cronloop"), 2)) {
      Recorder recorder = new Recorder(db.dataSource(), 1_000, Runnable::run).start();
      List<Write> writes = new ArrayList<>();
      writes.addAll(run(1, "short", NOW.minus(Duration.ofDays(2)), RunStatus.OK, 1)); // over its 1d
      writes.addAll(run(2, "short", NOW.minus(Duration.ofHours(12)), RunStatus.OK, 1));
      writes.addAll(run(3, "long", NOW.minus(Duration.ofDays(60)), RunStatus.OK, 1)); // within its 90d
      writes.addAll(run(4, "long", NOW.minus(Duration.ofDays(100)), RunStatus.OK, 1));
      writes.addAll(run(5, "plain", NOW.minus(Duration.ofDays(31)), RunStatus.OK, 1)); // over 30d
      writes.addAll(run(6, "plain", NOW.minus(Duration.ofDays(29)), RunStatus.OK, 1));
      submitAll(recorder, writes);
      java.util.Map<String, Duration> own = java.util.Map.of("short", Duration.ofDays(1), "long", Duration.ofDays(90));

      Retention.Pruned pruned = new Retention(db.dataSource(), Duration.ofDays(30), () -> own).pruneOnce(NOW);
      Retention.Pruned perJobOnly = new Retention(db.dataSource(), null, () -> own).pruneOnce(NOW);

      assertThat(pruned.runs()).isEqualTo(3);
      assertThat(perJobOnly.runs()).isZero();
      assertThat(ids(db, "SELECT id FROM runs WHERE id > 0 ORDER BY id")).containsExactly(2L, 3L, 6L);
      assertThat(ids(db, "SELECT run_id FROM fetches ORDER BY run_id")).containsExactly(2L, 3L, 6L);
      recorder.stop().get(10, TimeUnit.SECONDS);
    }
  }

  private static List<Write> run(long id, Instant fired, RunStatus status, int fetches) {
    return run(id, "job", fired, status, fetches);
  }

  private static List<Write> run(long id, String job, Instant fired, RunStatus status, int fetches) {
    List<Write> w = new ArrayList<>();
    w.add(new Write.InsertRun(new RunRow(id, job, "n1", Trigger.SCHEDULE, fired, fired, fired, null,
        RunStatus.RUNNING, fetches, 0, 0)));
    for (int i = 0; i < fetches; i++) {
      w.add(new Write.InsertFetch(new FetchRow(id, job, "http://x/" + i, "GET", 1, 200, Outcome.OK, null,
          1, 2, fired, fired)));
    }
    if (status != RunStatus.RUNNING) {
      w.add(new Write.FinishRun(id, fired, fired.plusSeconds(1), status, fetches, fetches, 0));
    }
    return w;
  }

  /** Submits and waits until everything is committed (a last marker run's commit is heard). */
  private static void submitAll(Recorder recorder, List<Write> writes) throws Exception {
    CompletableFuture<Instant> done = new CompletableFuture<>();
    assertThat(recorder.tryReserve(writes.size() + 1)).isTrue();
    writes.forEach(recorder::submit);
    recorder.submit(new Write.FinishRun(-1, NOW, NOW, RunStatus.OK, 0, 0, 0), done::complete);
    done.get(60, TimeUnit.SECONDS);
  }

  private static List<Long> ids(Database db, String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      List<Long> ids = new ArrayList<>();
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
      return ids;
    }
  }
}
