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

  @Test
  void a_live_node_takes_over_the_pending_notices_of_a_node_whose_lease_expired() throws Exception {
    try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db"), 4)) {
      takeOver(db);
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
    lease(db, "node-a", Instant.now().plusSeconds(3600));
    lease(db, "node-b", Instant.now().plusSeconds(3600));
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

  /**
   * Node "node-dead" owes a notice and its lease has expired; "node-busy" owes one and renews its
   * lease. A live node's sweep takes over the first, under the same id (its Idempotency-Key), and
   * leaves the second; a second live node's sweep then finds nothing to take.
   */
  static void takeOver(Database db) throws Exception {
    lease(db, "node-dead", Instant.now().minusSeconds(60));
    lease(db, "node-busy", Instant.now().plusSeconds(3600));
    lease(db, "node-live", Instant.now().plusSeconds(3600));
    lease(db, "node-late", Instant.now().plusSeconds(3600));
    NoticeStore dead = new NoticeStore(db.dataSource(), "node-dead", 100, InstantSource.system());
    NoticeStore busy = new NoticeStore(db.dataSource(), "node-busy", 100, InstantSource.system());
    NoticeStore live = new NoticeStore(db.dataSource(), "node-live", 100, InstantSource.system());
    NoticeStore late = new NoticeStore(db.dataSource(), "node-late", 100, InstantSource.system());
    try {
      Notice owed = null;
      Notice kept = null;
      for (int run = 1; run <= 5; run++) {
        List<Notice> n = dead.count("routers", run, failed(run)).get(5, TimeUnit.SECONDS);
        owed = n.isEmpty() ? owed : n.get(0);
        List<Notice> k = busy.count("switches", 100 + run, failed(100 + run)).get(5, TimeUnit.SECONDS);
        kept = k.isEmpty() ? kept : k.get(0);
      }

      List<Notice> taken = live.pending().get(5, TimeUnit.SECONDS);
      List<Notice> second = late.pending().get(5, TimeUnit.SECONDS);

      assertThat(taken).extracting(Notice::id).containsExactly(owed.id());
      assertThat(taken.get(0).payload()).isEqualTo(owed.payload());
      assertThat(second).isEmpty();
      assertThat(busy.pending().get(5, TimeUnit.SECONDS)).extracting(Notice::id).containsExactly(kept.id());
      assertThat(rows(db, "SELECT COUNT(*) FROM notices WHERE claimed_by = 'node-live'")).isEqualTo(1);
      assertThat(rows(db, "SELECT COUNT(*) FROM notices")).as("one notice each, no copy").isEqualTo(2);
    } finally {
      dead.close();
      busy.close();
      live.close();
      late.close();
    }
  }

  /** A lease row of a cluster node, renewed until {@code expires}. */
  static void lease(Database db, String node, Instant expires) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        java.sql.PreparedStatement s = c.prepareStatement("INSERT INTO node_leases (lease_key, node, pid, host,"
            + " pid_ns, token, epoch, started_at, renewed_at, expires_at) VALUES (?, ?, 1, 'test', NULL, ?, 1, ?, ?, ?)")) {
      s.setString(1, NodeLease.nodeKey(node));
      s.setString(2, node);
      s.setString(3, java.util.UUID.randomUUID().toString());
      OutcomeStore.setInstant(s, 4, expires.minusSeconds(15));
      OutcomeStore.setInstant(s, 5, expires.minusSeconds(15));
      OutcomeStore.setInstant(s, 6, expires);
      s.executeUpdate();
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
