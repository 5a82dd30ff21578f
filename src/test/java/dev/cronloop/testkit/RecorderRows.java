package dev.cronloop.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import dev.cronloop.record.Database;
import dev.cronloop.record.Recorder;
import dev.cronloop.record.RunRow;
import dev.cronloop.record.Write;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/** Runs and fetches a recorder test hands to a {@link Recorder}, and the rows it counts back. */
public final class RecorderRows {
  /** The instant every row is stamped with. */
  public static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private RecorderRows() {}

  /** A RUNNING run of {@code job} on node n1, fired and started at {@link #T}. */
  public static RunRow run(long id, String job) {
    return new RunRow(id, job, "n1", Trigger.SCHEDULE, T, T, null, null, RunStatus.RUNNING, 0, 0, 0);
  }

  /** An OK GET of {@code url} for run {@code run}. */
  public static FetchRow fetch(long run, String job, String url) {
    return new FetchRow(run, job, url, "GET", 1, 200, Outcome.OK, null, 5, 2, T, T);
  }

  /**
   * Reserves room for, then submits, run {@code id} of {@code job}, its {@code fetches} and its OK
   * end; completes when the recorder reports the end committed (or spilled).
   */
  public static CompletableFuture<Instant> submitRun(Recorder recorder, long id, String job, List<FetchRow> fetches) {
    CompletableFuture<Instant> done = new CompletableFuture<>();
    assertThat(recorder.tryReserve(2 + fetches.size())).isTrue();
    recorder.submit(new Write.InsertRun(run(id, job)));
    fetches.forEach(f -> recorder.submit(new Write.InsertFetch(f)));
    recorder.submit(new Write.FinishRun(id, T, T.plusSeconds(1), RunStatus.OK, fetches.size(), fetches.size(), 0),
        done::complete);
    return done;
  }

  /** {@link #submitRun(Recorder, long, String, List)} of job "job" with {@code fetches} fetches of http://x/N. */
  public static CompletableFuture<Instant> submitRun(Recorder recorder, long id, int fetches) {
    return submitRun(recorder, id, "job",
        IntStream.range(0, fetches).mapToObj(i -> fetch(id, "job", "http://x/" + i)).toList());
  }

  /** {@code SELECT COUNT(*) FROM} {@code tableAndWhere} ("runs", "fetches WHERE outcome = 'OK'"). */
  public static long count(Database db, String tableAndWhere) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + tableAndWhere)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
