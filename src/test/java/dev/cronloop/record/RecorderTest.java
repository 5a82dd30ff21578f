package dev.cronloop.record;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The recorder against a real H2 file: batches, reservations, commit callbacks, flush on stop. */
@Timeout(60)
class RecorderTest {
  @TempDir Path dir;
  private final Executor direct = Runnable::run;

  @Test
  void a_run_and_its_fetches_are_written_and_the_commit_is_reported_once() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      Recorder recorder = new Recorder(db.dataSource(), 100, direct).start();
      CompletableFuture<Instant> committed = new CompletableFuture<>();
      Instant t = Instant.parse("2026-01-01T00:00:00Z");

      assertThat(recorder.tryReserve(2 + 3)).isTrue();
      recorder.submit(new Write.InsertRun(new RunRow(7, "job", "n1", Trigger.MANUAL, null, t, null,
          null, RunStatus.RUNNING, 3, 0, 0)));
      for (int i = 0; i < 3; i++) {
        recorder.submit(new Write.InsertFetch(new FetchRow(7, "job", "http://x/" + i, "GET", 1,
            200, Outcome.OK, null, 5, 2, t, t)));
      }
      recorder.submit(new Write.FinishRun(7, t, t.plusSeconds(1), RunStatus.OK, 3, 3, 0),
          committed::complete);

