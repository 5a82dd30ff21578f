package dev.cronloop.record;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's database side, opened and closed in one place: the pool, the node lease, the
 * journal replay, the runs a previous process left RUNNING, the recorder, retention, the run
 * queries, the pauses and the run ids.
 *
 * <p>Runs on: a worker thread ({@link #open}, {@link #close}); the getters are thread-safe.
 */
public final class Stores implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Stores.class);

  /** What {@link #open} needs; {@code schedule} is false for a one-off {@code fire}. */
  public record Settings(String jdbcUrl, String node, boolean schedule, boolean clustered, int poolSize,
      Path journal, int recorderCapacity, Duration spillAfter, Duration retention, Duration leaseRenewal,
      java.time.InstantSource clock) {}

  private final Database db;
  private volatile NodeLease lease;
  private Recorder recorder;
  private Retention retention;
  private RunQueries queries;
  private PausedJobs paused;
  private RunIds ids;
  private NoticeStore notices;

  private Stores(Database db) {
    this.db = db;
  }

  /**
   * Opens the stores. A scheduling engine takes its lease first (failing with {@link
   * NodeLease.Held} when a live process holds it), then replays the journal and marks its node's
   * runs left RUNNING as INTERRUPTED. On failure, what was opened is closed again.
   *
   * @param callbacks where the recorder posts its acknowledgements: the engine context
   * @param perJob the jobs with a retention of their own, read at each pass
   */
  public static Stores open(Settings s, Fence fence, Vertx vertx, Executor callbacks,
      Supplier<Map<String, Duration>> perJob) throws Exception {
    return open(s, openDatabase(s), fence, vertx, callbacks, perJob);
  }

  /** The database of {@code s}, opened and migrated as {@link #open} does first. Blocking. */
  public static Database openDatabase(Settings s) {
    return Database.open(s.jdbcUrl(), s.poolSize(), Database.connectionWaitFor(s.spillAfter()));
  }

  /**
   * {@link #open} on {@code db}, opened beforehand by {@link #openDatabase} with the same settings;
   * closed here when the rest fails.
   */
  public static Stores open(Settings s, Database db, Fence fence, Vertx vertx, Executor callbacks,
      Supplier<Map<String, Duration>> perJob) throws Exception {
    Stores stores = new Stores(db);
    try {
      stores.start(s, fence, vertx, callbacks, perJob);
      return stores;
    } catch (Exception | Error e) {
      stores.close();
      throw e;
    }
  }

  private void start(Settings s, Fence fence, Vertx vertx, Executor callbacks,
      Supplier<Map<String, Duration>> perJob) throws Exception {
    if (s.schedule()) { // before anything that assumes it is the only one: journal, runs left RUNNING
      lease = takeLease(s, fence);
    }
    // Only a scheduling engine owns its node's runs and the journal; a one-off `fire` leaves them.
    // The journal first: it may finish runs that would otherwise count as interrupted.
    int replayed = s.schedule() ? Journal.replayLeftAt(s.journal(), db.dataSource(), s.clock()) : 0;
    if (replayed > 0) {
      log.warn("{} outcomes a previous process left in {} replayed", replayed, s.journal());
    }
    int interrupted = s.schedule() ? db.interruptRunsOf(s.node(), s.clock().instant()) : 0;
    if (interrupted > 0) {
      log.warn("{} runs of node {} were left RUNNING by a previous process; marked INTERRUPTED",
          interrupted, s.node());
    }
    recorder = new Recorder(db.dataSource(), s.recorderCapacity(), callbacks).clock(s.clock());
    if (s.schedule()) {
      recorder.spillTo(s.journal(), s.spillAfter());
    }
    recorder.start();
    if (s.schedule()) { // a pass with no retention, global or per job, deletes nothing
      retention = new Retention(db.dataSource(), s.retention(), perJob).clock(s.clock())
          .start(Duration.ofMinutes(1), Retention.DEFAULT_EVERY);
    }
    queries = new RunQueries(db.dataSource());
    PausedJobs pauses = new PausedJobs(db.dataSource());
    pauses.refresh();
    paused = pauses;
    ids = RunIds.open(vertx, db);
    if (s.schedule()) { // a one-off `fire` counts no health: it would leave its notices to no one
      notices = new NoticeStore(db.dataSource(), s.node(), NoticeStore.DEFAULT_CAPACITY, s.clock());
    }
  }

  /**
   * One standalone engine per database, one live process per node name in a cluster (README, "When
   * things go wrong"). Fails with {@link NodeLease.Held} when a live process holds the lease.
   */
  private NodeLease takeLease(Settings s, Fence fence) throws Exception {
    String what = s.clustered() ? "node name \"" + s.node() + "\" on " + Database.redact(s.jdbcUrl())
        : "the database " + Database.redact(s.jdbcUrl());
    String fix = s.clustered() ? "give this node another --node name, or stop that process first"
        : "stop that process first, or run several nodes as a cluster on PostgreSQL (src/docs/cluster.md)";
    return NodeLease.take(db.dataSource(), s.clustered() ? NodeLease.nodeKey(s.node()) : NodeLease.SINGLE,
        LeaseHolder.current(s.node()), s.leaseRenewal(), fence, !s.clustered(), what, fix);
  }

  public Database db() {
    return db;
  }

  public Recorder recorder() {
    return recorder;
  }

  public RunQueries queries() {
    return queries;
  }

  public PausedJobs paused() {
    return paused;
  }

  public RunIds ids() {
    return ids;
  }

  /** Job health and notices, or null for an engine that does not schedule. */
  public NoticeStore notices() {
    return notices;
  }

  /** After a failed start: gives the lease back (off the caller's thread), so a retry need not wait. */
  public void giveLeaseBack() {
    NodeLease held = lease;
    lease = null;
    if (held != null) {
      CompletableFuture.runAsync(held::close);
    }
  }

  /**
   * Stops the recorder once every outcome queued is written (or spilled); thread-safe, and done
   * at once when it never started.
   */
  public CompletableFuture<Void> stopRecorder() {
    return recorder == null ? CompletableFuture.completedFuture(null) : recorder.stop();
  }

  /**
   * Closes what was opened: the recorder (at once when {@link #stopRecorder} has run), retention,
   * the lease (last but the pool) and the pool. Blocking.
   */
  @Override
  public void close() {
    if (recorder != null) {
      recorder.close();
    }
    if (retention != null) {
      retention.close();
    }
    if (notices != null) {
      notices.close();
    }
    if (lease != null) {
      lease.close(); // last: a restart after this clean stop takes the lease at once
    }
    db.close();
  }
}
