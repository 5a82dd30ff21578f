package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.testkit.Postgres;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code fetches.body} (issue 16, migration V5) on PostgreSQL: the shared migration adds the
 * column there too, the largest capture goes in whole, an absent body stays null, and a body the
 * database refuses (NUL) is cleaned and kept rather than lost with its row.
 */
@Tag("cluster")
@Timeout(60)
class FetchBodyPostgresIT {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static FetchRow fetch(int i, String body) {
    return new FetchRow(1, "job", "http://127.0.0.1/" + i, "GET", 1, 500, Outcome.HTTP_ERROR,
        "status 500 not in 200-299", 5, 2, T, T, body);
  }

  @Test
  void the_body_column_takes_a_full_capture_an_absent_one_and_settles_a_nul() throws Exception {
    String largest = "é".repeat(65_536) + "\n…[truncated: first 65,536 of 1,000,000 bytes]";
    try (Postgres pg = Postgres.freshDatabase(); Database db = Database.open(pg.url(), 2)) {
      Recorder recorder = new Recorder(db.dataSource(), 1_000, Runnable::run);
      CompletableFuture<Instant> ended = dev.cronloop.testkit.RecorderRows.submitRun(recorder, 1, "job", List.of(
          fetch(0, largest), fetch(1, null), fetch(2, "{\"error\":\"down\"}"), fetch(3, "a\0b")));

      recorder.start();
      ended.get(20, TimeUnit.SECONDS);
      recorder.stop().get(10, TimeUnit.SECONDS);

      List<FetchRow> rows = new RunQueries(db.dataSource()).fetches(1);
      assertThat(rows).extracting(FetchRow::body)
          .containsExactly(largest, null, "{\"error\":\"down\"}", "ab");
    }
  }
}
