package dev.cronloop;

import dev.cronloop.record.Database;
import dev.cronloop.record.Recorder;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds an {@link Engine}. Every setter checks its value; {@link #build()} yields an engine on
 * the given {@link Vertx}, which the engine uses and never closes unless it created it.
 */
public final class EngineBuilder {
  public static final Path DEFAULT_JOBS = Path.of("jobs");
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_IN_FLIGHT = 1_000;
  public static final int DEFAULT_QUARTZ_THREADS = 2;
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
  private int quartzThreads = DEFAULT_QUARTZ_THREADS;
  private InetSocketAddress http;
  private Duration clusterCheckin = DEFAULT_CLUSTER_CHECKIN;
  private RunListener listener = new RunListener() {};

  EngineBuilder(Vertx vertx, boolean ownsVertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
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

  /** Hears every fetch and run outcome, on the engine context. */
  public EngineBuilder listener(RunListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  public Engine build() {
    return new Engine(
        vertx,
        ownsVertx,
        new EngineConfig(
            jobs, jdbcUrl, node, schedule, grace, maxInFlight, recorderCapacity, quartzThreads,
            http, clusterCheckin),
        listener);
  }

  private static String defaultNode() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "local";
    }
  }
}
