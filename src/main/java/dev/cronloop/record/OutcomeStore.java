package dev.cronloop.record;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import javax.sql.DataSource;

/**
 * Writes batches of {@link Write}s in one transaction each, with prepared statements kept for the
 * life of the connection. Run inserts go first, then fetches, then run updates, so that one batch
 * may hold a whole short run.
 *
 * <p>Refused rows. When the database refuses a batch because of its data ({@link SqlFault#DATA}:
 * a value longer than its column, a constraint, a character it cannot hold), the batch is rolled
 * back and written again in the same fresh transaction by halves, each half under a savepoint, the
 * refused halves halved again: the rows at fault are found in about 2·k·log2(n) statements for k
 * bad rows among n, and every other row commits. A single refused write is made to fit its
 * columns ({@link ColumnFit}) and tried once more; a fetch that still does not go in is replaced by
 * a {@link Outcome#RECORD_ERROR} row holding the database's message; what still fails is dropped.
 * Each refusal goes to {@link Rejections}. Savepoints rather than one transaction per half, so that
 * an outage in the middle of the search rolls the whole batch back and the recorder retries it
 * whole, as for any outage: nothing is half written, nothing written twice. The happy path sets no
 * savepoint.
 *
 * <p>Confined to the recorder thread.
 */
final class OutcomeStore implements AutoCloseable {
  private static final String INSERT_RUN =
      "INSERT INTO runs (id, job_id, node, trigger, scheduled_at, fired_at, started_at,"
          + " finished_at, status, requests_total, requests_ok, requests_failed, reason)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_RUN_IF_ABSENT =
      "INSERT INTO runs (id, job_id, node, trigger, scheduled_at, fired_at, started_at,"
          + " finished_at, status, requests_total, requests_ok, requests_failed, reason)"
          + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM runs WHERE id = ?)";
  private static final String INSERT_FETCH =
      "INSERT INTO fetches (run_id, job_id, url, method, attempts, status_code, outcome, error,"
          + " latency_ms, bytes, started_at, finished_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String FINISH_RUN =
      "UPDATE runs SET started_at = ?, finished_at = ?, status = ?, requests_total = ?,"
          + " requests_ok = ?, requests_failed = ? WHERE id = ?";

  private final DataSource dataSource;
  private final Rejections rejections;
  private Connection connection;
  private PreparedStatement insertRun;
  private PreparedStatement insertFetch;
  private PreparedStatement finishRun;
  private boolean replaying;
  private InstantSource clock = InstantSource.system();

  OutcomeStore(DataSource dataSource, Rejections rejections) {
    this.dataSource = dataSource;
    this.rejections = rejections;
  }

  /** Stamps replays and stand-in rows from {@code clock} (the engine's); call before the first write. */
  OutcomeStore clock(InstantSource clock) {
    this.clock = clock;
    return this;
  }

  /**
   * Replays the writes of a journal in one transaction, with a row of {@code journal_replays}
   * naming it, so that no journal is ever written twice. A run already present (its batch did
   * commit although the commit was not acknowledged) is not inserted again.
   *
   * @return false when this journal was replayed before and nothing was written
   */
  boolean replay(List<Write> writes, String journalId) throws SQLException {
    try {
      open();
      try (PreparedStatement seen =
          connection.prepareStatement("SELECT 1 FROM journal_replays WHERE journal_id = ?")) {
        seen.setString(1, journalId);
        try (java.sql.ResultSet rs = seen.executeQuery()) {
          if (rs.next()) {
            connection.rollback();
            return false;
          }
        }
      }
      PreparedStatement plain = insertRun;
      try (PreparedStatement ifAbsent = connection.prepareStatement(INSERT_RUN_IF_ABSENT);
          PreparedStatement mark = connection.prepareStatement(
              "INSERT INTO journal_replays (journal_id, writes, replayed_at) VALUES (?, ?, ?)")) {
        insertRun = ifAbsent;
        replaying = true;
        try {
          for (int from = 0; from < writes.size(); from += 2_000) {
            execute(writes.subList(from, Math.min(writes.size(), from + 2_000)));
          }
        } catch (SQLException | RuntimeException e) {
          if (SqlFault.of(e) != SqlFault.DATA) {
            throw e;
          }
          startOver();
          for (int from = 0; from < writes.size(); from += 2_000) {
            settle(writes.subList(from, Math.min(writes.size(), from + 2_000)), null);
          }
        }
        mark.setString(1, journalId);
        mark.setInt(2, writes.size());
        setInstant(mark, 3, clock.instant());
        mark.executeUpdate();
      } finally {
        insertRun = plain;
        replaying = false;
      }
      connection.commit();
      rejections.commit();
      return true;
    } catch (SQLException | RuntimeException | Error e) {
      rejections.discard();
      discardConnection();
      throw e;
    }
  }

  /**
   * Writes the batch and commits, finding and settling the writes refused for their data (see the
   * class comment). On an outage rolls back, drops the connection and throws.
   *
   * @return how many writes of the batch were refused and settled (cut, replaced or dropped)
   */
  int write(List<Write> batch) throws SQLException {
    try {
      open();
      try {
        execute(batch);
      } catch (SQLException | RuntimeException e) {
        if (SqlFault.of(e) != SqlFault.DATA) {
          throw e;
        }
        startOver();
        settle(batch, e);
      }
      connection.commit();
      return rejections.commit();
    } catch (SQLException | RuntimeException | Error e) {
      rejections.discard();
      discardConnection();
      throw e;
    }
  }

  /** Rolls the transaction back and empties the statements' batches, keeping the connection. */
  private void startOver() throws SQLException {
    clearBatches();
    connection.rollback();
  }

  private void clearBatches() throws SQLException {
    insertRun.clearBatch();
    insertFetch.clearBatch();
    finishRun.clearBatch();
  }

  /**
   * Writes {@code writes} in halves under savepoints until the refused ones are alone, then
   * settles each of those. {@code refused} is the fault of writing them all at once, or null when
   * that was not tried yet. Throws on an outage.
   */
  private void settle(List<Write> writes, Throwable refused) throws SQLException {
    Deque<List<Write>> todo = new ArrayDeque<>();
    if (refused == null) {
      todo.push(writes);
    } else {
      split(writes, refused, todo);
    }
    while (!todo.isEmpty()) {
      List<Write> part = todo.pop();
      Throwable fault = attempt(part);
      if (fault != null) {
        split(part, fault, todo);
      }
    }
  }

  /** Queues the halves of a refused part, first half first; a single write is settled at once. */
  private void split(List<Write> part, Throwable fault, Deque<List<Write>> todo) throws SQLException {
    if (part.size() == 1) {
      settleOne(part.get(0), fault);
      return;
    }
    int half = part.size() / 2;
    todo.push(part.subList(half, part.size()));
    todo.push(part.subList(0, half));
  }

  /** A refused write: made to fit, else (a fetch) replaced by a RECORD_ERROR row, else dropped. */
  private void settleOne(Write w, Throwable fault) throws SQLException {
    Write fitted = ColumnFit.fit(w, clock.instant());
    if (fitted != null && attempt(List.of(fitted)) == null) {
      rejections.add(w, fault, Rejections.Fate.CUT);
      return;
    }
    if (w instanceof Write.InsertFetch f
        && attempt(List.of(ColumnFit.recordError(f.fetch(), SqlFault.message(fault), clock.instant()))) == null) {
      rejections.add(w, fault, Rejections.Fate.RECORD_ERROR);
      return;
    }
    rejections.add(w, fault, Rejections.Fate.DROPPED);
  }

  /**
   * Writes {@code part} under a savepoint: null when it went in, else the data fault, rolled back to
   * the savepoint. Throws on an outage.
   */
  private Throwable attempt(List<Write> part) throws SQLException {
    Savepoint before = connection.setSavepoint();
    try {
      execute(part);
      connection.releaseSavepoint(before);
      return null;
    } catch (SQLException | RuntimeException e) {
      if (SqlFault.of(e) != SqlFault.DATA) {
        throw e;
      }
      clearBatches();
      connection.rollback(before);
      return e;
    }
  }

  private void execute(List<Write> batch) throws SQLException {
    int runs = 0;
    int fetches = 0;
    int finishes = 0;
    for (Write w : batch) {
      if (w instanceof Write.InsertRun r) {
        bindRun(r.run());
        runs++;
      }
    }
    for (Write w : batch) {
      if (w instanceof Write.InsertFetch f) {
        bindFetch(f.fetch());
        fetches++;
      }
    }
    for (Write w : batch) {
      if (w instanceof Write.FinishRun f) {
        bindFinish(f);
        finishes++;
      }
    }
    if (runs > 0) {
      insertRun.executeBatch();
    }
    if (fetches > 0) {
      insertFetch.executeBatch();
    }
    if (finishes > 0) {
      finishRun.executeBatch();
    }
  }

  private void open() throws SQLException {
    if (connection != null) {
      return;
    }
    connection = dataSource.getConnection();
    connection.setAutoCommit(false);
    insertRun = connection.prepareStatement(INSERT_RUN);
    insertFetch = connection.prepareStatement(INSERT_FETCH);
    finishRun = connection.prepareStatement(FINISH_RUN);
  }

  private void bindRun(RunRow r) throws SQLException {
    PreparedStatement s = insertRun;
    s.setLong(1, r.id());
    s.setString(2, r.jobId());
    s.setString(3, r.node());
    s.setString(4, r.trigger().name());
    setInstant(s, 5, r.scheduledAt());
    setInstant(s, 6, r.firedAt());
    setInstant(s, 7, r.startedAt());
    setInstant(s, 8, r.finishedAt());
    s.setString(9, r.status().name());
    s.setInt(10, r.requestsTotal());
    s.setInt(11, r.requestsOk());
    s.setInt(12, r.requestsFailed());
    s.setString(13, r.reason());
    if (replaying) {
      s.setLong(14, r.id()); // INSERT_RUN_IF_ABSENT
    }
    s.addBatch();
  }

  private void bindFetch(FetchRow f) throws SQLException {
    PreparedStatement s = insertFetch;
    s.setLong(1, f.runId());
    s.setString(2, f.jobId());
    s.setString(3, f.url());
    s.setString(4, f.method());
    s.setInt(5, f.attempts());
    if (f.statusCode() > 0) {
      s.setInt(6, f.statusCode());
    } else {
      s.setNull(6, Types.INTEGER);
    }
    s.setString(7, f.outcome().name());
    s.setString(8, f.error());
    s.setLong(9, f.latencyMs());
    s.setLong(10, f.bytes());
    setInstant(s, 11, f.startedAt());
    setInstant(s, 12, f.finishedAt());
    s.setString(13, f.body());
    s.addBatch();
  }

  private void bindFinish(Write.FinishRun f) throws SQLException {
    PreparedStatement s = finishRun;
    setInstant(s, 1, f.startedAt());
    setInstant(s, 2, f.finishedAt());
    s.setString(3, f.status().name());
    s.setInt(4, f.total());
    s.setInt(5, f.ok());
    s.setInt(6, f.failed());
    s.setLong(7, f.runId());
    s.addBatch();
  }

  static void setInstant(PreparedStatement s, int index, Instant instant) throws SQLException {
    if (instant == null) {
      s.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      // Built from its parts: OffsetDateTime.ofInstant builds a new ZoneRules on every call.
      LocalDateTime utc =
          LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
      s.setObject(index, OffsetDateTime.of(utc, ZoneOffset.UTC));
    }
  }

  static Instant instant(java.sql.ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }


  private void discardConnection() {
    if (connection == null) {
      return;
    }
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is going away anyway
    }
    close();
  }

  @Override
  public void close() {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing on the way out; nothing left to save
    }
    connection = null;
  }
}
