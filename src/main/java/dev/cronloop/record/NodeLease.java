package dev.cronloop.record;

import dev.cronloop.record.LeaseClaim.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lease on a row of {@code node_leases}: a standalone engine's hold on its database
 * ({@link #SINGLE}), or a cluster node's hold on its name ({@link #nodeKey}). Taken before the
 * engine fires anything, renewed every {@code renewEvery} on its own thread, released on close.
 *
 * <p><b>Taking it.</b> In one transaction, with the row locked: an absent row is inserted; a row
 * that expired, or whose holder is a process of this host and pid namespace that no longer runs,
 * is taken over (compare-and-set on its {@code epoch}); any other row is held. A held row is
 * watched: when its holder renews it, the holder is alive and {@link #take} fails with {@link
 * Held}; when it is not renewed, it expires {@code 3 × renewEvery} after the last renewal and is
 * taken over then (logged). A live process on this host that stopped renewing (hung, stopped with
 * SIGSTOP) is never taken over: the fix is to stop it. {@link LeaseClaim} makes that decision on
 * the row read; this class does the reading and writing.
 *
 * <p><b>Clocks.</b> {@code renewed_at} and {@code expires_at} are the database's clock ({@code
 * CURRENT_TIMESTAMP}, read in the same transaction), so the nodes' clocks never meet in this
 * table. {@code started_at} is the holder's process start on its own host's clock, which also
 * tells a live holder from a new process that reuses its pid.
 *
 * <p><b>Losing it.</b> A renewal that finds the row taken by another process closes the {@link
 * Fence} for good and logs an ERROR: this process launches no scheduled fire from then on. A
 * renewal that fails (the database is away) is retried at the next period and logged once per
 * outage. Nothing ends the renewal thread but {@link #close}: every throwable is logged.
 *
 * <p>Runs on: the caller's thread for {@link #take} and {@link #close} (blocking; never the event
 * loop), and its own daemon thread {@code cronloop-lease} for renewals.
 */
