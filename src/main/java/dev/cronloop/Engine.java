package dev.cronloop;

import dev.cronloop.bridge.Scheduling;
import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.fetch.Dispatch;
import dev.cronloop.model.RunResult;
import dev.cronloop.record.Database;
import dev.cronloop.schedule.FireTimes;
import dev.cronloop.schedule.Spread;
import dev.cronloop.server.ApiServer;
import dev.cronloop.server.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.quartz.Scheduler;

/**
 * The cronloop engine: owns the job catalog, the Quartz scheduler, the engine's Vert.x context,
 * the fetcher, the recorder, the metrics and the HTTP API's routes. The command line and embedding
 * servers drive it through {@link #start()}, {@link #trigger(String)}, {@link #fire(String)} and
 * {@link #close()}.
 *
 * <p>Embedding: {@link #builder(Vertx)} runs the engine on the host's {@code Vertx}, which {@link
 * #close()} leaves running; {@link #router()} gives the HTTP API, metrics and status page as a
 * router the host mounts under a path of its own, for instance {@code
 * host.route("/cron/*").subRouter(engine.router())}.
 *
 * <p>Threads: Quartz workers only hand fires over (see {@code bridge.FireHandoff}); all run state
 * lives on the one context captured by {@link #start()}; JDBC runs on the recorder thread and on
 * worker threads. The public methods are safe to call from any thread.
 *
 * <p>One engine per database: a scheduling engine takes a lease before it fires anything ({@code
 * record.NodeLease}: the whole database on H2, its node name in a cluster) and launches scheduled
 * fires only while its fence holds ({@code record.Fence}, kept open by the lease on one node and
 * by the check-ins in a cluster).
 */
public final class Engine {
  private final EngineConfig config;
  private final Metrics metrics;
  private final ApiServer api;
  final EngineParts parts; // for ApiView

  /** @param early the database opening since before {@code vertx} was made, or null */
  Engine(Vertx vertx, boolean ownsVertx, EngineConfig config, RunListener listener, Metrics metrics,
      CompletableFuture<Database> early) {
    this.config = config;
    this.metrics = metrics;
    this.api = new ApiServer(vertx, new ApiView(this), metrics, config.token());
    this.parts = new EngineParts(vertx, ownsVertx, config, listener, metrics, api, early);
  }

  /**
   * A builder for an engine on its own Vert.x instance, which {@link #close()} closes. That
   * instance reports its own metrics (worker and connection pools) to {@code /metrics}.
   */
  public static EngineBuilder builder() {
    return new EngineBuilder(null, true);
  }

  /** A builder for an engine on the host's {@code vertx}, which the engine never closes. */
  public static EngineBuilder builder(Vertx vertx) {
    return new EngineBuilder(java.util.Objects.requireNonNull(vertx, "vertx"), false);
  }

  /** The configuration the engine was built with. */
  public EngineConfig config() {
    return config;
  }

  /**
   * The HTTP API ({@code /api/...}), {@code /health}, {@code /ready}, {@code /metrics} and the
   * status page as one router, which a host mounts under a path of its own. Routes answer 503
   * until {@link #start()} completes; mutating routes check the token of {@link EngineBuilder#token}.
   */
  public Router router() {
    return api.router();
  }

  /** The metrics registry behind {@code /metrics}, for a host that scrapes or extends it. */
  public MeterRegistry metrics() {
    return metrics.registry();
  }

  /** Opens the database, loads the jobs, arms the triggers; completes when firing. */
  public Future<Void> start() {
    return parts.start();
  }

  /** The port the HTTP API listens on, or -1 when it does not. */
  public int httpPort() {
    return parts.httpPort();
  }

  /**
   * The jobs as last loaded, with the problems of files that do not load and each job's state
   * ({@link Catalog#states()}); replaced on each change of the jobs folder while scheduling.
   */
  public Catalog catalog() {
    return parts.catalog();
  }

  /** The next scheduled fire of a job, or empty when it is not scheduled. */
  public Optional<Instant> nextFire(String jobId) {
    Scheduling s = parts.scheduling();
    return s == null ? Optional.empty() : s.nextFire(jobId);
  }

  /** Fires one job now; completes when every outcome of the run is committed. */
  public Future<RunResult> fire(String jobId) {
    return trigger(jobId).compose(Triggered::completion);
  }

  /**
   * Fires one job now, as {@code POST /api/jobs/{id}/trigger} does: completes as soon as the run
   * has its id, before any request goes out; fails when no job has that id or the engine is not
   * running. A paused job can be triggered.
   */
  public Future<Triggered> trigger(String jobId) {
    Catalog current = parts.catalog();
    Dispatch dispatch = parts.dispatch();
    if (current == null || dispatch == null) {
      return Future.failedFuture(new IllegalStateException("the engine is not started"));
    }
    Optional<JobDefinition> job = current.job(jobId);
    if (job.isEmpty()) {
      return Future.failedFuture(new NoSuchElementException("no job \"" + jobId + "\" in " + config.jobs()));
    }
    Promise<RunResult> result = Promise.promise();
    return dispatch.trigger(job.get(), result).map(runId -> new Triggered(runId, result.future()));
  }

  /**
   * Stops scheduled fires of a job until {@link #resume}, on every node and across restarts;
   * manual triggers still run, and each fire left out is recorded SKIPPED with the pause as its
   * reason. Completes once stored, with false when the job was paused already.
   */
  public Future<Boolean> pause(String jobId) {
    return pause(jobId, "Engine.pause");
  }

  /** Pauses a job on behalf of {@code by}, which the skipped runs' reason names. */
  Future<Boolean> pause(String jobId, String by) {
    return parts.withPauses(p -> p.pause(jobId, by, config.node(), config.clock().instant()));
  }

  /** Lets scheduled fires of a paused job run again, on every node; false when it was not paused. */
  public Future<Boolean> resume(String jobId) {
    return parts.withPauses(p -> p.resume(jobId));
  }

  /** True while a job is paused, as this node last read the pauses. */
  public boolean paused(String jobId) {
    return parts.paused(jobId);
  }

  /**
   * The next {@code n} fire instants of a job: empty when it is disabled, paused or not
   * scheduled. The first is the one its trigger is armed for; the others follow from its schedule
   * and spread offset, as {@code cronloop next} computes them.
   */
  public List<Instant> nextFires(String jobId, int n) {
    Catalog current = parts.catalog();
    Optional<Instant> first = nextFire(jobId);
    if (current == null || first.isEmpty() || paused(jobId)) {
      return List.of();
    }
    JobDefinition job = current.job(jobId).orElse(null);
    if (job == null) {
      return List.of();
    }
    Duration offset = Spread.offset(job.id(), job.spread());
    List<Instant> fires = new ArrayList<>(List.of(first.get()));
    fires.addAll(FireTimes.next(job.schedule(), offset, first.get(), n - 1));
    return fires;
  }

  /** Shuts down as DESIGN.md, "Shutdown", fixes it; completes even after a failed {@link #start()}. */
  public Future<Void> close() {
    return parts.close();
  }

  /** The Quartz scheduler, or null when not scheduling; for tests in this package. */
  Scheduler quartz() {
    return parts.scheduling() == null ? null : parts.scheduling().quartz();
  }
}
