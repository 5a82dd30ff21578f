package dev.cronloop.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;

/**
 * Writes batches of {@link Write}s in one transaction each, with prepared statements kept for the
 * life of the connection. Run inserts go first, then fetches, then run updates, so that one batch
 * may hold a whole short run.
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
          + " latency_ms, bytes, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String FINISH_RUN =
      "UPDATE runs SET started_at = ?, finished_at = ?, status = ?, requests_total = ?,"
          + " requests_ok = ?, requests_failed = ? WHERE id = ?";

  private final DataSource dataSource;
  private Connection connection;
  private PreparedStatement insertRun;
  private PreparedStatement insertFetch;
  private PreparedStatement finishRun;
  private boolean replaying;

  OutcomeStore(DataSource dataSource) {
    this.dataSource = dataSource;
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
        for (int from = 0; from < writes.size(); from += 2_000) {
          execute(writes.subList(from, Math.min(writes.size(), from + 2_000)));
        }
        mark.setString(1, journalId);
        mark.setInt(2, writes.size());
        setInstant(mark, 3, Instant.now());
        mark.executeUpdate();
      } finally {
        insertRun = plain;
        replaying = false;
      }
      connection.commit();
      return true;
    } catch (SQLException | RuntimeException e) {
      discardConnection();
      throw e;
    }
  }

  /** Writes the batch and commits; on failure rolls back, drops the connection and throws. */
  void write(List<Write> batch) throws SQLException {
    try {
      open();
      execute(batch);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      discardConnection();
      throw e;
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
