package dev.cronloop.record;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import dev.cronloop.testkit.RecorderRows;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recorder under random runs whose rows the database sometimes refuses (over-long job ids and
 * URLs, which are cut to fit; a latency a CHECK constraint forbids, recorded as RECORD_ERROR; a
 * method a second constraint forbids, dropped), through a queue small enough to fill: the queue
 * never stalls, every run is told it ended, and every write is accounted for (written + rejected
 * = submitted). A real in-memory H2 per try; bounded to 12 tries of at most 12 runs.
 */
class RecorderPropertyTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final int CAPACITY = 16;

  /** What a fetch row holds that the database may refuse. */
  enum Kind { FINE, LONG_URL, NEGATIVE_LATENCY, FORBIDDEN_METHOD }

  record PlannedRun(boolean longJobId, List<Kind> fetches) {}

  @Property(tries = 12, shrinking = ShrinkingMode.OFF, seed = "14")
  void refused_rows_never_stall_the_queue_and_every_write_is_accounted_for(
      @ForAll("plans") List<PlannedRun> plan) throws Exception {
    try (Database db = Database.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", 2)) {
      execute(db, "ALTER TABLE fetches ADD CONSTRAINT test_latency CHECK (latency_ms >= 0)");
      execute(db, "ALTER TABLE fetches ADD CONSTRAINT test_method CHECK (method <> 'FORBIDDEN')");
      Recorder recorder = new Recorder(db.dataSource(), CAPACITY, Runnable::run).start();
      List<CompletableFuture<Instant>> ended = new ArrayList<>();
      long submitted = 0;
      long refused = 0;
      long storedFetches = 0;

      long id = 0;
      for (PlannedRun p : plan) {
        id++;
        String job = p.longJobId() ? "j".repeat(300) : "job";
        submit(recorder, new Write.InsertRun(new RunRow(id, job, "n1", Trigger.SCHEDULE, T, T, null, null,
            RunStatus.RUNNING, p.fetches().size(), 0, 0)));
        refused += p.longJobId() ? 1 : 0;
        for (Kind k : p.fetches()) {
          submit(recorder, new Write.InsertFetch(fetch(id, job, k)));
          refused += p.longJobId() || k != Kind.FINE ? 1 : 0;
          storedFetches += k == Kind.FORBIDDEN_METHOD ? 0 : 1;
        }
        CompletableFuture<Instant> end = new CompletableFuture<>();
        reserve(recorder);
        recorder.submit(new Write.FinishRun(id, T, T.plusSeconds(1), RunStatus.OK, p.fetches().size(), 0, 0),
            end::complete);
        ended.add(end);
        submitted += 2 + p.fetches().size();
      }

      CompletableFuture.allOf(ended.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);
      assertThat(recorder.written() + recorder.rejected()).isEqualTo(submitted);
      assertThat(recorder.rejected()).isEqualTo(refused);
      assertThat(recorder.depth()).isZero();
      assertThat(recorder.tryReserve(CAPACITY)).as("all room is free again").isTrue();
      assertThat(RecorderRows.count(db, "runs WHERE status = 'OK'")).isEqualTo(plan.size());
      assertThat(RecorderRows.count(db, "fetches")).isEqualTo(storedFetches);
      assertThat(RecorderRows.count(db, "fetches WHERE outcome = 'RECORD_ERROR'"))
          .isEqualTo(plan.stream().flatMap(p -> p.fetches().stream()).filter(k -> k == Kind.NEGATIVE_LATENCY).count());
    }
  }

  @Provide
  Arbitrary<List<PlannedRun>> plans() {
    Arbitrary<Kind> kind = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, Arbitraries.just(Kind.FINE)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.LONG_URL)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.NEGATIVE_LATENCY)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.FORBIDDEN_METHOD)));
    return Combinators.combine(Arbitraries.integers().between(0, 9).map(n -> n == 0), kind.list().ofMaxSize(40))
        .as(PlannedRun::new).list().ofMinSize(1).ofMaxSize(12);
  }

  /** Waits for room like the engine does (told by the recorder, never by polling). */
  private static void submit(Recorder recorder, Write w) throws InterruptedException {
    reserve(recorder);
    recorder.submit(w);
  }

  private static void reserve(Recorder recorder) throws InterruptedException {
    while (!recorder.tryReserve(1)) {
      CountDownLatch room = new CountDownLatch(1);
      recorder.whenRoom(room::countDown);
      assertThat(room.await(10, TimeUnit.SECONDS)).as("the recorder frees room (queue not stalled)").isTrue();
    }
  }

  private static FetchRow fetch(long run, String job, Kind k) {
    String url = k == Kind.LONG_URL ? "http://127.0.0.1/" + "u".repeat(4_100) : "http://127.0.0.1/" + run;
    String method = k == Kind.FORBIDDEN_METHOD ? "FORBIDDEN" : "GET";
    long latency = k == Kind.NEGATIVE_LATENCY ? -1 : 5;
    return new FetchRow(run, job, url, method, 1, 200, Outcome.OK, null, latency, 2, T, T);
  }

  private static void execute(Database db, String sql) throws SQLException {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
