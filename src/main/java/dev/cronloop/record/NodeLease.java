package dev.cronloop.record;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 * SIGSTOP) is never taken over: the fix is to stop it.
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
  private final Holder me;
  private final String token;
  private final Duration renewEvery;
  private final Fence fence;
  private final boolean opensFence;
  private final ScheduledExecutorService renewer;
  private volatile long epoch;
  private volatile boolean failing;

  /**
   * The process that holds a lease.
   *
   * @param node its node name
   * @param pid its process id
   * @param host its host name
   * @param pidNamespace its Linux pid namespace ({@code pid:[4026531836]}), or null when unknown:
   *     pids are compared only between processes of one host and one namespace
   * @param startedAt when its process started, on its host's clock
   */
  public record Holder(String node, long pid, String host, String pidNamespace, Instant startedAt) {
    /** This process, under node name {@code node}. */
    public static Holder current(String node) {
      ProcessHandle self = ProcessHandle.current();
      return new Holder(node, self.pid(), ownHostName(), ownPidNamespace(),
          self.info().startInstant().orElse(Instant.now()));
    }

    /** True when {@code other} is a process of this host, in this pid namespace. */
    boolean sameHost(Holder other) {
      return host.equals(other.host) && pidNamespace != null && pidNamespace.equals(other.pidNamespace);
    }

    /** For a process of this host: whether it still runs (the same process, not a reused pid). */
    boolean running() {
      Optional<ProcessHandle> p = ProcessHandle.of(pid);
      if (p.isEmpty() || !p.get().isAlive()) {
        return false;
      }
      Optional<Instant> start = p.get().info().startInstant();
      return start.isEmpty() || Duration.between(start.get(), startedAt).abs().compareTo(Duration.ofSeconds(2)) < 0;
    }

    /** {@code node a (pid 4242 on host h, started 2026-01-05T10:00:00Z)}. */
    public String describe() {
      return "node " + node + " (pid " + pid + " on host " + host + ", running since " + startedAt + ")";
    }
  }

  /** The lease is held by a live process; the message names it and the fix. */
  public static final class Held extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final transient Holder holder;

    Held(String message, Holder holder) {
      super(message);
      this.holder = holder;
    }

    /** The process holding the lease. */
    public Holder holder() {
      return holder;
    }
  }

  private NodeLease(DataSource db, String key, Holder me, Duration renewEvery, Fence fence, boolean opensFence) {
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

  /** When a lease renewed at {@code renewedAt} (database clock) expires. */
  static Instant expiry(Instant renewedAt, Duration renewEvery) {
    return renewedAt.plus(renewEvery.multipliedBy(EXPIRES_AFTER_PERIODS));
  }

  /** True when a lease that expires at {@code expiresAt} may be taken over at {@code now}. */
  static boolean expired(Instant expiresAt, Instant now) {
    return !now.isBefore(expiresAt);
  }

  /**
   * How long taking the lease opens the fence when {@code opensFence}: until the lease is lost. A
   * standalone engine goes on firing while its database is away (outcomes wait in the journal),
   * and no process on its host takes over a live holder; only a loss closes its fence.
   */
  private static final Duration UNTIL_LOST = Duration.ofDays(365L * 100);

  /** The longest a {@link #take} waits for a lease that nobody renews: until it expires, plus a poll. */
  public static Duration takeoverBound(Duration renewEvery) {
    return renewEvery.multipliedBy(EXPIRES_AFTER_PERIODS).plus(poll(renewEvery));
  }

  private static Duration poll(Duration renewEvery) {
    return renewEvery.dividedBy(4).compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : renewEvery.dividedBy(4);
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
  public static NodeLease take(DataSource db, String key, Holder me, Duration renewEvery, Fence fence,
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
          log.warn("took over the lease on {} from {}: {}", what, a.previous.holder.describe(), a.why);
        }
        return;
      }
      Row held = a.previous;
      if (held == null) {
        continue; // another process inserted the row at the same moment: look again
      }
      if (a.why != null) {
        throw new Held(heldMessage(held, what, a.why, fix), held.holder);
      }
      if (first == null) {
        first = held;
      } else if (!first.token.equals(held.token) || !first.renewedAt.equals(held.renewedAt)) {
        throw new Held(heldMessage(held, what, "it renewed its lease " + held.renewedAt, fix), held.holder);
      }
      if (System.nanoTime() - deadline > 0) {
        throw new Held(heldMessage(held, what, "its lease did not expire", fix), held.holder);
      }
      Thread.sleep(poll(renewEvery).toMillis());
    }
  }

  private static String heldMessage(Row held, String what, String evidence, String fix) {
    return what + " is in use by " + held.holder.describe() + ", " + evidence + "; " + fix;
  }

  /** One attempt, in one transaction with the row locked. */
  private Attempt attempt() throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        Instant now = dbNow(c);
        Optional<Row> row = read(c, key, true);
        if (row.isEmpty()) {
          if (!insert(c, now)) {
            c.rollback();
            return new Attempt(false, null, null);
          }
          c.commit();
          flushToDisk(c);
          return new Attempt(true, null, null);
        }
        Row r = row.get();
        String why = null;
        if (r.token.equals(token)) {
          why = "this process";
        } else if (expired(r.expiresAt, now)) {
          why = "its lease expired at " + r.expiresAt + ", not renewed since " + r.renewedAt;
        } else if (me.sameHost(r.holder) && !r.holder.running()) {
          why = "that process no longer runs";
        } else if (me.sameHost(r.holder)) {
          c.commit();
          // Alive on this host: no use waiting, whether it renews or hangs.
          Duration silent = Duration.between(r.renewedAt, now);
          return new Attempt(false, r, "lease renewed " + Math.max(0, silent.toMillis()) + " ms ago");
        }
        if (why == null) {
          c.commit();
          return new Attempt(false, r, null);
        }
        boolean swapped = update(c, now, r.epoch);
        c.commit();
        if (swapped) {
          flushToDisk(c);
        }
        return swapped ? new Attempt(true, r.token.equals(token) ? null : r, why) : new Attempt(false, null, null);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * H2 writes a commit to its file up to half a second later (its write delay): a process killed
   * with -9 just after taking the lease would leave no row, and the next start could not say whom
   * it took over from. A taken lease is forced to disk; PostgreSQL's commit already is.
   */
  private static void flushToDisk(Connection c) {
    try {
      if ("H2".equals(c.getMetaData().getDatabaseProductName())) {
        try (Statement s = c.createStatement()) {
          s.execute("CHECKPOINT SYNC");
        }
      }
    } catch (SQLException e) {
      log.debug("could not force the lease to disk: {}", e.getMessage());
    }
  }

  /** The outcome of one attempt: taken (over {@code previous}), or held by {@code previous}. */
  private record Attempt(boolean taken, Row previous, String why) {}

  private record Row(Holder holder, String token, long epoch, Instant renewedAt, Instant expiresAt) {}

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
    OutcomeStore.setInstant(s, 8, expiry(now, renewEvery));
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
        Holder h = new Holder(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), instant(rs, 5));
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
        OutcomeStore.setInstant(s, 2, expiry(now, renewEvery));
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
      String by = read(c, key, false).map(r -> r.holder.describe()).orElse("nobody (the row is gone)");
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
      log.warn("cannot give back the lease {} ({}); the next start takes it over once it expires", key, e.getMessage());
    }
  }

  private static String ownHostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown";
    }
  }

  private static String ownPidNamespace() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }
}
