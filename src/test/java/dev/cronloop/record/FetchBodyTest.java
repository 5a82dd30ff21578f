package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fetches.body} (issue 16) on a real H2 file: a captured body goes through the journal and
 * into its column, an over-long one is cut to fit rather than lost, and retention deletes bodies
 * with their rows.
 */
@Timeout(60)
class FetchBodyTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  @TempDir Path dir;

  private static List<Write> run(long id, Instant at, String... bodies) {
    List<Write> w = new java.util.ArrayList<>();
    w.add(new Write.InsertRun(new RunRow(id, "job", "n1", Trigger.SCHEDULE, at, at, at, null,
        RunStatus.RUNNING, 0, 0, 0)));
    for (int i = 0; i < bodies.length; i++) {
      w.add(new Write.InsertFetch(new FetchRow(id, "job", "http://127.0.0.1/" + i, "GET", 1, 500,
          Outcome.HTTP_ERROR, "status 500 not in 200-299", 3, 10, at, at, bodies[i])));
    }
    w.add(new Write.FinishRun(id, at, at, RunStatus.FAILED, bodies.length, 0, bodies.length));
    return w;
  }

  @Test
  void a_body_goes_through_the_journal_into_its_column_and_a_too_long_one_is_cut() throws Exception {
    String tooLong = "x".repeat(ColumnFit.BODY + 10);
    Journal journal = new Journal(dir.resolve("db/cronloop.journal"));
    journal.append(run(1, NOW, "{\"error\":\"down\"}", null, "Grüße", tooLong));

    try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db/cronloop"), 2)) {
      int replayed = journal.replay(db.dataSource(), new Rejections(), java.time.InstantSource.system());

      assertThat(replayed).isEqualTo(6);
      List<FetchRow> rows = new RunQueries(db.dataSource()).fetches(1);
      assertThat(rows).extracting(FetchRow::body).startsWith("{\"error\":\"down\"}", null, "Grüße");
      assertThat(rows.get(3).body()).hasSize(ColumnFit.BODY).endsWith(ColumnFit.MARKER);
    }
  }

  @Test
  void retention_deletes_bodies_with_their_rows() throws Exception {
    try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db/cronloop"), 2)) {
      Journal journal = new Journal(dir.resolve("db/j.journal"));
      journal.append(run(1, NOW.minus(Duration.ofDays(40)), "old body"));
      journal.append(run(2, NOW.minus(Duration.ofDays(1)), "young body"));
      journal.replay(db.dataSource(), new Rejections(), java.time.InstantSource.system());

      new Retention(db.dataSource(), Duration.ofDays(30)).pruneOnce(NOW);

      try (var c = db.dataSource().getConnection();
          var rs = c.createStatement().executeQuery("SELECT body FROM fetches ORDER BY id")) {
        List<String> left = new java.util.ArrayList<>();
        while (rs.next()) {
          left.add(rs.getString(1));
        }
        assertThat(left).containsExactly("young body");
      }
    }
  }
}
