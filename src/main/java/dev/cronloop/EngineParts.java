package dev.cronloop;

import dev.cronloop.bridge.Scheduling;
import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobCatalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.Problem;
import dev.cronloop.fetch.Dispatch;
import dev.cronloop.fetch.Lanes;
import dev.cronloop.model.RunObserver;
import dev.cronloop.model.RunResult;
import dev.cronloop.notify.Notifier;
import dev.cronloop.record.DamagedH2File;
import dev.cronloop.record.Database;
import dev.cronloop.record.Fence;
import dev.cronloop.record.PausedJobs;
import dev.cronloop.record.RunQueries;
import dev.cronloop.record.Stores;
import dev.cronloop.server.ApiServer;
import dev.cronloop.server.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts an {@link Engine} runs, started in order and closed in DESIGN.md's shutdown order:
 * the stores ({@code record}), the dispatch ({@code fetch}), the scheduling ({@code bridge}), the
 * jobs folder ({@code definition}) and the HTTP API ({@code server}). A part is null until it has
 * started, and {@link #close()} closes only the parts that started, so that closing an engine
 * whose start failed completes.
 *
 * <p>Runs on: its start and close steps run on the engine context and, when they block, on worker
 * threads; the getters are thread-safe.
 */
final class EngineParts {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final EngineConfig config;
  private final RunListener listener;
  private final Metrics metrics;
  private final ApiServer api;
  /** Open while this node's lease holds: a standalone engine's, or a cluster node's check-in. */
  private final Fence fence = new Fence(System::nanoTime);
  private volatile Context loop;
  private volatile Stores stores;
  private volatile Dispatch dispatch;
  private volatile Notifier notifier;
  private volatile Scheduling scheduling;
  private volatile Lanes lanes;
  private volatile JobCatalog jobCatalog;
  private final AtomicLong runsEnded = new AtomicLong();
  /** Counts the runs that end, so that the status page's index knows when to build again. */
  private final RunObserver endings = new RunObserver() {
    @Override
    public void runEnded(RunResult run) {
      runsEnded.incrementAndGet();
    }
  };
  private volatile Catalog catalog;
  private volatile boolean closing;
  private volatile int httpPort = -1;
  /** The database opening since before the engine's Vert.x was made, or null (see {@link #openDatabase}). */
  private final CompletableFuture<Database> early;
  private final AtomicBoolean earlyTaken = new AtomicBoolean();

  EngineParts(Vertx vertx, boolean ownsVertx, EngineConfig config, RunListener listener, Metrics metrics,
      ApiServer api, CompletableFuture<Database> early) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.config = config;
    this.listener = listener;
    this.metrics = metrics;
    this.api = api;
    this.early = early;
  }

  /**
   * Starts opening the database of an engine with {@code config} on a thread of its own, for
   * {@link EngineBuilder#build()} to call before it makes the engine's Vert.x: the two are
   * independent and the largest parts of a one-off start, and each is mostly class loading on a
   * core of its own. The engine's start takes the database from here instead of opening it.
   */
  static CompletableFuture<Database> openDatabase(EngineConfig config) {
    CompletableFuture<Database> opened = new CompletableFuture<>();
    Thread opener = new Thread(() -> {
      try {
        opened.complete(Stores.openDatabase(storeSettings(config)));
      } catch (Throwable e) {
        opened.completeExceptionally(e);
      }
    }, "cronloop-db-open");
    opener.setDaemon(true);
    opener.start();
    return opened;
  }

  Future<Void> start() {
    long t0 = System.nanoTime();
    loop = vertx.getOrCreateContext();
    // The jobs folder is read while the database opens (and migrates): neither needs the other,
    // and on a one-off fire both are a good part of the start.
    jobCatalog = new JobCatalog(config.jobs(), System::getenv);
    Future<Catalog> read = loop.executeBlocking(jobCatalog::load, false);
    return loop.executeBlocking(this::openStores, false)
        .compose(v -> read)
        .map(this::loaded)
        .compose(v -> startNotifier())
        .map(v -> startDispatch())
        .compose(v -> loop.executeBlocking(this::startScheduling, false))
        .compose(v -> config.http() == null ? Future.succeededFuture(-1) : api.listen(config.http()))
        .onSuccess(port -> logStarted(httpPort = port, t0))
        .onFailure(e -> giveLeaseBack())
        .mapEmpty();
  }

  /** After a failed start: gives the lease back (off the loop), so a retry need not wait. */
  private void giveLeaseBack() {
    Stores s = stores;
    if (s != null) {
      s.giveLeaseBack();
    }
  }

  private Void openStores() throws Exception {
    Stores.Settings settings = storeSettings(config);
    Database db;
    try {
      db = early != null && earlyTaken.compareAndSet(false, true) ? opened(early) : Stores.openDatabase(settings);
    } catch (DamagedH2File e) { // its line names the file and the repair; the command line prints it as it is
      throw new StartupFailure(e.getMessage(), StartupFailure.RUNTIME, e);
    }
    stores = Stores.open(settings, db, fence, vertx,
        task -> loop.runOnContext(v -> task.run()), // acks of writers that name no lane of their own
        this::retentionPerJob);
    metrics.watch(stores.recorder());
    return null;
  }

  private static Stores.Settings storeSettings(EngineConfig config) {
    boolean clustered = clustered(config);
    int pool = clustered ? 8 + 2 * schedulingSettings(config).threads() : 4;
    String url = config.oneOff() ? Database.oneOff(config.jdbcUrl()) : config.jdbcUrl();
    return new Stores.Settings(url, config.node(), config.schedule(), clustered, pool, config.journal(),
        config.recorderCapacity(), config.spillAfter(), config.retention(), config.leaseRenewal(), config.clock());
  }

  /** The database {@link #openDatabase} opened, or the reason it could not, as opening would throw it. */
  private static Database opened(CompletableFuture<Database> early) throws Exception {
    try {
      return early.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw (Error) e.getCause();
    }
  }

  /** The early database when no start took it (never started, or failed before): closed once open. */
  private void closeUntaken() {
    if (early != null && earlyTaken.compareAndSet(false, true)) {
      early.thenAccept(Database::close);
    }
  }

  /** On the engine context: the catalog read at start. */
  private Void loaded(Catalog first) {
    catalog = first;
    metrics.watch(() -> catalog);
    return null;
  }

  /** Notices of jobs that notify, on a context of their own; none for an engine that does not schedule. */
  private Future<Void> startNotifier() {
    if (stores.notices() == null) {
      return Future.succeededFuture();
    }
    return Notifier.start(vertx, stores.notices(), () -> catalog, config.notices(), metrics::notified, config.clock())
        .onSuccess(n -> notifier = n)
        .mapEmpty();
  }

  /** On the engine context: the lanes the runs live on, and the dispatch that feeds them. */
  private Void startDispatch() {
    RunObserver observers = (notifier == null ? metrics : metrics.andThen(notifier)).andThen(endings);
    lanes = Lanes.open(vertx, config.lanes(), config.maxConnectionsPerHost(), config.maxInFlight(), config.node(),
        stores.recorder(), observers.andThen(listener), config.clock());
    dispatch = new Dispatch(vertx, loop, lanes, stores.ids(), fence, stores::paused, metrics, config.clock());
    return null;
  }

  private Void startScheduling() throws Exception {
    if (config.schedule()) {
      // Beside the scheduler's start, on a worker of its own, not before it: the meters of 10,000
      // jobs take 0.6-0.9 s to register, and the first fire is due after the start anyway.
      List<JobDefinition> jobs = catalog.jobs();
      loop.executeBlocking(() -> {
        metrics.prepare(jobs);
        return null;
      }, false).onFailure(e -> log.warn("could not register the jobs' meters ahead of their fires: {}", e.toString()));
      scheduling = Scheduling.start(schedulingSettings(), vertx, loop, stores.db().dataSource(), fence, dispatch::admit,
          () -> catalog.jobs(), stores.queries(), stores.paused());
      jobCatalog.start(this::reloaded);
    }
    return null;
  }

  private Scheduling.Settings schedulingSettings() {
    return schedulingSettings(config);
  }

  private static Scheduling.Settings schedulingSettings(EngineConfig config) {
    return new Scheduling.Settings(config.node(), clustered(config), config.quartzThreads(), config.clusterCheckin(),
        config.clock());
  }

  /** On the catalog thread: a changed jobs folder. Unchanged jobs keep their next fire times. */
  private void reloaded(Catalog next) {
    scheduling.sync(next.jobs());
    // Published after the sync: a job seen in the catalog has its fire time (ReloadEngineTest, a
    // burst of a thousand files). Fires carry their own definition, so none waits for this.
    catalog = next;
    metrics.prepare(next.jobs()); // after the sync: the new jobs' fire times do not wait for it
  }

  /** A cluster: Quartz's clustered JDBC store on the outcome database (DESIGN.md, "Cluster"). */
  private boolean clustered() {
    return clustered(config);
  }

  private static boolean clustered(EngineConfig config) {
    return config.jdbcUrl().startsWith("jdbc:postgresql:");
  }

  /** The jobs of the current catalog with a retention of their own. */
  private Map<String, Duration> retentionPerJob() {
    Catalog current = catalog;
    Map<String, Duration> own = new HashMap<>();
    if (current != null) {
      current.jobs().stream().filter(j -> j.retention() != null).forEach(j -> own.put(j.id(), j.retention()));
    }
    return own;
  }

  private void logStarted(int port, long t0) {
    long enabled = catalog.jobs().stream().filter(JobDefinition::enabled).count();
    log.info(
        "cronloop started in {} ms: {} jobs ({} enabled, {} files with problems) from {}, database {}, node {}, {}, http {} (token {}), grace {}s",
        (System.nanoTime() - t0) / 1_000_000,
        catalog.jobs().size(),
        enabled,
        catalog.problems().stream().map(Problem::file).distinct().count(),
        config.jobs(),
        Database.redact(stores.db().url()),
        config.node(),
        clustered() ? "cluster (check-in " + config.clusterCheckin().toMillis() + " ms)" : "single node",
        port < 0 ? "off" : config.http().getHostString() + ":" + port,
        config.token() == null ? "none" : "set",
        config.grace().toSeconds());
  }

  /**
   * Shuts down as DESIGN.md, "Shutdown", fixes it: stop firing, let runs finish up to the grace
   * period, cancel the rest, flush every outcome, then close Quartz, Vert.x (if ours) and the
   * database. Each step skips a part that never started.
   */
  Future<Void> close() {
    closeUntaken();
    if (loop == null) {
      return api.close().eventually(this::closeVertx);
    }
    closing = true; // the API answers 503 from now on
    Promise<Void> done = Promise.promise(); // bound to no context: the engine's may be gone
    loop.executeBlocking(this::standby, false)
        .compose(v -> dispatch == null ? Future.succeededFuture() : dispatch.drain(config.grace()))
        .compose(v -> notifier == null ? Future.<Void>succeededFuture() : notifier.close())
        .compose(v -> stores == null ? Future.succeededFuture()
            : Future.fromCompletionStage(stores.stopRecorder(), loop))
        .compose(v -> api.close())
        .compose(v -> loop.executeBlocking(this::closeStores, false))
        .compose(v -> lanes == null ? Future.<Void>succeededFuture() : lanes.close())
        .andThen(v -> metrics.close())
        .onSuccess(v -> log.info("cronloop stopped: {} outcomes written in {} batches",
            stores == null ? 0 : stores.recorder().written(), stores == null ? 0 : stores.recorder().batches()))
        .onComplete(ar -> closeVertx().onComplete(v -> done.handle(ar)));
    return done.future();
  }

  /** Stops firing: the jobs folder watch, then Quartz ({@link Scheduling#standby}). */
  private Void standby() throws Exception {
    if (jobCatalog != null) {
      jobCatalog.close();
    }
    if (scheduling != null) {
      scheduling.standby();
    }
    return null;
  }

  private Void closeStores() throws Exception {
    if (scheduling != null) {
      scheduling.shutdown();
    }
    if (stores != null) {
      stores.close();
    }
    return null;
  }

  private Future<Void> closeVertx() {
    return ownsVertx ? EngineVertx.close(vertx) : Future.succeededFuture();
  }

  /** Runs {@code action} on the pauses on a worker thread; fails when the engine is not started. */
  Future<Boolean> withPauses(PauseAction action) {
    Stores s = stores;
    if (s == null) {
      return Future.failedFuture(new IllegalStateException("the engine is not started"));
    }
    return loop.executeBlocking(() -> action.apply(s.paused()), false);
  }

  /** A read or write of the pauses. */
  interface PauseAction {
    boolean apply(PausedJobs p) throws Exception;
  }

  boolean paused(String jobId) {
    Stores s = stores;
    return s != null && s.paused().contains(jobId);
  }

  /** Runs that have ended on this engine so far (their last row committed). */
  long runsEnded() {
    return runsEnded.get();
  }

  Set<String> pausedJobs() {
    Stores s = stores;
    return s == null ? Set.of() : s.paused().ids();
  }

  int httpPort() {
    return httpPort;
  }

  Catalog catalog() {
    return catalog;
  }

  Dispatch dispatch() {
    return dispatch;
  }

  Scheduling scheduling() {
    return scheduling;
  }

  Stores stores() {
    return stores;
  }

  /** The run queries, or null before start and from the start of close (the API answers 503). */
  RunQueries queries() {
    Stores s = stores;
    return closing || s == null ? null : s.queries();
  }

  boolean schedulerRunning() {
    Scheduling s = scheduling;
    return s == null ? !config.schedule() || catalog != null : s.running();
  }
}
