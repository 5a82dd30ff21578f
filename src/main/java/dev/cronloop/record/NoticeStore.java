package dev.cronloop.record;

import dev.cronloop.model.JobHealth;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of notifying jobs and their notices in the database ({@code job_health}, {@code
 * notices}, {@code notifications}; src/docs/notifications.md). A run is counted in one
 * transaction that locks the job's health row, moves it and inserts the notices the transition
 * owes, claimed by this node: so each transition is recorded once, whichever node ran the run, and
 * a notice outlives a kill -9 of the node that owes its delivery ({@link #pending}).
 *
 * <p>Runs on: its own {@code cronloop-notices} thread, which takes tasks from a bounded queue;
 * callers get {@link CompletableFuture}s and never wait. A full queue fails the task at once with
 * {@link RejectedExecutionException}. {@link #health} and {@link #lastNotice} are blocking reads
 * for the API's worker threads.
 */
public final class NoticeStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NoticeStore.class);

  /** Tasks that may wait for the thread. */
  public static final int DEFAULT_CAPACITY = 10_000;

  /** A notice a transition owes, before it has an id. */
  public record NewNotice(String channel, String event, String payload) {}

  /** A notice as stored: its id is the {@code Idempotency-Key} a receiver deduplicates by. */
  public record Notice(String id, String jobId, long runId, String event, String channel, String payload,
      int attempts) {}

  /** What counting a run does: the next health, and the notices owed (empty for none). */
  public record Transition(JobHealth next, List<NewNotice> notices) {
    public Transition {
      notices = List.copyOf(notices);
    }
  }

  /**
   * One delivery attempt.
   *
   * @param noticeId the notice, or null for a ping
   * @param done the notice's final status ({@code DELIVERED}, {@code FAILED}), or null while it is
   *     tried again
   */
  public record Attempt(String noticeId, String jobId, String event, String channel, int attempt, boolean ok,
      String error, Instant at, String done) {}

  /** The newest notice of a job, for the API. */
  public record LastNotice(String id, String event, String channel, String status, int attempts, Instant createdAt,
      Instant doneAt) {}

  /** The columns of a {@code job_health} row that {@link #health(String, ResultSet)} reads. */
  private static final String HEALTH_COLUMNS =
      "state, consecutive_failures, since, streak_since, last_notice_at, last_event, last_run_id";

  private final DataSource dataSource;
  private final String node;
  private final InstantSource clock;
  private final ThreadPoolExecutor thread;

  public NoticeStore(DataSource dataSource, String node, int capacity, InstantSource clock) {
    this.dataSource = dataSource;
    this.node = node;
    this.clock = clock;
    this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity), r -> {
      Thread t = new Thread(r, "cronloop-notices");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Counts a run of {@code jobId}: locks its health row, asks {@code decide} for the transition and
   * stores it with its notices, claimed by this node, in one transaction.
   *
   * @param decide pure; runs on the store's thread inside the transaction
   * @return the notices stored, to deliver
   */
  public CompletableFuture<List<Notice>> count(String jobId, long runId, Function<JobHealth, Transition> decide) {
    return submit(() -> countNow(jobId, runId, decide));
  }

  /**
   * The notices claimed by this node and not yet delivered or given up: after a restart, say. First
   * takes over the pending notices of nodes that hold no live lease ({@code node_leases}): a node
   * that died, or stopped and did not come back, would otherwise leave them PENDING forever. A
   * notice keeps its id, the {@code Idempotency-Key}: its receiver may see it twice (from the node
   * that lost it, then from this one), never under two keys.
   */
  public CompletableFuture<List<Notice>> pending() {
    return submit(this::pendingNow);
  }

  /** Records a delivery attempt (and the notice's end, if it ended). */
  public CompletableFuture<Void> attempt(Attempt a) {
    return submit(() -> {
      attemptNow(a);
      return null;
    });
  }

  private <T> CompletableFuture<T> submit(Callable<T> task) {
    CompletableFuture<T> done = new CompletableFuture<>();
    try {
      thread.execute(() -> {
        try {
          done.complete(task.call());
        } catch (Exception | Error e) {
          done.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  private List<Notice> countNow(String jobId, long runId, Function<JobHealth, Transition> decide)
      throws SQLException {
    Instant now = clock.instant();
    insertIfAbsent(jobId, now);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        JobHealth before = lock(c, jobId);
        Transition t = decide.apply(before);
        update(c, t.next(), now);
        List<Notice> stored = new ArrayList<>();
        for (NewNotice n : t.notices()) {
          Notice notice = new Notice(UUID.randomUUID().toString(), jobId, runId, n.event(), n.channel(), n.payload(), 0);
          insert(c, notice, now);
          stored.add(notice);
        }
        c.commit();
        if (!stored.isEmpty()) {
          // A kill -9 right after a transition must not lose the notice it owes (transitions are
          // rare, runs are not: only these are forced).
          Database.forceToDisk(c);
        }
        return stored;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private void insertIfAbsent(String jobId, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "INSERT INTO job_health (job_id, state, consecutive_failures, last_run_id, updated_at)"
                + " SELECT ?, 'ok', 0, 0, ? WHERE NOT EXISTS (SELECT 1 FROM job_health WHERE job_id = ?)")) {
      s.setString(1, jobId);
      OutcomeStore.setInstant(s, 2, now);
      s.setString(3, jobId);
      s.executeUpdate();
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState())) { // another node inserted it just now
        throw e;
      }
    }
  }

  private static JobHealth lock(Connection c, String jobId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT " + HEALTH_COLUMNS + " FROM job_health WHERE job_id = ? FOR UPDATE")) {
      s.setString(1, jobId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return health(jobId, rs);
      }
    }
  }

  private static JobHealth health(String jobId, ResultSet rs) throws SQLException {
    return new JobHealth(jobId, "failing".equals(rs.getString("state")), rs.getInt("consecutive_failures"),
        OutcomeStore.instant(rs, "since"), OutcomeStore.instant(rs, "streak_since"),
        OutcomeStore.instant(rs, "last_notice_at"), rs.getString("last_event"), rs.getLong("last_run_id"));
  }

  private static void update(Connection c, JobHealth h, Instant now) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE job_health SET state = ?, consecutive_failures = ?, since = ?, streak_since = ?,"
            + " last_notice_at = ?, last_event = ?, last_run_id = ?, updated_at = ? WHERE job_id = ?")) {
      s.setString(1, h.state());
      s.setInt(2, h.consecutiveFailures());
      OutcomeStore.setInstant(s, 3, h.since());
      OutcomeStore.setInstant(s, 4, h.streakSince());
      OutcomeStore.setInstant(s, 5, h.lastNoticeAt());
      s.setString(6, h.lastEvent());
      s.setLong(7, h.lastRunId());
      OutcomeStore.setInstant(s, 8, now);
      s.setString(9, h.jobId());
      s.executeUpdate();
    }
  }

  private void insert(Connection c, Notice n, Instant now) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO notices (id, job_id, run_id, event, channel, claimed_by, status, attempts, payload, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?)")) {
      s.setString(1, n.id());
      s.setString(2, n.jobId());
      s.setLong(3, n.runId());
      s.setString(4, n.event());
      s.setString(5, n.channel());
      s.setString(6, node);
      s.setString(7, n.payload());
      OutcomeStore.setInstant(s, 8, now);
      s.executeUpdate();
    }
  }

  /**
   * Claims for this node the PENDING notices whose claimer's lease has expired or is gone, in one
   * statement: of two live nodes that sweep at once, the second finds the notices claimed by the
   * first, whose lease is live, and leaves them. Times are the database's, as the leases' are.
   */
  private int takeOver(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE notices SET claimed_by = ? WHERE status = 'PENDING' AND claimed_by <> ?"
            + " AND NOT EXISTS (SELECT 1 FROM node_leases l WHERE l.node = notices.claimed_by"
            + " AND l.expires_at > CURRENT_TIMESTAMP)")) {
      s.setString(1, node);
      s.setString(2, node);
      int taken = s.executeUpdate();
      if (taken > 0) {
        log.info("took over {} pending notice(s) of nodes without a live lease", taken);
      }
      return taken;
    }
  }

  private List<Notice> pendingNow() throws SQLException {
    List<Notice> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      takeOver(c);
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT id, job_id, run_id, event, channel, payload, attempts FROM notices"
                + " WHERE status = 'PENDING' AND claimed_by = ? ORDER BY created_at")) {
      s.setString(1, node);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(new Notice(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
              rs.getString(6), rs.getInt(7)));
        }
      }
    }
    return out;
  }

  private void attemptNow(Attempt a) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO notifications (notice_id, job_id, event, channel, attempt, status, error, at)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        s.setString(1, a.noticeId());
        s.setString(2, a.jobId());
        s.setString(3, a.event());
        s.setString(4, a.channel());
        s.setInt(5, a.attempt());
        s.setString(6, a.ok() ? "OK" : "FAILED");
        s.setString(7, a.error() == null ? null : ColumnFit.text(a.error(), 1024, null));
        OutcomeStore.setInstant(s, 8, a.at());
        s.executeUpdate();
      }
      if (a.noticeId() != null) {
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE notices SET attempts = ?, status = COALESCE(?, status), done_at = ? WHERE id = ?")) {
          s.setInt(1, a.attempt());
          s.setString(2, a.done());
          OutcomeStore.setInstant(s, 3, a.done() == null ? null : a.at());
          s.setString(4, a.noticeId());
          s.executeUpdate();
        }
      }
      c.commit();
    }
  }

  /** The health of a job that notifies, if it has run. Blocking. */
  public Optional<JobHealth> health(String jobId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT " + HEALTH_COLUMNS + " FROM job_health WHERE job_id = ?")) {
      s.setString(1, jobId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(health(jobId, rs)) : Optional.empty();
      }
    }
  }

  /** {@link #healthOfAll(DataSource)} of this store's database. Blocking. */
  public Map<String, JobHealth> healthOfAll() throws SQLException {
    return healthOfAll(dataSource);
  }

  /** The health of every job that has been counted, by job id: one query for a list of jobs. Blocking. */
  public static Map<String, JobHealth> healthOfAll(DataSource dataSource) throws SQLException {
    Map<String, JobHealth> all = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT job_id, " + HEALTH_COLUMNS + " FROM job_health");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        String id = rs.getString("job_id");
        all.put(id, health(id, rs));
      }
    }
    return all;
  }

  /** The newest notice of a job, if any. Blocking. */
  public Optional<LastNotice> lastNotice(String jobId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT id, event, channel, status, attempts, created_at, done_at FROM notices WHERE job_id = ?"
                + " ORDER BY created_at DESC, id FETCH FIRST 1 ROWS ONLY")) {
      s.setString(1, jobId);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new LastNotice(rs.getString("id"), rs.getString("event"), rs.getString("channel"),
            rs.getString("status"), rs.getInt("attempts"), OutcomeStore.instant(rs, "created_at"),
            OutcomeStore.instant(rs, "done_at")));
      }
    }
  }

  /** Tasks waiting for the thread. */
  public int queued() {
    return thread.getQueue().size();
  }

  /** Lets queued tasks finish for up to 5 s, then stops the thread. Blocking. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("notice store tasks still running after 5 s; stopping them (pending notices are delivered at the"
            + " next start)");
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.shutdownNow();
    }
  }
}
