package dev.cronloop.record;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.testkit.Postgres;
import dev.cronloop.testkit.RecorderRows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refused rows on PostgreSQL, where a failed statement aborts the whole transaction until it is
 * rolled back to a savepoint, and where text cannot hold NUL (SQLState 22021) as H2's can.
 */
@Tag("cluster")
@Timeout(60)
class RefusedRowsPostgresIT {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void an_over_long_url_and_a_nul_character_are_settled_and_every_other_row_commits() throws Exception {
    try (Postgres pg = Postgres.freshDatabase(); Database db = Database.open(pg.url(), 2)) {
      Recorder recorder = new Recorder(db.dataSource(), 1_000, Runnable::run);
      List<FetchRow> fetches = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        String url = switch (i) {
          case 100 -> "http://127.0.0.1/" + "x".repeat(5_000);
          case 300 -> "http://127.0.0.1/nul\0here";
          default -> "http://127.0.0.1/" + i;
        };
        fetches.add(new FetchRow(1, "job", url, "GET", 1, 200, Outcome.OK, null, 5, 2, T, T));
      }
      CompletableFuture<Instant> ended = RecorderRows.submitRun(recorder, 1, "job", fetches);

      recorder.start();
      ended.get(20, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);

      List<FetchRow> rows = new RunQueries(db.dataSource()).fetches(1);
      assertThat(rows).hasSize(500);
      assertThat(rows).filteredOn(f -> f.url().endsWith(ColumnFit.MARKER)).hasSize(1);
      assertThat(rows).extracting(FetchRow::url).contains("http://127.0.0.1/nulhere", "http://127.0.0.1/499");
      assertThat(recorder.rejected()).isEqualTo(2);
      assertThat(recorder.written()).isEqualTo(502 - 2);
      assertThat(new RunQueries(db.dataSource()).run(1).orElseThrow().status()).isEqualTo(RunStatus.OK);
    }
  }
}
