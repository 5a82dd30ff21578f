package dev.cronloop.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes runs fired longer ago than the retention period, with their fetches, in small batches:
 * at most {@link #BATCH} rows per statement, each statement its own short transaction, with a
 * pause between batches, so that the recorder's inserts are never held up for long. Runs still
 * RUNNING are kept whatever their age.
 *
 * <p>Runs on: its own thread {@code cronloop-retention}, once a minute after start and then every
 * {@code every}; {@link #pruneOnce} may be called from any thread that may block.
 */
public final class Retention implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  /** Rows one statement deletes at most. */
  public static final int BATCH = 1_000;
  /** How often the old rows are looked for. */
  public static final Duration DEFAULT_EVERY = Duration.ofHours(1);
  private static final Duration PAUSE = Duration.ofMillis(20);

  private final DataSource dataSource;
  private final Duration keep;
  private final Supplier<Map<String, Duration>> perJob;
  private volatile InstantSource clock = InstantSource.system();
  private ScheduledExecutorService thread;
  private volatile boolean closed;
  private final AtomicLong failures = new AtomicLong();

  /** What one pass deleted, and how many statements it took. */
  public record Pruned(int runs, int fetches, int statements) {
    Pruned plus(Pruned p) {
      return new Pruned(runs + p.runs, fetches + p.fetches, statements + p.statements);
    }
  }

  /** Global retention only. */
  public Retention(DataSource dataSource, Duration keep) {
    this(dataSource, keep, Map::of);
  }

  /**
   * @param keep how long runs are kept, or null to keep those of jobs without their own forever
   * @param perJob the jobs with a retention of their own (read at each pass: jobs come and go)
   */
  public Retention(DataSource dataSource, Duration keep, Supplier<Map<String, Duration>> perJob) {
    if (keep != null && (keep.isNegative() || keep.isZero())) {
      throw new IllegalArgumentException("retention must be > 0, got " + keep);
    }
    this.dataSource = dataSource;
    this.keep = keep;
    this.perJob = perJob;
  }

  /** Reads "now" for each pass from {@code clock} (the engine's). Call before {@link #start}. */
  public Retention clock(InstantSource clock) {
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** Prunes after {@code first}, then every {@code every}, on the {@code cronloop-retention} thread. */
  public Retention start(Duration first, Duration every) {
    thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "cronloop-retention"));
    thread.scheduleWithFixedDelay(this::pass, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Deletes what is older than the retention period at {@code now}. Blocking. */
  public Pruned pruneOnce(Instant now) throws SQLException {
    Map<String, Duration> own = Map.copyOf(perJob.get());
    Pruned total = new Pruned(0, 0, 0);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      for (Map.Entry<String, Duration> job : new TreeMap<>(own).entrySet()) {
        total = total.plus(prune(c, "job_id = ?", List.of(job.getKey()), now.minus(job.getValue())));
      }
      if (keep != null) {
        String others = own.isEmpty() ? "1 = 1"
            : "job_id NOT IN (" + String.join(",", Collections.nCopies(own.size(), "?")) + ")";
        total = total.plus(prune(c, others, List.copyOf(own.keySet()), now.minus(keep)));
      }
    }
    return total;
  }

  /** Deletes runs matching {@code which} (bound to {@code jobs}) fired before {@code before}. */
  private Pruned prune(Connection c, String which, List<String> jobs, Instant before) throws SQLException {
    int runs = 0;
    int fetches = 0;
    int statements = 0;
    while (!closed) {
      List<Long> ids = oldRuns(c, which, jobs, before);
      statements++;
      if (ids.isEmpty()) {
        break;
      }
      String in = String.join(",", Collections.nCopies(ids.size(), "?"));
      while (!closed) {
        List<Long> doomed = select(c, "SELECT id FROM fetches WHERE run_id IN (" + in + ") LIMIT " + BATCH, ids);
        statements++;
        if (doomed.isEmpty()) {
          break;
        }
        fetches += delete(c, "DELETE FROM fetches WHERE id IN ("
            + String.join(",", Collections.nCopies(doomed.size(), "?")) + ")", doomed);
        statements++;
      }
      if (closed) {
        break;
      }
      runs += delete(c, "DELETE FROM runs WHERE id IN (" + in + ")", ids);
      statements++;
      pause();
    }
    return new Pruned(runs, fetches, statements);
  }

  private void pass() {
    long t0 = System.nanoTime();
    try {
      Pruned p = pruneOnce(clock.instant());
      if (p.runs() > 0) {
        log.info("retention {}: deleted {} runs and {} fetches in {} ms", keep == null ? "per job" : shown(keep), p.runs(), p.fetches(),
            (System.nanoTime() - t0) / 1_000_000);
      }
    } catch (SQLException | RuntimeException e) {
      // the next pass tries again: a database that is away is the recorder's concern
      failures.incrementAndGet();
      log.warn("retention pass failed ({}); trying again in the next pass", e.toString());
    } catch (Error e) { // NOPMD: an Error escaping here would cancel every later pass in silence
      failures.incrementAndGet();
      log.error("retention pass failed on an unexpected error; trying again in the next pass", e);
    }
  }

  /** Passes that failed since start (logged; the next pass tries again). */
  public long failures() {
    return failures.get();
  }

  private static String shown(Duration d) {
    return d.toSeconds() % 86_400 == 0 ? d.toDays() + "d" : d.toSeconds() + "s";
  }

  private static List<Long> oldRuns(Connection c, String which, List<String> jobs, Instant before)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT id FROM runs WHERE fired_at < ? AND status <> 'RUNNING' AND "
        + which + " ORDER BY id LIMIT " + BATCH)) {
      OutcomeStore.setInstant(s, 1, before);
      for (int i = 0; i < jobs.size(); i++) {
        s.setString(i + 2, jobs.get(i));
      }
      List<Long> ids = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
      return ids;
    }
  }

  private static List<Long> select(Connection c, String sql, List<Long> ids) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < ids.size(); i++) {
        s.setLong(i + 1, ids.get(i));
      }
      List<Long> found = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getLong(1));
        }
      }
      return found;
    }
  }

  private static int delete(Connection c, String sql, List<Long> ids) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < ids.size(); i++) {
        s.setLong(i + 1, ids.get(i));
      }
      return s.executeUpdate();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops between two batches and waits for the thread to end. */
  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.shutdown();
      try {
        thread.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
