package dev.cronloop.record;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.Outcome;
import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads runs and fetches back. Blocking JDBC: call from a worker thread or the command line,
 * never from the event loop.
 */
public final class RunQueries {
  static final String RUN_COLUMNS =
      "id, job_id, node, trigger, scheduled_at, fired_at, started_at, finished_at, status,"
          + " requests_total, requests_ok, requests_failed, reason";

  private final DataSource dataSource;

  public RunQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The newest runs first.
   *
   * @param job only this job, or null for all
   * @param status only this status, or null for all
   * @param before only ids below this one, or null: the page after a previous page's last id
   * @param limit at most this many
   */
  public List<RunRow> runs(String job, RunStatus status, Long before, int limit)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT " + RUN_COLUMNS + " FROM runs WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (job != null) {
      sql.append(" AND job_id = ?");
      args.add(job);
    }
    if (status != null) {
      sql.append(" AND status = ?");
      args.add(status.name());
    }
    if (before != null) {
      sql.append(" AND id < ?");
      args.add(before);
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(limit);
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        s.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = s.executeQuery()) {
        List<RunRow> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(run(rs));
        }
        return rows;
      }
    }
  }

  /** The runs {@code filter} selects, newest first. */
  public List<RunRow> runs(RunFilter filter) throws SQLException {
    List<Object> args = new ArrayList<>();
    String sql = "SELECT " + RUN_COLUMNS + " FROM runs" + filter.where(args) + " ORDER BY id DESC LIMIT ?";
    args.add(filter.limit());
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        if (args.get(i) instanceof Instant at) {
          OutcomeStore.setInstant(s, i + 1, at);
        } else {
          s.setObject(i + 1, args.get(i));
        }
      }
      try (ResultSet rs = s.executeQuery()) {
        List<RunRow> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(run(rs));
        }
        return rows;
      }
    }
  }

  /** How many fetches of a run did not pass with one outcome and error ({@code error} may be null). */
  public record FailureCount(Outcome outcome, String error, int count) {}

  /**
   * Why the fetches of these runs did not pass, per run: each outcome and error with its count,
   * the most frequent first. Runs with no failed fetch are absent.
   */
  public Map<Long, List<FailureCount>> failures(Collection<Long> runIds) throws SQLException {
    Map<Long, List<FailureCount>> byRun = new HashMap<>();
    List<Long> ids = List.copyOf(runIds);
    for (int from = 0; from < ids.size(); from += 500) {
      List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
      String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
      String sql = "SELECT run_id, outcome, error, COUNT(*) AS n FROM fetches WHERE run_id IN (" + marks
          + ") AND outcome <> 'OK' GROUP BY run_id, outcome, error ORDER BY run_id, n DESC, error";
      try (Connection c = dataSource.getConnection();
          PreparedStatement s = c.prepareStatement(sql)) {
        for (int i = 0; i < chunk.size(); i++) {
          s.setLong(i + 1, chunk.get(i));
        }
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            byRun.computeIfAbsent(rs.getLong("run_id"), id -> new ArrayList<>()).add(new FailureCount(
                Outcome.valueOf(rs.getString("outcome")), rs.getString("error"), rs.getInt("n")));
          }
        }
      }
    }
    return byRun;
  }

  public Optional<RunRow> run(long id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?")) {
      s.setLong(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(run(rs)) : Optional.empty();
      }
    }
  }

  /** The fetches of one run, in the order they were recorded. */
  public List<FetchRow> fetches(long runId) throws SQLException {
    String sql =
        "SELECT run_id, job_id, url, method, attempts, status_code, outcome, error, latency_ms,"
            + " bytes, started_at, finished_at, body FROM fetches WHERE run_id = ? ORDER BY id";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, runId);
      try (ResultSet rs = s.executeQuery()) {
        List<FetchRow> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(fetch(rs));
        }
        return rows;
      }
    }
  }

  /** The newest run of each job that is no longer RUNNING, one per job. */
  public List<RunRow> lastFinishedPerJob() throws SQLException {
    String sql = "SELECT " + RUN_COLUMNS + " FROM runs WHERE id IN"
        + " (SELECT MAX(id) FROM runs WHERE status <> 'RUNNING' GROUP BY job_id)";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      List<RunRow> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(run(rs));
      }
      return rows;
    }
  }

  /**
   * Fetches started at or after {@code since}, summed per job and per bucket of {@code width}.
   * Buckets are aligned to whole multiples of the width since the epoch; empty ones are left out.
   */
  public List<FetchBucket> buckets(Instant since, Duration width) throws SQLException {
    long w = Math.max(1, width.toSeconds());
    // EXTRACT(EPOCH ...) reads the same on H2 and PostgreSQL; the width is a literal so that both
    // accept the expression in GROUP BY.
    String bucket = "FLOOR(EXTRACT(EPOCH FROM started_at) / " + w + ")";
    String sql = "SELECT job_id, " + bucket + " AS b, COUNT(*) AS total,"
        + " SUM(CASE WHEN outcome = 'OK' THEN 1 ELSE 0 END) AS ok,"
        + " AVG(CAST(latency_ms AS DOUBLE PRECISION)) AS avg_ms, MAX(latency_ms) AS max_ms"
        + " FROM fetches WHERE started_at >= ? GROUP BY job_id, " + bucket + " ORDER BY job_id, b";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      OutcomeStore.setInstant(s, 1, since);
      try (ResultSet rs = s.executeQuery()) {
        List<FetchBucket> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(new FetchBucket(
              rs.getString("job_id"),
              Instant.ofEpochSecond(rs.getLong("b") * w),
              rs.getInt("total"),
              rs.getInt("ok"),
              rs.getDouble("avg_ms"),
              rs.getLong("max_ms")));
        }
        return rows;
      }
    }
  }

  /**
   * The newest fetches that did not pass, newest first, without their captured bodies (the status
   * page polls this; {@link #fetches} has them).
   */
  public List<FetchRow> recentFailures(int limit) throws SQLException {
    String sql =
        "SELECT run_id, job_id, url, method, attempts, status_code, outcome, error, latency_ms,"
            + " bytes, started_at, finished_at, NULL AS body FROM fetches WHERE outcome <> 'OK'"
            + " ORDER BY id DESC LIMIT ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setInt(1, limit);
      try (ResultSet rs = s.executeQuery()) {
        List<FetchRow> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(fetch(rs));
        }
        return rows;
      }
    }
  }

  /** The newest scheduled fire recorded for each job: where a restarted engine resumes from. */
  public java.util.Map<String, java.time.Instant> lastScheduled() throws SQLException {
    java.util.Map<String, java.time.Instant> last = new java.util.HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT job_id, MAX(scheduled_at) AS last_at FROM runs"
                + " WHERE scheduled_at IS NOT NULL GROUP BY job_id");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        last.put(rs.getString("job_id"), OutcomeStore.instant(rs, "last_at"));
      }
    }
    return last;
  }

  /** Counts the fetches of one run. */
  public int fetchCount(long runId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM fetches WHERE run_id = ?")) {
      s.setLong(1, runId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** The per-job reads the status page needs (history strips, uptime, chart buckets). */
  public HistoryQueries history() {
    return new HistoryQueries(dataSource);
  }

  static FetchRow fetch(ResultSet rs) throws SQLException {
    return new FetchRow(
        rs.getLong("run_id"),
        rs.getString("job_id"),
        rs.getString("url"),
        rs.getString("method"),
        rs.getInt("attempts"),
        rs.getInt("status_code"),
        Outcome.valueOf(rs.getString("outcome")),
        rs.getString("error"),
        rs.getLong("latency_ms"),
        rs.getLong("bytes"),
        OutcomeStore.instant(rs, "started_at"),
        OutcomeStore.instant(rs, "finished_at"),
        rs.getString("body"));
  }

  static RunRow run(ResultSet rs) throws SQLException {
    return new RunRow(
        rs.getLong("id"),
        rs.getString("job_id"),
        rs.getString("node"),
        Trigger.valueOf(rs.getString("trigger")),
        OutcomeStore.instant(rs, "scheduled_at"),
        OutcomeStore.instant(rs, "fired_at"),
        OutcomeStore.instant(rs, "started_at"),
        OutcomeStore.instant(rs, "finished_at"),
        RunStatus.valueOf(rs.getString("status")),
        rs.getInt("requests_total"),
        rs.getInt("requests_ok"),
        rs.getInt("requests_failed"),
        rs.getString("reason"));
  }
}