public final class NodeLease implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeLease.class);

  /** The key of a standalone engine's lease on its whole database. */
  public static final String SINGLE = "single";
  /** How often the lease is renewed by default. */
  public static final Duration DEFAULT_RENEW_EVERY = Duration.ofSeconds(5);
  /** A lease not renewed for this many periods has expired and may be taken over. */
  public static final int EXPIRES_AFTER_PERIODS = 3;

  private final DataSource db;
  private final String key;
  private final LeaseHolder me;
  private final String token;
  private final Duration renewEvery;
  private final Fence fence;
  private final boolean opensFence;
  private final ScheduledExecutorService renewer;
  private volatile long epoch;
  private volatile boolean failing;

  /** The lease is held by a live process; the message names it and the fix. */
  public static final class Held extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final transient LeaseHolder holder;

    Held(String message, LeaseHolder holder) {
      super(message);
      this.holder = holder;
    }

    /** The process holding the lease. */
    public LeaseHolder holder() {
      return holder;
    }
  }

  private NodeLease(DataSource db, String key, LeaseHolder me, Duration renewEvery, Fence fence, boolean opensFence) {
    this.db = db;
    this.key = key;
    this.me = me;
    this.token = UUID.randomUUID().toString();
    this.renewEvery = renewEvery;
    this.fence = fence;
    this.opensFence = opensFence;
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cronloop-lease");
      t.setDaemon(true);
      return t;
    });
  }

  /** The key of a cluster node's lease on its name. */
  public static String nodeKey(String node) {
    return "node:" + node;
  }

  /**
   * How long taking the lease opens the fence when {@code opensFence}: until the lease is lost. A
   * standalone engine goes on firing while its database is away (outcomes wait in the journal),
   * and no process on its host takes over a live holder; only a loss closes its fence.
   */
  private static final Duration UNTIL_LOST = Duration.ofDays(365L * 100);

  /** The longest a {@link #take} waits for a lease that nobody renews: until it expires, plus a poll. */
  public static Duration takeoverBound(Duration renewEvery) {
    return LeaseClaim.takeoverBound(renewEvery);
  }

  /**
   * Takes the lease {@code key} for {@code me}, waiting up to {@link #takeoverBound} for one that
   * nobody renews, and starts renewing it. Blocking.
   *
   * @param opensFence true when taking the lease opens {@code fence} until the lease is lost (a
   *     standalone engine); false when something else opens it (a cluster node's check-in). A lost
   *     lease closes it in both cases.
   * @param what what the lease guards, for messages ("the database jdbc:h2:file:./db/cronloop")
   * @param fix what to do when a live process holds it, for the message of {@link Held}
   * @throws Held when a live process holds it
   */
  public static NodeLease take(DataSource db, String key, LeaseHolder me, Duration renewEvery, Fence fence,
      boolean opensFence, String what, String fix) throws SQLException, InterruptedException {
    NodeLease lease = new NodeLease(db, key, me, renewEvery, fence, opensFence);
    lease.acquire(what, fix);
    lease.renewer.scheduleAtFixedRate(lease::renewQuietly, renewEvery.toMillis(), renewEvery.toMillis(),
        TimeUnit.MILLISECONDS);
    return lease;
  }

  private void acquire(String what, String fix) throws SQLException, InterruptedException {
    Row first = null;
    long deadline = System.nanoTime() + takeoverBound(renewEvery).plus(renewEvery).toNanos();
    while (true) {
      long started = fence.now();
      Attempt a = attempt();
      if (a.taken) {
        if (opensFence) {
          fence.renewed(started, UNTIL_LOST);
        }
        if (a.previous != null) {
          log.warn("took over the lease on {} from {}: {}", what, a.previous.holder().describe(), a.why);
        }
        return;
      }
      Row held = a.previous;
      if (held == null) {
        continue; // another process inserted the row at the same moment: look again
      }
      String evidence = a.why != null ? a.why
          : first == null ? null
          : LeaseClaim.renewedSince(first, held);
      if (evidence == null && System.nanoTime() - deadline > 0) {
        evidence = LeaseClaim.DID_NOT_EXPIRE;
      }
      if (evidence != null) {
        throw new Held(LeaseClaim.heldMessage(held, what, evidence, fix), held.holder());
      }
      if (first == null) {
        first = held;
      }
      Thread.sleep(LeaseClaim.poll(renewEvery).toMillis());
    }
  }

  /** One attempt, in one transaction with the row locked. */
  private Attempt attempt() throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        Instant now = dbNow(c);
        Row r = read(c, key, true).orElse(null);
        LeaseClaim.Verdict v = LeaseClaim.decide(r, token, me, now, LeaseHolder::running);
        if (v.kind() == LeaseClaim.Kind.INSERT && !insert(c, now)) {
          c.rollback();
          return new Attempt(false, null, null);
        }
        if (v.kind() == LeaseClaim.Kind.TAKE_OVER && !update(c, now, r.epoch())) {
          c.commit();
          return new Attempt(false, null, null); // taken over by another process first: look again
        }
        c.commit();
        if (!v.kind().takes()) {
          return new Attempt(false, r, v.why());
        }
        // Forced to disk on H2, whose write delay would let a kill -9 right after this lose the row,
        // and the next start could not say whom it took over from.
        Database.forceToDisk(c);
        return new Attempt(true, r == null || r.token().equals(token) ? null : r, v.why());
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** The outcome of one attempt: taken (over {@code previous}), or held by {@code previous}. */
  private record Attempt(boolean taken, Row previous, String why) {}


  private boolean insert(Connection c, Instant now) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO node_leases (node, pid, host, pid_ns, token, epoch, started_at, renewed_at, expires_at, lease_key)"
            + " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)")) {
      bindHolder(s, now);
      s.setString(9, key);
      s.executeUpdate();
      epoch = 1;
      return true;
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
        return false; // a unique violation: someone else inserted it first
      }
      throw e;
    }
  }

  private boolean update(Connection c, Instant now, long expected) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE node_leases SET node = ?, pid = ?, host = ?, pid_ns = ?, token = ?, epoch = epoch + 1,"
            + " started_at = ?, renewed_at = ?, expires_at = ? WHERE lease_key = ? AND epoch = ?")) {
      bindHolder(s, now);
      s.setString(9, key);
      s.setLong(10, expected);
      if (s.executeUpdate() != 1) {
        return false;
      }
      epoch = expected + 1;
      return true;
    }
  }

  private void bindHolder(PreparedStatement s, Instant now) throws SQLException {
    s.setString(1, me.node());
    s.setLong(2, me.pid());
    s.setString(3, me.host());
    s.setString(4, me.pidNamespace());
    s.setString(5, token);
    OutcomeStore.setInstant(s, 6, me.startedAt());
    OutcomeStore.setInstant(s, 7, now);
    OutcomeStore.setInstant(s, 8, LeaseClaim.expiry(now, renewEvery));
  }

  /** The row of {@code key}, if any; {@code lock} takes its row lock for the transaction. */
  private static Optional<Row> read(Connection c, String key, boolean lock) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT node, pid, host, pid_ns, started_at, token, epoch, renewed_at, expires_at FROM node_leases"
            + " WHERE lease_key = ?" + (lock ? " FOR UPDATE" : ""))) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        LeaseHolder h = new LeaseHolder(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), instant(rs, 5));
        return Optional.of(new Row(h, rs.getString(6), rs.getLong(7), instant(rs, 8), instant(rs, 9)));
      }
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  private static Instant dbNow(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT CURRENT_TIMESTAMP");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return instant(rs, 1);
    }
  }

  /** The renewal thread's task: one renewal; every throwable is logged and the next period comes. */
  private void renewQuietly() {
    try {
      renew();
    } catch (Throwable e) { // the executor would end the renewals in silence on any throwable
      fence.failed(e.toString());
      if (!failing) {
        failing = true;
        log.warn("cannot renew the lease {} ({}); retrying every {} ms", key, e, renewEvery.toMillis());
      }
    }
  }

  /** Renews the lease; a row no longer ours closes the fence for good. Blocking. */
  void renew() throws SQLException {
    if (fence.term().lost()) {
      return;
    }
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(true);
      Instant now = dbNow(c);
      int updated;
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE node_leases SET renewed_at = ?, expires_at = ? WHERE lease_key = ? AND token = ? AND epoch = ?")) {
        OutcomeStore.setInstant(s, 1, now);
        OutcomeStore.setInstant(s, 2, LeaseClaim.expiry(now, renewEvery));
        s.setString(3, key);
        s.setString(4, token);
        s.setLong(5, epoch);
        updated = s.executeUpdate();
      }
      if (updated == 1) {
        if (failing) {
          failing = false;
          log.info("lease {} renewed again", key);
        }
        return;
      }
      String by = read(c, key, false).map(r -> r.holder().describe()).orElse("nobody (the row is gone)");
      String why = "the lease " + key + " is now held by " + by;
      fence.lose(why);
      log.error("{}: this process took too long to renew it and launches no scheduled fire from now on;"
          + " stop this process (its runs in flight finish) and check why it stalled", why);
    }
  }

  /** Stops renewing without giving the lease back, as a process killed with SIGKILL does; for tests. */
  void abandon() {
    renewer.shutdownNow();
  }

  /** Stops renewing and gives the lease back, so a restart does not wait. Blocking. */
  @Override
  public void close() {
    renewer.shutdownNow();
    try {
      renewer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM node_leases WHERE lease_key = ? AND token = ?")) {
      c.setAutoCommit(true);
      s.setString(1, key);
      s.setString(2, token);
      s.executeUpdate();
    } catch (SQLException e) {
      if (e.getErrorCode() == 90098 || e.getErrorCode() == 90135) {
        // H2 closed, or closing (exclusive while it compacts its file), by the JVM's shutdown (a
        // process exiting after a failed start): the lease's holder is gone with it, and the next
        // start on this host takes the lease over at once.
        log.debug("lease {} not given back: the database closed with the process", key);
        return;
      }
      log.warn("cannot give back the lease {} ({}); the next start takes it over once it expires", key, e.getMessage());
    }
  }
}
