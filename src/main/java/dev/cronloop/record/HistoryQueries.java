package dev.cronloop.record;

import dev.cronloop.model.FetchRow;
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
import javax.sql.DataSource;

/**
 * The per-job reads of the status page: recent runs for the history strip, uptime counts, the
 * first fetch of a window and chart buckets, each for the jobs of one page only, and failures
 * grouped by job. Blocking JDBC: call from a worker thread, never from the event loop.
 *
 * <p>Job ids go into {@code IN} lists of at most {@link #CHUNK} ids, so a page of any size stays
 * within what H2 and PostgreSQL accept as parameters.
 */
public final class HistoryQueries {
  static final int CHUNK = 500;

  private final DataSource dataSource;

  HistoryQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The newest {@code perJob} runs of each job, newest first; a job without runs is left out. */
  public Map<String, List<RunRow>> recentRuns(Collection<String> jobs, int perJob) throws SQLException {
    Map<String, List<RunRow>> out = new HashMap<>();
    String sql = "SELECT " + RunQueries.RUN_COLUMNS + " FROM runs WHERE job_id = ? ORDER BY id DESC LIMIT ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (String job : jobs) {
        s.setString(1, job);
        s.setInt(2, perJob);
        try (ResultSet rs = s.executeQuery()) {
          List<RunRow> rows = new ArrayList<>();
          while (rs.next()) {
            rows.add(RunQueries.run(rs));
          }
          if (!rows.isEmpty()) {
            out.put(job, rows);
          }
        }
      }
    }
    return out;
  }

  /**
   * Uptime counts per job: scheduled runs (trigger SCHEDULE or MISFIRE) fired in the 30 days before
   * {@code now} that finished OK, PARTIAL or FAILED, and how many of them were OK, over 24 hours, 7
   * days and 30 days. A job without such runs is left out.
   */
  public Map<String, Uptime> uptime(Collection<String> jobs, Instant now) throws SQLException {
    Map<String, Uptime> out = new HashMap<>();
    String sql = "SELECT job_id,"
        + " SUM(CASE WHEN fired_at >= ? THEN 1 ELSE 0 END) AS t24,"
        + " SUM(CASE WHEN fired_at >= ? AND status = 'OK' THEN 1 ELSE 0 END) AS o24,"
        + " SUM(CASE WHEN fired_at >= ? THEN 1 ELSE 0 END) AS t7,"
        + " SUM(CASE WHEN fired_at >= ? AND status = 'OK' THEN 1 ELSE 0 END) AS o7,"
        + " COUNT(*) AS t30, SUM(CASE WHEN status = 'OK' THEN 1 ELSE 0 END) AS o30"
        + " FROM runs WHERE job_id IN (%s) AND trigger IN ('SCHEDULE', 'MISFIRE')"
        + " AND status IN ('OK', 'PARTIAL', 'FAILED') AND fired_at >= ? GROUP BY job_id";
    Instant d1 = now.minus(Duration.ofDays(1));
    Instant d7 = now.minus(Duration.ofDays(7));
    Instant d30 = now.minus(Duration.ofDays(30));
    try (Connection c = dataSource.getConnection()) {
      for (List<String> chunk : chunks(jobs)) {
        try (PreparedStatement s = c.prepareStatement(sql.formatted(marks(chunk.size())))) {
          OutcomeStore.setInstant(s, 1, d1);
          OutcomeStore.setInstant(s, 2, d1);
          OutcomeStore.setInstant(s, 3, d7);
          OutcomeStore.setInstant(s, 4, d7);
          int i = bind(s, 5, chunk);
          OutcomeStore.setInstant(s, i, d30);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString("job_id"), new Uptime(rs.getInt("o24"), rs.getInt("t24"),
                  rs.getInt("o7"), rs.getInt("t7"), rs.getInt("o30"), rs.getInt("t30")));
            }
          }
        }
      }
    }
    return out;
  }

  /** The first fetch start of each job at or after {@code since}; a job without fetches is left out. */
  public Map<String, Instant> firstFetch(Collection<String> jobs, Instant since) throws SQLException {
    Map<String, Instant> out = new HashMap<>();
    String sql = "SELECT job_id, MIN(started_at) AS first_at FROM fetches"
        + " WHERE job_id IN (%s) AND started_at >= ? GROUP BY job_id";
    try (Connection c = dataSource.getConnection()) {
      for (List<String> chunk : chunks(jobs)) {
        try (PreparedStatement s = c.prepareStatement(sql.formatted(marks(chunk.size())))) {
          OutcomeStore.setInstant(s, bind(s, 1, chunk), since);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString("job_id"), OutcomeStore.instant(rs, "first_at"));
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * Fetches of these jobs started at or after {@code since}, summed per job and per bucket of
   * {@code width}, as {@link RunQueries#buckets} sums them for every job.
   */
  public List<FetchBucket> buckets(Collection<String> jobs, Instant since, Duration width) throws SQLException {
    long w = Math.max(1, width.toSeconds());
    String bucket = "FLOOR(EXTRACT(EPOCH FROM started_at) / " + w + ")";
    String sql = "SELECT job_id, " + bucket + " AS b, COUNT(*) AS total,"
        + " SUM(CASE WHEN outcome = 'OK' THEN 1 ELSE 0 END) AS ok,"
        + " AVG(CAST(latency_ms AS DOUBLE PRECISION)) AS avg_ms, MAX(latency_ms) AS max_ms"
        + " FROM fetches WHERE job_id IN (%s) AND started_at >= ?"
        + " GROUP BY job_id, " + bucket + " ORDER BY job_id, b";
    List<FetchBucket> rows = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      for (List<String> chunk : chunks(jobs)) {
        try (PreparedStatement s = c.prepareStatement(sql.formatted(marks(chunk.size())))) {
          OutcomeStore.setInstant(s, bind(s, 1, chunk), since);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              rows.add(new FetchBucket(rs.getString("job_id"), Instant.ofEpochSecond(rs.getLong("b") * w),
                  rs.getInt("total"), rs.getInt("ok"), rs.getDouble("avg_ms"), rs.getLong("max_ms")));
            }
          }
        }
      }
    }
    return rows;
  }

  /**
   * Failed fetches started at or after {@code since}, grouped by job: the jobs whose newest failure
   * is newest come first, at most {@code limit} of them.
   */
  public List<JobFailures> failuresByJob(Instant since, int limit) throws SQLException {
    // f.*: every column RunQueries.fetch reads, today's and those a later migration adds.
    String sql = "SELECT f.*, g.n FROM fetches f JOIN"
        + " (SELECT job_id, COUNT(*) AS n, MAX(id) AS last_id FROM fetches"
        + " WHERE outcome <> 'OK' AND started_at >= ? GROUP BY job_id) g ON f.id = g.last_id"
        + " ORDER BY f.id DESC LIMIT ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      OutcomeStore.setInstant(s, 1, since);
      s.setInt(2, limit);
      try (ResultSet rs = s.executeQuery()) {
        List<JobFailures> rows = new ArrayList<>();
        while (rs.next()) {
          FetchRow last = RunQueries.fetch(rs);
          rows.add(new JobFailures(last.jobId(), rs.getInt("n"), last));
        }
        return rows;
      }
    }
  }

  private static List<List<String>> chunks(Collection<String> jobs) {
    List<String> all = List.copyOf(jobs);
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += CHUNK) {
      out.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
    }
    return out;
  }

  private static String marks(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  /** Binds the ids from parameter {@code first} on; returns the next free parameter index. */
  private static int bind(PreparedStatement s, int first, List<String> ids) throws SQLException {
    int i = first;
    for (String id : ids) {
      s.setString(i++, id);
    }
    return i;
  }
}