      assertThat(committed.get(10, TimeUnit.SECONDS)).isAfter(t);
      recorder.stop().get(10, TimeUnit.SECONDS);
      RunQueries q = new RunQueries(db.dataSource());
      RunRow run = q.run(7).orElseThrow();
      assertThat(run.status()).isEqualTo(RunStatus.OK);
      assertThat(run.requestsOk()).isEqualTo(3);
      assertThat(run.finishedAt()).isEqualTo(t.plusSeconds(1));
      assertThat(q.fetches(7)).extracting(FetchRow::url)
          .containsExactly("http://x/0", "http://x/1", "http://x/2");
    }
  }

  @Test
  void reservations_stop_at_capacity_and_room_comes_back_after_a_commit() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      ConcurrentLinkedQueue<String> notices = new ConcurrentLinkedQueue<>();
      Recorder recorder = new Recorder(db.dataSource(), 4, direct);

      assertThat(recorder.tryReserve(4)).isTrue();
      assertThat(recorder.tryReserve(1)).isFalse();
      recorder.whenRoom(() -> notices.add("room"));
      Instant t = Instant.now();
      for (int i = 0; i < 4; i++) {
        recorder.submit(new Write.InsertRun(new RunRow(100 + i, "job", "n1", Trigger.SCHEDULE, t,
            t, null, t, RunStatus.SKIPPED, 1, 0, 0)));
      }
      assertThat(notices).isEmpty();
      recorder.start();

      await().atMost(Duration.ofSeconds(10)).until(() -> notices.size() == 1);
      assertThat(recorder.tryReserve(4)).isTrue();
      recorder.stop().get(10, TimeUnit.SECONDS);
      assertThat(new RunQueries(db.dataSource()).runs("job", RunStatus.SKIPPED, null, 10)).hasSize(4);
    }
  }

  @Test
  void stop_flushes_everything_queued_in_batches() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      Recorder recorder = new Recorder(db.dataSource(), 10_000, direct).start();
      Instant t = Instant.now();
      assertThat(recorder.tryReserve(5_001)).isTrue();
      recorder.submit(new Write.InsertRun(new RunRow(1, "bulk", "n1", Trigger.MANUAL, null, t,
          null, null, RunStatus.RUNNING, 5_000, 0, 0)));
      for (int i = 0; i < 5_000; i++) {
        recorder.submit(new Write.InsertFetch(new FetchRow(1, "bulk", "http://x/" + i, "GET", 1,
            200, Outcome.OK, null, 1, 2, t, t)));
      }

      recorder.stop().get(30, TimeUnit.SECONDS);

      assertThat(recorder.written()).isEqualTo(5_001);
      assertThat(recorder.batches()).isGreaterThanOrEqualTo(3).isLessThan(5_001);
      assertThat(new RunQueries(db.dataSource()).fetchCount(1)).isEqualTo(5_000);
      assertThat(recorder.depth()).isZero();
    }
  }

  @Test
  void the_h2_file_url_gets_mixed_mode_so_a_second_process_can_read() {
    assertThat(Database.normalize("jdbc:h2:file:./db/cronloop"))
        .isEqualTo("jdbc:h2:file:./db/cronloop;AUTO_SERVER=TRUE");
    assertThat(Database.normalize("jdbc:postgresql://127.0.0.1/x")).isEqualTo("jdbc:postgresql://127.0.0.1/x");
    assertThat(Database.redact("jdbc:postgresql://h/x?user=a&password=s3cret")).doesNotContain("s3cret");
  }

  @Test
  void big_captured_bodies_fill_the_body_budget_long_before_the_count_and_room_comes_back_after_a_commit()
      throws Exception {
    int body = 64 << 10;
    try (Database db = Database.open(url(), 2)) {
      ConcurrentLinkedQueue<String> notices = new ConcurrentLinkedQueue<>();
      Recorder recorder = new Recorder(db.dataSource(), 1_000, 3 * body, direct);
      Instant t = Instant.now();

      assertThat(recorder.tryReserve(1)).as("the run row").isTrue();
      List<Boolean> bodies = List.of(recorder.tryReserve(1, body), recorder.tryReserve(1, body),
          recorder.tryReserve(1, body), recorder.tryReserve(1, body));
      boolean bodiless = recorder.tryReserve(1);
      recorder.whenRoom(() -> notices.add("room"));
      recorder.submit(new Write.InsertRun(new RunRow(1, "big", "n1", Trigger.MANUAL, null, t,
          null, null, RunStatus.RUNNING, 3, 0, 0)));
      for (int i = 0; i < 3; i++) {
        recorder.submit(new Write.InsertFetch(new FetchRow(1, "big", "http://x/" + i, "GET", 1, 500,
            Outcome.HTTP_ERROR, "status 500", 1, 2, t, t, "x".repeat(body))), body);
      }
      recorder.submit(new Write.InsertRun(new RunRow(2, "big", "n1", Trigger.MANUAL, null, t,
          null, null, RunStatus.RUNNING, 0, 0, 0)));
      boolean fullWhileQueued = recorder.tryReserve(1, 1);
      recorder.start();

      assertThat(bodies).as("three 64 KiB bodies fill a 192 KiB budget").containsExactly(true, true, true, false);
      assertThat(bodiless).as("a write without a body still fits the count").isTrue();
      assertThat(fullWhileQueued).isFalse();
      await().atMost(Duration.ofSeconds(10)).until(() -> notices.size() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> recorder.tryReserve(1, 3 * body));
      recorder.stop().get(10, TimeUnit.SECONDS);
      assertThat(new RunQueries(db.dataSource()).fetchCount(1)).isEqualTo(3);
    }
  }

  @Test
  void a_body_shorter_than_its_reservation_gives_the_rest_back_when_queued() throws Exception {
    try (Database db = Database.open(url(), 2)) {
      Recorder recorder = new Recorder(db.dataSource(), 100, 1_000, direct);
      Instant t = Instant.now();

      assertThat(recorder.tryReserve(1, 1_000)).isTrue();
      boolean before = recorder.tryReserve(1, 990);
      recorder.submit(new Write.InsertFetch(new FetchRow(1, "small", "http://x/", "GET", 1, 500,
          Outcome.HTTP_ERROR, "status 500", 1, 2, t, t, "0123456789")), 1_000);
      boolean after = recorder.tryReserve(1, 990);
      boolean more = recorder.tryReserve(1, 1);

      assertThat(before).isFalse();
      assertThat(after).as("990 of the 1,000 reserved came back").isTrue();
      assertThat(more).isFalse();
    }
  }

  private String url() {
    return "jdbc:h2:file:" + dir.resolve("db/test");
  }

}
