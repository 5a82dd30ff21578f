package dev.cronloop.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cronloop.model.JobHealth;
import dev.cronloop.record.NoticeStore.Attempt;
import dev.cronloop.record.NoticeStore.NewNotice;
import dev.cronloop.record.NoticeStore.Notice;
import dev.cronloop.record.NoticeStore.Transition;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health rows and notices on a real H2 file: two stores (two nodes) counting runs of one job at
 * once record each transition once, the notice is claimed by the node that recorded it, and
 * attempts are kept. {@link NoticeStorePostgresIT} runs the same on PostgreSQL.
 */
@Timeout(60)
class NoticeStoreTest {
  @TempDir Path dir;

  @Test
  void two_nodes_counting_one_job_at_once_record_the_transition_once() throws Exception {
    try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db"), 6)) {
      countConcurrently(db);
    }
  }

  @Test
  void a_pending_notice_is_found_again_by_its_node_and_ends_with_its_attempts() throws Exception {
    try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db"), 4)) {
      pendingAndAttempts(db);
    }
  }

  /** The fifth failed run in a row owes one notice; the others none. */
  static Function<JobHealth, Transition> failed(long runId) {
    return h -> {
      int streak = h.consecutiveFailures() + 1;
      JobHealth next = new JobHealth(h.jobId(), streak >= 5, streak, h.since(), h.streakSince(), null, null, runId);
      return new Transition(next, streak == 5 ? List.of(new NewNotice("ops", "failure", "{\"run\":" + runId + "}"))
          : List.of());
    };
  }

  static void countConcurrently(Database db) throws Exception {
    NoticeStore a = new NoticeStore(db.dataSource(), "node-a", 100, InstantSource.system());
    NoticeStore b = new NoticeStore(db.dataSource(), "node-b", 100, InstantSource.system());
    try {
      List<CompletableFuture<List<Notice>>> counted = new ArrayList<>();
      for (int run = 1; run <= 20; run++) {
        counted.add((run % 2 == 0 ? a : b).count("routers", run, failed(run)));
      }
      List<Notice> notices = new ArrayList<>();
      for (CompletableFuture<List<Notice>> c : counted) {
        notices.addAll(c.get(20, TimeUnit.SECONDS));
      }

      assertThat(notices).hasSize(1);
      assertThat(a.health("routers").orElseThrow().consecutiveFailures()).isEqualTo(20);
      assertThat(a.health("routers").orElseThrow().state()).isEqualTo("failing");
      assertThat(rows(db, "SELECT COUNT(*) FROM notices")).isEqualTo(1);
      String claimer = notices.get(0).runId() % 2 == 0 ? "node-a" : "node-b";
      assertThat(a.pending().get(5, TimeUnit.SECONDS).size() + b.pending().get(5, TimeUnit.SECONDS).size())
          .isEqualTo(1);
      assertThat((claimer.equals("node-a") ? a : b).pending().get(5, TimeUnit.SECONDS)).hasSize(1);
    } finally {
      a.close();
      b.close();
    }
  }

  static void pendingAndAttempts(Database db) throws Exception {
    NoticeStore store = new NoticeStore(db.dataSource(), "node-a", 100, InstantSource.system());
    Notice notice = null;
    for (int run = 1; run <= 5; run++) {
      List<Notice> n = store.count("routers", run, failed(run)).get(5, TimeUnit.SECONDS);
      notice = n.isEmpty() ? notice : n.get(0);
    }
    store.close();
    NoticeStore again = new NoticeStore(db.dataSource(), "node-a", 100, InstantSource.system());
    try {
      assertThat(again.pending().get(5, TimeUnit.SECONDS)).extracting(Notice::id).containsExactly(notice.id());

      Instant at = Instant.parse("2026-12-06T10:00:00Z");
      again.attempt(new Attempt(notice.id(), "routers", "failure", "ops", 1, false, "HTTP 500", at, null))
          .get(5, TimeUnit.SECONDS);
      again.attempt(new Attempt(notice.id(), "routers", "failure", "ops", 2, true, null, at.plusSeconds(1),
          "DELIVERED")).get(5, TimeUnit.SECONDS);

      assertThat(again.pending().get(5, TimeUnit.SECONDS)).isEmpty();
      assertThat(rows(db, "SELECT COUNT(*) FROM notifications WHERE notice_id = '" + notice.id() + "'")).isEqualTo(2);
      NoticeStore.LastNotice last = again.lastNotice("routers").orElseThrow();
      assertThat(last.status()).isEqualTo("DELIVERED");
      assertThat(last.attempts()).isEqualTo(2);
      assertThat(last.doneAt()).isEqualTo(at.plusSeconds(1));
    } finally {
      again.close();
    }
  }

  static long rows(Database db, String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
