package dev.cronloop;

import dev.cronloop.definition.Secret;
import dev.cronloop.notify.Notifier;
import dev.cronloop.record.Database;
import dev.cronloop.record.NodeLease;
import dev.cronloop.record.Recorder;
import dev.cronloop.server.Metrics;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Builds an {@link Engine}. Every setter checks its value; {@link #build()} yields an engine on
 * the given {@link Vertx}, which the engine uses and never closes unless it created it.
 *
 * <p>Get one from {@link Engine#builder()} (the engine makes and closes its own Vert.x) or {@link
 * Engine#builder(Vertx)} (the engine is a guest on the host's).
 */
public final class EngineBuilder {
  public static final Path DEFAULT_JOBS = Path.of("jobs");
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_IN_FLIGHT = 1_000;
  public static final int DEFAULT_QUARTZ_THREADS = 2;
  /** The shortest bearer token {@link #token} accepts. */
  public static final int MIN_TOKEN_LENGTH = 16;
  /** As many as requests in flight: by default the global limit is the only one. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = DEFAULT_MAX_IN_FLIGHT;
  public static final Duration DEFAULT_CLUSTER_CHECKIN = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private Path jobs = DEFAULT_JOBS;
  private String jdbcUrl = Database.DEFAULT_URL;
  private String node = defaultNode();
  private boolean schedule = true;
  private Duration grace = DEFAULT_GRACE;
  private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
  private int recorderCapacity = Recorder.DEFAULT_CAPACITY;
  private InstantSource clock = InstantSource.system();
  private int quartzThreads = DEFAULT_QUARTZ_THREADS;
  private InetSocketAddress http;
  private int maxConnectionsPerHost = DEFAULT_MAX_CONNECTIONS_PER_HOST;
  private int lanes; // 0: the default, see lanes(int)
  private Duration clusterCheckin = DEFAULT_CLUSTER_CHECKIN;
  private Duration leaseRenewal = NodeLease.DEFAULT_RENEW_EVERY;
  private RunListener listener = new RunListener() {};
  private Secret token;
  private Path journal;
  private Duration spillAfter = Recorder.DEFAULT_SPILL_AFTER;
  private Duration retention;
  private Notifier.Settings notify = Notifier.Settings.DEFAULT;
  private boolean oneOff;

  /**
   * @param vertx the host's Vert.x, or null when the engine makes its own in {@link #build()}
   */
  EngineBuilder(Vertx vertx, boolean ownsVertx) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
  }

  /** The folder of job files. */
  public EngineBuilder jobs(Path folder) {
    this.jobs = Objects.requireNonNull(folder, "jobs folder");
    return this;
  }

  /** Where outcomes are recorded: an H2 or PostgreSQL JDBC URL. */
  public EngineBuilder database(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException("database must be a JDBC URL starting with jdbc:, got " + jdbcUrl);
    }
    this.jdbcUrl = jdbcUrl;
    return this;
  }

  /** This node's name, as recorded in {@code runs.node}. */
  public EngineBuilder node(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("node name must not be blank");
    }
    this.node = name;
    return this;
  }

  /** False to load jobs without arming triggers: fires happen only through {@link Engine#fire}. */
  public EngineBuilder schedule(boolean on) {
    this.schedule = on;
    return this;
  }

  /**
   * An engine for one command that fires and exits, as {@code cronloop fire}: it arms no trigger
   * (as {@link #schedule} false) and leaves out what only a long-running engine needs, the JVM's
   * and Vert.x's own meters (binding them starts JMX); the fetch and run meters remain. A one-off
   * engine serves no HTTP API, so it does not go with {@link #http}.
   */
  public EngineBuilder oneOff() {
    this.oneOff = true;
    this.schedule = false;
    return this;
  }

  /** How long shutdown waits for runs in flight before cancelling them. */
  public EngineBuilder grace(Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0, got " + grace);
    }
    this.grace = grace;
    return this;
  }

  /** Requests in flight across all runs of the engine. */
  public EngineBuilder maxInFlight(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1, got " + max);
    }
    this.maxInFlight = max;
    return this;
  }

  /** Outcomes that may wait for the database before runs slow down. */
  public EngineBuilder recorderCapacity(int capacity) {
    if (capacity < 16) {
      throw new IllegalArgumentException("recorderCapacity must be >= 16, got " + capacity);
    }
    this.recorderCapacity = capacity;
    return this;
  }

  /** Where the HTTP API listens; none when not set. Port 0 picks a free port. */
  public EngineBuilder http(InetSocketAddress address) {
    this.http = Objects.requireNonNull(address, "http address");
    return this;
  }

  /**
   * The bearer token that {@code POST /api/...} calls must send as {@code Authorization: Bearer
   * TOKEN}. Without one, mutating calls are open, and {@link #build()} refuses an {@link #http}
   * address other than loopback.
   */
  public EngineBuilder token(String token) {
    if (token == null || token.strip().length() < MIN_TOKEN_LENGTH || token.strip().contains(" ")) {
      throw new IllegalArgumentException(
          "token must be at least " + MIN_TOKEN_LENGTH + " characters without spaces (got "
              + (token == null ? "none" : token.strip().length() + " characters")
              + "); generate one with: openssl rand -hex 32");
    }
    this.token = Secret.of(token.strip());
    return this;
  }

  /**
   * Connections kept to one host and port. Requests beyond it wait for a free connection, and
   * that wait counts against their connect timeout. The engine's event loops share it: each keeps
   * at most {@code ceil(max / event loops)}, and one job's requests all go out on one of them.
   */
  public EngineBuilder maxConnectionsPerHost(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxConnectionsPerHost must be >= 1, got " + max);
    }
    this.maxConnectionsPerHost = max;
    return this;
  }

  /**
   * How many event loops runs are spread over (issue 18, "lanes"); each job runs on one of them,
   * at most the event loops of the engine's Vert.x and the processors. Default: all of them (two on
   * the engine's own Vert.x), and one for a {@link #oneOff()} engine, which fires one job and so
   * keeps every connection per host for it. Two lanes halved the lateness p99 of 1,000 jobs due
   * each second against one, in the first half minute after a start too (src/docs/benchmarks.md,
   * "Lanes by default"). Each lane keeps its share of {@link #maxConnectionsPerHost}.
   */
  public EngineBuilder lanes(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("lanes must be >= 1, got " + n);
    }
    this.lanes = n;
    return this;
  }

  /**
   * The journal file where outcomes wait while the database is away. Default: next to an H2 file
   * database ({@code db/cronloop.journal} for the default one), else {@code db/cronloop-NODE.journal}.
   */
  public EngineBuilder journal(Path file) {
    this.journal = Objects.requireNonNull(file, "journal file");
    return this;
  }

  /** How long the database may fail before outcomes spill to the {@link #journal}. */
  public EngineBuilder spillAfter(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("spillAfter must be >= 0, got " + delay);
    }
    this.spillAfter = delay;
    return this;
  }

  /**
   * Deletes runs (and their fetches) fired longer ago than this, in small batches once an hour.
   * Not set: rows are kept forever.
   */
  public EngineBuilder retention(Duration keep) {
    if (keep.isNegative() || keep.isZero()) {
      throw new IllegalArgumentException("retention must be > 0, got " + keep);
    }
    this.retention = keep;
    return this;
  }

  /**
   * How often a cluster node (a PostgreSQL database) checks in. The others take over a node that
   * missed its check-in by more than a grace of half this (2 s to 7.5 s); keep node clocks within
   * a fraction of it. Ignored on H2, where there is no cluster.
   */
  public EngineBuilder clusterCheckin(Duration interval) {
    if (interval.compareTo(Duration.ofMillis(500)) < 0) {
      throw new IllegalArgumentException("clusterCheckin must be >= 500ms, got " + interval);
    }
    this.clusterCheckin = interval;
    return this;
  }

  /**
   * How often a scheduling engine renews its lease on the database: one standalone engine per
   * database, one live node per {@link #node} name in a cluster. A lease not renewed for three
   * periods (15 s by default) is taken over by the next engine that starts; one left by a process
   * of the same host that no longer runs is taken over at once.
   */
  public EngineBuilder leaseRenewal(Duration every) {
    if (every.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException("leaseRenewal must be >= 100ms, got " + every);
    }
    this.leaseRenewal = every;
    return this;
  }

  /**
   * Where the engine reads the time: the instants fires are due, start and end, and their
   * lateness. Default {@link InstantSource#system()}; tests set a clock of their own. Quartz
   * still wakes on the system clock, so a clock that differs moves what the engine sees, not when
   * Quartz calls it.
   */
  public EngineBuilder clock(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * The address people reach the API at, e.g. {@code https://cron.example.org}: notices link to
   * their run as {@code URL/api/runs/ID}. Default none (notices carry no link).
   */
  public EngineBuilder publicUrl(URI url) {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme() == null ? "" : url.getScheme();
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new IllegalArgumentException("public URL must be an absolute http or https URL, got " + url);
    }
    Notifier.Settings n = notify;
    notify = new Notifier.Settings(url, n.firstBackoff(), n.giveUp(), n.timeout(), n.capacity(), n.sweepEvery());
    return this;
  }

  /**
   * How notices are retried: {@code firstBackoff} before the second attempt, doubling up to a
   * minute, for {@code giveUp} in all (defaults 1 s and 10 min).
   */
  public EngineBuilder notifyRetries(Duration firstBackoff, Duration giveUp) {
    if (firstBackoff.isNegative() || firstBackoff.isZero() || giveUp.isNegative()) {
      throw new IllegalArgumentException("notify retries need a backoff > 0 and a give-up >= 0, got "
          + firstBackoff + " and " + giveUp);
    }
    Notifier.Settings n = notify;
    notify = new Notifier.Settings(n.publicUrl(), firstBackoff, giveUp, n.timeout(), n.capacity(), n.sweepEvery());
    return this;
  }

  /** How long a channel may take to connect and answer (default 10 s). */
  public EngineBuilder notifyTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("notify timeout must be > 0, got " + timeout);
    }
    Notifier.Settings n = notify;
    notify = new Notifier.Settings(n.publicUrl(), n.firstBackoff(), n.giveUp(), timeout, n.capacity(), n.sweepEvery());
    return this;
  }

  /** Hears every fetch and run outcome, on the event loop of each job's lane ({@link RunListener}). */
  public EngineBuilder listener(RunListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Builds the engine. Fails when the HTTP API would listen on an address other than loopback
   * without a {@link #token}: anyone who reaches it could trigger and pause jobs.
   */
  public Engine build() {
    if (http != null && token == null && !isLoopback(http.getHostString())) {
      throw new IllegalStateException(
          "refusing to serve the HTTP API on " + http.getHostString() + " without a token: anyone"
              + " who can reach it could trigger and pause jobs; pass --token-file FILE or set"
              + " CRONLOOP_TOKEN (EngineBuilder.token when embedding), or listen on 127.0.0.1");
    }
    if (oneOff && (schedule || http != null)) {
      throw new IllegalStateException("a one-off engine fires only when asked and serves no API, got "
          + (schedule ? "schedule(true)" : "http(" + http + ")") + "; leave that out or oneOff()");
    }
    EngineConfig config = new EngineConfig(
        jobs, jdbcUrl, node, schedule, grace, maxInFlight, recorderCapacity, quartzThreads,
        http, token, maxConnectionsPerHost,
        journal != null ? journal : Database.journalFor(jdbcUrl, node), spillAfter, retention, clusterCheckin,
        leaseRenewal, clock, notify, lanes > 0 ? lanes : oneOff ? 1 : 0, oneOff);
    // A one-off engine on its own Vert.x opens its database while the meters and that Vert.x are
    // made: the opening is the longest part of its start, so it goes first.
    CompletableFuture<Database> early = oneOff && ownsVertx ? EngineParts.openDatabase(config) : null;
    Metrics metrics;
    Vertx engineVertx;
    try {
      metrics = new Metrics(clock, !oneOff);
      engineVertx = ownsVertx ? EngineVertx.create(oneOff ? null : metrics) : vertx;
    } catch (RuntimeException | Error e) {
      if (early != null) {
        early.thenAccept(Database::close);
      }
      throw e;
    }
    return new Engine(engineVertx, ownsVertx, config, listener, metrics, early);
  }

  /**
   * True for {@code localhost} and loopback IP literals. Other host names count as not loopback:
   * the check never resolves a name, which could answer differently later.
   */
  static boolean isLoopback(String host) {
    String h = host.replace("[", "").replace("]", "");
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static String defaultNode() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "local";
    }
  }
}
