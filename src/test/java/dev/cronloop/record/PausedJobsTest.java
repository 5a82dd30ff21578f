package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.cronloop.testkit.LogCapture;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@link PausedJobs} on one H2 file stand for two nodes on one database: what one writes, the
 * other learns on its next read; a pause the other made first is not made twice.
 */
class PausedJobsTest {
  private static final Instant T = Instant.parse("2026-12-06T09:58:12Z");
  @TempDir Path dir;

  @Test
  void a_pause_written_by_one_node_is_read_by_the_other_and_a_second_pause_finds_the_first() throws Exception {
    try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db/cronloop"), 2)) {
      PausedJobs a = new PausedJobs(db.dataSource());
      PausedJobs b = new PausedJobs(db.dataSource());

      boolean paused = a.pause("tick", "API", "node-a", T);
      boolean seenBeforeRead = b.contains("tick");
      boolean pausedAgainByB = b.pause("tick", "API", "node-b", T.plusSeconds(1));
      boolean resumedByB = b.resume("tick");
      boolean seenByAUntilRead = a.contains("tick");
      a.follow();

      assertThat(paused).isTrue();
      assertThat(seenBeforeRead).isFalse();
      assertThat(pausedAgainByB).as("node-a's pause was there first").isFalse();
      assertThat(resumedByB).isTrue();
      assertThat(seenByAUntilRead).isTrue();
      assertThat(a.contains("tick")).isFalse();
    }
  }

  @Test
  void the_reason_names_who_paused_when_and_on_which_node() throws Exception {
    try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db/cronloop"), 2)) {
      PausedJobs a = new PausedJobs(db.dataSource());
      a.pause("tick", "API", "node-a", T);
      PausedJobs restarted = new PausedJobs(db.dataSource());
      restarted.refresh();

      assertThat(restarted.get("tick").orElseThrow().reason())
          .isEqualTo("paused by API at 2026-12-06T09:58:12.000Z on node-a");
    }
  }

  @Test
  void a_failed_read_keeps_the_pauses_read_last_and_warns_once() throws Exception {
    Database db = Database.open("jdbc:h2:file:" + dir.resolve("db/cronloop"), 2);
    PausedJobs a = new PausedJobs(db.dataSource());
    a.pause("tick", "API", "node-a", T);
    db.close();

    try (LogCapture logs = LogCapture.start()) {
      boolean first = a.follow();
      boolean second = a.follow();

      assertThat(first).isFalse();
      assertThat(second).isFalse();
      assertThat(a.contains("tick")).isTrue();
      assertThat(logs.at(Level.WARN)).filteredOn(l -> l.contains("cannot read the paused jobs")).hasSize(1);
    }
  }
}
