package dev.cronloop.record;

import dev.cronloop.model.Times;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paused jobs, kept in {@code paused_jobs} so that a pause holds across restarts and on every
 * node of a cluster, with a copy in memory that the engine context reads without a query.
 *
 * <p>A pause or resume writes the table first and changes the copy once the write has committed.
 * {@link #refresh()} reads the whole table again: every engine does so at start, and a cluster node
 * at each check-in period to learn of the pauses and resumes of the other nodes.
 *
 * <p>Runs on: {@link #pause}, {@link #resume}, {@link #refresh} and {@link #follow} block on JDBC and run on worker
 * threads, one at a time (they hold this object's lock, so a refresh that read the table before a
 * pause committed cannot undo it in memory); {@link #get} and {@link #contains} read the copy from
 * any thread, the engine context included.
 */
public final class PausedJobs {
  private static final Logger log = LoggerFactory.getLogger(PausedJobs.class);

  /** One paused job: when, by what, on which node. */
  public record Pause(String jobId, Instant pausedAt, String pausedBy, String node) {
    /** What a fire skipped for this pause records in {@code runs.reason}. */
    public String reason() {
      return "paused by " + pausedBy + " at " + Times.format(pausedAt) + " on " + node;
    }
  }

  private final DataSource dataSource;
  private volatile Map<String, Pause> paused = Map.of();
  private boolean stale; // guarded by this

  public PausedJobs(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The pause of a job, if it is paused (as far as this node knows). */
  public Optional<Pause> get(String jobId) {
    return Optional.ofNullable(paused.get(jobId));
  }

  /** True while a job is paused (as far as this node knows). */
  public boolean contains(String jobId) {
    return paused.containsKey(jobId);
  }

  /** The ids of the paused jobs (as far as this node knows), an immutable set. */
  public Set<String> ids() {
    return paused.keySet();
  }

  /** Reads every pause from the table, replacing the copy in memory. Blocking. */
  public synchronized void refresh() throws SQLException {
    Map<String, Pause> read = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT job_id, paused_at, paused_by, node FROM paused_jobs");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        Pause p = new Pause(rs.getString("job_id"), OutcomeStore.instant(rs, "paused_at"),
            rs.getString("paused_by"), rs.getString("node"));
        read.put(p.jobId(), p);
      }
    }
    paused = Map.copyOf(read);
  }

  /**
   * {@link #refresh()} for a periodic timer: a failure keeps the pauses read last and is logged
   * once, as a WARN, until a read succeeds again. Blocking.
   *
   * @return whether the pauses were read
   */
  public synchronized boolean follow() {
    try {
      refresh();
      if (stale) {
        stale = false;
        log.info("the paused jobs can be read again");
      }
      return true;
    } catch (SQLException | RuntimeException e) {
      if (!stale) {
        stale = true;
        log.warn("cannot read the paused jobs; keeping those read last and trying again: {}", e.getMessage());
      }
      return false;
    }
  }

  /**
   * Pauses a job: a row in {@code paused_jobs}, committed before this returns. Blocking.
   *
   * @param by who asks, as the skipped runs' reason names it ({@code API})
   * @return false when the job was paused already (by this node or another)
   */
  public synchronized boolean pause(String jobId, String by, String node, Instant at) throws SQLException {
    Pause p = new Pause(jobId, at, by, node);
    int inserted;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "INSERT INTO paused_jobs (job_id, paused_at, paused_by, node) SELECT ?, ?, ?, ?"
                + " WHERE NOT EXISTS (SELECT 1 FROM paused_jobs WHERE job_id = ?)")) {
      s.setString(1, jobId);
      OutcomeStore.setInstant(s, 2, at);
      s.setString(3, by);
      s.setString(4, node);
      s.setString(5, jobId);
      inserted = s.executeUpdate();
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState())) { // unique violation: another node paused it just now
        throw e;
      }
      inserted = 0;
    }
    if (inserted == 0) {
      refresh(); // learn the other pause, so that this node skips its fires too
      return false;
    }
    Map<String, Pause> next = new HashMap<>(paused);
    next.put(jobId, p);
    paused = Map.copyOf(next);
    return true;
  }

  /**
   * Resumes a job: its row deleted, committed before this returns. Blocking.
   *
   * @return false when the job was not paused
   */
  public synchronized boolean resume(String jobId) throws SQLException {
    int deleted;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM paused_jobs WHERE job_id = ?")) {
      s.setString(1, jobId);
      deleted = s.executeUpdate();
    }
    Map<String, Pause> next = new HashMap<>(paused);
    next.remove(jobId);
    paused = Map.copyOf(next);
    return deleted > 0;
  }
}
