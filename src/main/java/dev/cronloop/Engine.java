package dev.cronloop;

import dev.cronloop.bridge.ClusterJobStore;
import dev.cronloop.bridge.PooledConnections;
import dev.cronloop.bridge.ShardLock;
import dev.cronloop.bridge.TriggerLayer;
import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobCatalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.Problem;
import dev.cronloop.fetch.HttpClients;
import dev.cronloop.fetch.LoopTimer;
import dev.cronloop.fetch.RunLauncher;
import dev.cronloop.fetch.StartGate;
import dev.cronloop.model.Fire;
import dev.cronloop.model.RunResult;
import dev.cronloop.record.Database;
import dev.cronloop.record.JobVersions;
import dev.cronloop.record.PausedJobs;
import dev.cronloop.record.Recorder;
import dev.cronloop.record.Retention;
import dev.cronloop.record.RunIds;
import dev.cronloop.record.RunQueries;
import dev.cronloop.schedule.FireTimes;
import dev.cronloop.schedule.Spread;
import dev.cronloop.server.ApiServer;
import dev.cronloop.server.EngineView;
import dev.cronloop.server.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final EngineConfig config;
  private final RunListener listener;
  private volatile Context loop;
  private volatile Database db;
  private volatile Recorder recorder;
  private Retention retention;
  private HttpClients clients;
  private volatile RunLauncher launcher;
  private StartGate gate;
  private volatile Scheduler quartz;
  private volatile TriggerLayer triggers;
  private JobCatalog jobCatalog;
  private volatile Catalog catalog;
  private final Metrics metrics;
  private final ApiServer api;
  private volatile PausedJobs paused;
  private volatile RunQueries queries;
  private long sampler = -1;
  private int httpPort = -1;
  private long repairTimer = -1;
  private long pauseTimer = -1;

  Engine(Vertx vertx, boolean ownsVertx, EngineConfig config, RunListener listener, Metrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.ownsVertx = ownsVertx;
    this.config = config;
    this.listener = listener;
    this.api = new ApiServer(vertx, new View(), metrics, config.token());
  }

  /**
   * A builder for an engine on its own Vert.x instance, which {@link #close()} closes. That
   * instance reports its own metrics (worker and connection pools) to {@code /metrics} as {@code
   * vertx_*}.
   */
  public static EngineBuilder builder() {
    return new EngineBuilder(null, true);
  }

  /** The engine's own Vert.x, made by {@link EngineBuilder#build()} once the options check out. */
  static Vertx ownVertx(Metrics metrics) {
    return Vertx.builder()
        .with(new VertxOptions()
            .setEventLoopPoolSize(2)
            .setPreferNativeTransport(true)
            // HTTP client and server metrics are left out: vertx-micrometer 5.0.10 registers
            // their gauges once per target or connection under one meter id, which Micrometer
            // 1.15 reports with a WARN. cronloop's own fetch metrics cover every request by job
            // and outcome; the pools, the event loop and the JVM remain.
            .setMetricsOptions(new MicrometerMetricsOptions()
                .setEnabled(true)
                .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
                .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
        .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
        .build();
  }

  /**
   * A builder for an engine on the host's {@code vertx}, which the engine never closes. The
   * host's Vert.x metrics, if it has any, stay the host's; {@code /metrics} holds the engine's and
   * the JVM's.
   */
  public static EngineBuilder builder(Vertx vertx) {
    return new EngineBuilder(java.util.Objects.requireNonNull(vertx, "vertx"), false);
  }

  /** The Quartz scheduler, or null when not scheduling; for tests in this package. */
  Scheduler quartz() {
    return quartz;
  }

  /** The configuration the engine was built with. */
  public EngineConfig config() {
    return config;
  }

  /**
   * The HTTP API ({@code /api/...}), {@code /health}, {@code /ready}, {@code /metrics} and the
   * status page ({@code /}) as one router. The engine serves it itself when {@link
   * EngineBuilder#http} is set; a host mounts it under a path of its own. Routes answer 503 until
   * {@link #start()} completes. Mutating routes check the bearer token of {@link
   * EngineBuilder#token}.
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
    long t0 = System.nanoTime();
    loop = vertx.getOrCreateContext();
    return loop.executeBlocking(this::openStores, false)
        .compose(v -> startLoopSide())
        .compose(v -> loop.executeBlocking(this::startScheduler, false))
        .compose(v -> startHttp())
        .onSuccess(v -> logStarted(t0))
        .mapEmpty();
  }

  /** The port the HTTP API listens on, or -1 when it does not. */
  public int httpPort() {
    return httpPort;
  }

  /**
   * The jobs as last loaded, with the problems of files that do not load and each job's state
   * ({@link Catalog#states()}). While scheduling, a new catalog replaces it on each change of the
   * jobs folder.
   */
  public Catalog catalog() {
    return catalog;
  }

  /** The next scheduled fire of a job, or empty when it is not scheduled. */
  public Optional<Instant> nextFire(String jobId) {
    return triggers == null ? Optional.empty() : triggers.nextFire(jobId);
  }

  /**
   * Fires one job now. Completes when every outcome of the run is committed; fails when no job
   * has that id.
   */
  public Future<RunResult> fire(String jobId) {
    return trigger(jobId).compose(Triggered::completion);
  }

  /**
   * Fires one job now, as {@code POST /api/jobs/{id}/trigger} does. Completes as soon as the run
   * has its id, before any request goes out; {@link Triggered#completion()} tells how it ended.
   * Fails when no job has that id or the engine is not running. A paused job can be triggered.
   */
  public Future<Triggered> trigger(String jobId) {
    Catalog current = catalog;
    if (current == null || launcher == null) {
      return Future.failedFuture(new IllegalStateException("the engine is not started"));
    }
    Optional<JobDefinition> job = current.job(jobId);
    if (job.isEmpty()) {
      return Future.failedFuture(new NoSuchElementException("no job \"" + jobId + "\" in " + config.jobs()));
    }
    Promise<Long> id = Promise.promise();
    Promise<RunResult> result = Promise.promise();
    loop.runOnContext(v -> {
      Fire fire = Fire.manual(job.get(), config.clock().instant());
      metrics.fired(fire);
      launcher.launch(fire, id).onComplete(result);
    });
    return id.future().map(runId -> new Triggered(runId, result.future()));
  }

  /**
   * Stops scheduled fires of a job until {@link #resume}; manual triggers still run. Each fire
   * left out is recorded as a SKIPPED run whose reason names the pause. The pause is stored in the
   * database: it holds across restarts, and the other nodes of a cluster follow it within one
   * check-in period. {@code enabled: false} in the job file is the way to turn a job off for good.
   *
   * @return completes once the pause is committed, with false when the job was paused already;
   *     fails when the engine is not started or the database cannot be written
   */
  public Future<Boolean> pause(String jobId) {
    return pause(jobId, "Engine.pause");
  }

  /**
   * Lets scheduled fires of a paused job run again, from its next fire time on, on every node.
   *
   * @return completes once the resume is committed, with false when the job was not paused
   */
  public Future<Boolean> resume(String jobId) {
    PausedJobs p = paused;
    if (p == null) {
      return Future.failedFuture(new IllegalStateException("the engine is not started"));
    }
    return loop.executeBlocking(() -> p.resume(jobId), false);
  }

  /** True while a job is paused, as this node last read the pauses. */
  public boolean paused(String jobId) {
    PausedJobs p = paused;
    return p != null && p.contains(jobId);
  }

  /** Pauses a job on behalf of {@code by}, which the skipped runs' reason names. */
  private Future<Boolean> pause(String jobId, String by) {
    PausedJobs p = paused;
    if (p == null) {
      return Future.failedFuture(new IllegalStateException("the engine is not started"));
    }
    return loop.executeBlocking(() -> p.pause(jobId, by, config.node(), config.clock().instant()), false);
  }

  /**
   * The next {@code n} fire instants of a job: empty when it is disabled, paused or not
   * scheduled. The first is the one its trigger is armed for; the others follow from its schedule
   * and spread offset, as {@code cronloop next} computes them.
   */
  public List<Instant> nextFires(String jobId, int n) {
    Catalog current = catalog;
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

  /**
   * Shuts down as DESIGN.md, "Shutdown", fixes it: stop firing, let runs finish up to the grace
   * period, cancel the rest, flush every outcome, then close Quartz, Vert.x (if ours) and the
   * database.
   */
  public Future<Void> close() {
    if (loop == null) {
      return api.close().eventually(this::closeVertx);
    }
    queries = null; // the API answers 503 from now on
    Promise<Void> done = Promise.promise(); // bound to no context: the engine's may be gone
    loop.executeBlocking(this::standbyScheduler, false)
        .compose(v -> drainRuns())
        .compose(v -> Future.fromCompletionStage(recorder.stop(), loop))
        .compose(v -> api.close())
        .compose(v -> loop.executeBlocking(this::closeStores, false))
        .compose(v -> clients.close())
        .andThen(v -> metrics.close())
        .onSuccess(v -> log.info("cronloop stopped: {} outcomes written in {} batches",
            recorder.written(), recorder.batches()))
        .onComplete(ar -> closeVertx().onComplete(v -> done.handle(ar)));
    return done.future();
  }

  /**
   * Closes the Vert.x instance when the engine created it. The close is started from a thread
   * outside Vert.x: a close future bound to the engine's own context could never report, as that
   * context's event loop is what is being shut down.
   */
  private Future<Void> closeVertx() {
    if (!ownsVertx) {
      return Future.succeededFuture();
    }
    Promise<Void> closed = Promise.promise();
    CompletableFuture.runAsync(() -> vertx.close().onComplete(closed));
    return closed.future();
  }

  private Void openStores() throws Exception {
    db = Database.open(config.jdbcUrl(), clustered() ? 8 + 2 * quartzThreads() : 4);
    // Only a scheduling engine owns its node's runs and the journal; a one-off `fire` leaves them.
    // The journal first: it may finish runs that would otherwise count as interrupted.
    int replayed = config.schedule() ? Recorder.replayJournal(db.dataSource(), config.journal()) : 0;
    if (replayed > 0) {
      log.warn("{} outcomes a previous process left in {} replayed", replayed, config.journal());
    }
    int interrupted = config.schedule() ? db.interruptRunsOf(config.node()) : 0;
    if (interrupted > 0) {
      log.warn("{} runs of node {} were left RUNNING by a previous process; marked INTERRUPTED",
          interrupted, config.node());
    }
    Executor onLoop = task -> loop.runOnContext(v -> task.run());
    recorder = new Recorder(db.dataSource(), config.recorderCapacity(), onLoop).clock(config.clock());
    if (config.schedule()) {
      recorder.spillTo(config.journal(), config.spillAfter());
    }
    recorder.start();
    if (config.schedule()) { // a pass with no retention, global or per job, deletes nothing
      retention = new Retention(db.dataSource(), config.retention(), this::retentionPerJob)
          .start(Duration.ofMinutes(1), Retention.DEFAULT_EVERY);
    }
    metrics.watch(recorder);
    queries = new RunQueries(db.dataSource());
    PausedJobs pauses = new PausedJobs(db.dataSource());
    pauses.refresh();
    paused = pauses;
    jobCatalog = new JobCatalog(config.jobs(), System::getenv);
    catalog = jobCatalog.load();
    metrics.watch(() -> catalog);
    return null;
  }

  /** The jobs of the current catalog with a retention of their own. */
  private java.util.Map<String, Duration> retentionPerJob() {
    Catalog current = catalog;
    java.util.Map<String, Duration> own = new java.util.HashMap<>();
    if (current != null) {
      current.jobs().stream().filter(j -> j.retention() != null).forEach(j -> own.put(j.id(), j.retention()));
    }
    return own;
  }

  private Future<Void> startLoopSide() {
    clients = new HttpClients(vertx, config.maxConnectionsPerHost());
    return loop.executeBlocking(() -> RunIds.open(vertx, db), false)
        .map(
            ids -> {
              launcher =
                  new RunLauncher(vertx, loop, clients, config.node(), ids, recorder, config.maxInFlight(),
                      metrics.andThen(listener), config.clock());
              gate = new StartGate(LoopTimer.of(vertx), config.clock(), this::launchScheduled);
              sampler = vertx.setPeriodic(1_000, t -> metrics.sample(launcher.inFlight(), launcher.active()));
              return null;
            });
  }

  /** A cluster: Quartz's clustered JDBC store on the outcome database (DESIGN.md, "Cluster"). */
  private boolean clustered() {
    return config.jdbcUrl().startsWith("jdbc:postgresql:");
  }

  /** Quartz workers: a cluster's hand-offs read and write the shard trigger, so it gets more. */
  private int quartzThreads() {
    return clustered() ? Math.max(8, config.quartzThreads()) : config.quartzThreads();
  }

  private Void startScheduler() throws SchedulerException, java.sql.SQLException {
    if (!config.schedule()) {
      return null;
    }
    quartz = new StdSchedulerFactory(quartzProperties()).getScheduler();
    triggers =
        clustered()
            ? new TriggerLayer(quartz, TriggerLayer.CLUSTER_SHARDS, TriggerLayer.DEFAULT_MISFIRE_THRESHOLD,
                ShardLock.postgres(db.dataSource()), true, config.clock())
            : new TriggerLayer(quartz, TriggerLayer.DEFAULT_SHARDS, TriggerLayer.DEFAULT_MISFIRE_THRESHOLD,
                ShardLock.LOCAL, false, config.clock());
    quartz.setJobFactory(triggers.jobFactory(this::handOff));
    // A standalone engine resumes each job from its last recorded fire, to apply its misfire
    // policy to what it missed; a cluster's stored triggers remember that themselves.
    triggers.sync(catalog.jobs(), config.clock(), clustered() ? Map.of() : queries.lastScheduled());
    if (clustered()) {
      reportOtherVersions();
      repairTimer = vertx.setPeriodic(TriggerLayer.REPAIR_INTERVAL.toMillis(), id -> repairTriggers());
      // Four times per check-in period, so that a pause made on another node holds here within
      // one even on a busy machine; the read is one small query.
      pauseTimer = vertx.setPeriodic(Math.max(100, config.clusterCheckin().toMillis() / 4), id -> refreshPauses());
    }
    quartz.start();
    jobCatalog.start(this::reloaded);
    return null;
  }

  /**
   * Re-syncs the shard triggers on a worker thread: a no-op while all is well, it re-arms a shard
   * whose hand-off failed (see {@link TriggerLayer#sync}). A failure is logged and retried on the
   * next round.
   */
  private void repairTriggers() {
    loop.executeBlocking(() -> {
          triggers.sync(catalog.jobs(), config.clock());
          return null;
        }, false)
        .onFailure(e -> log.warn("cannot check the shard triggers; retrying in {} s: {}",
            TriggerLayer.REPAIR_INTERVAL.toSeconds(), e.getMessage()));
  }

  /** Reads the cluster's pauses again, on a worker thread (see {@link PausedJobs#follow()}). */
  private void refreshPauses() {
    loop.executeBlocking(paused::follow, false);
  }

  /**
   * Records this node's content of each job in {@code job_versions} and warns about jobs whose
   * content another node synced differently: each node runs its own content when it fires a
   * shard, so such a job runs one way or the other (src/docs/cluster.md, "Different definitions").
   */
  private void reportOtherVersions() {
    Map<String, String> hashes = new TreeMap<>();
    catalog.jobs().forEach(job -> hashes.put(job.id(), job.contentHash()));
    try {
      for (JobVersions.Conflict c : new JobVersions(db.dataSource()).record(config.node(), hashes, config.clock().instant())) {
        log.warn("job {} differs between nodes: node {} synced content {} at {}, this node has {};"
                + " the nodes run their own content; deploy the same jobs folder to every node",
            c.jobId(), c.otherNode(), shortHash(c.otherHash()), c.otherSyncedAt(), shortHash(c.hash()));
      }
    } catch (java.sql.SQLException e) {
      log.warn("cannot compare job versions with the other nodes: {}", e.getMessage());
    }
  }

  private static String shortHash(String hash) {
    return hash.length() > 12 ? hash.substring(0, 12) : hash;
  }

  /**
   * Quartz's settings: the RAM store on H2; on PostgreSQL the clustered JDBC store on the engine's
   * pool, with this node's name as the instance id (so a restarted node recovers its own previous
   * process at once) and the configured check-in interval.
   */
  private Properties quartzProperties() {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "cronloop");
    p.setProperty("org.quartz.scheduler.threadName", "cronloop-quartz-scheduler");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(quartzThreads()));
    p.setProperty("org.quartz.threadPool.threadNamePrefix", "cronloop-quartz");
    // Quartz's own misfire path is slow in a cluster: a trigger more than this overdue is left out
    // of the nodes' normal acquisition and waits for the misfire handler (seconds). A shard trigger
    // released by a node that stops (it fires HANDOFF_LEAD before its instant) can be overdue by
    // that lead plus a poll (idleWaitTime, 1 s) before another node acquires it: at 1 s it missed
    // the normal path and ran 1.5 s late. Lateness beyond this is the TriggerLayer's business
    // (its misfire threshold and policies), not Quartz's.
    p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
    if (!clustered()) {
      p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
      return p;
    }
    String dataSource = "cronloop-" + config.node() + "-" + System.identityHashCode(this);
    PooledConnections.register(dataSource, db.dataSource());
    p.setProperty("org.quartz.scheduler.instanceId", config.node());
    // Other nodes re-arm shard triggers without waking this node's scheduler thread: poll often.
    p.setProperty("org.quartz.scheduler.idleWaitTime", "1000");
    p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(quartzThreads()));
    p.setProperty("org.quartz.jobStore.class", ClusterJobStore.class.getName());
    p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    p.setProperty("org.quartz.jobStore.dataSource", dataSource);
    p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
    p.setProperty("org.quartz.jobStore.useProperties", "true");
    p.setProperty("org.quartz.jobStore.isClustered", "true");
    p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(config.clusterCheckin().toMillis()));
    p.setProperty("org.quartz.jobStore.failoverGrace",
        Long.toString(ClusterJobStore.graceFor(config.clusterCheckin()).toMillis()));
    return p;
  }

  /** On the catalog thread: a changed jobs folder. Unchanged jobs keep their next fire times. */
  private void reloaded(Catalog next) {
    catalog = next;
    triggers.sync(next.jobs(), config.clock());
  }

  private Future<Void> startHttp() {
    if (config.http() == null) {
      return Future.succeededFuture();
    }
    return api.listen(config.http()).onSuccess(port -> httpPort = port).mapEmpty();
  }

  private static boolean isStarted(Scheduler s) {
    try {
      return s.isStarted() && !s.isInStandbyMode() && !s.isShutdown();
    } catch (SchedulerException e) {
      return false;
    }
  }

  /** Called on a Quartz worker: one thread-safe post onto the engine context, then return. */
  private void handOff(List<Fire> fires) {
    loop.runOnContext(v -> {
      fires.forEach(metrics::handedOver);
      gate.admit(fires);
    });
  }

  /**
   * On the engine context: launches the fires of one instant, in order (with each job's jitter);
   * the fires of paused jobs are recorded SKIPPED with the pause as their reason.
   */
  private void launchScheduled(List<Fire> fires) {
    List<Fire> due = new ArrayList<>(fires.size());
    for (Fire fire : fires) {
      Optional<PausedJobs.Pause> pause = paused.get(fire.job().id());
      if (pause.isPresent()) {
        due.add(fire.skipped(pause.get().reason()));
        continue;
      }
      metrics.fired(fire);
      due.add(fire);
    }
    launcher.launchAll(due);
  }

  private boolean schedulerRunning() {
    Scheduler q = quartz;
    return q == null ? !config.schedule() || catalog != null : isStarted(q);
  }

  private void logStarted(long t0) {
    long enabled = catalog.jobs().stream().filter(JobDefinition::enabled).count();
    log.info(
        "cronloop started in {} ms: {} jobs ({} enabled, {} files with problems) from {}, database {}, node {}, {}, http {} (token {}), grace {}s",
        (System.nanoTime() - t0) / 1_000_000,
        catalog.jobs().size(),
        enabled,
        catalog.problems().stream().map(Problem::file).distinct().count(),
        config.jobs(),
        Database.redact(db.url()),
        config.node(),
        clustered() ? "cluster (check-in " + config.clusterCheckin().toMillis() + " ms)" : "single node",
        httpPort < 0 ? "off" : config.http().getHostString() + ":" + httpPort,
        config.token() == null ? "none" : "set",
        config.grace().toSeconds());
  }

  /**
   * Stops firing. One node pauses Quartz. A cluster node shuts Quartz down at once, waiting for its
   * hand-offs to post: its store then gives back the triggers this node had acquired, so the
   * other nodes fire them on time instead of after a failover (see {@code ClusterJobStore}).
   */
  private Void standbyScheduler() throws SchedulerException {
    if (jobCatalog != null) {
      jobCatalog.close();
    }
    vertx.cancelTimer(repairTimer);
    vertx.cancelTimer(pauseTimer);
    if (quartz != null && clustered()) {
      quartz.shutdown(true);
    } else if (quartz != null) {
      quartz.standby();
    }
    return null;
  }

  private Future<Void> drainRuns() {
    Promise<Void> drained = Promise.promise();
    loop.runOnContext(
        v -> {
          vertx.cancelTimer(sampler);
          int held = gate.close();
          if (held > 0) {
            log.info("{} fires handed over ahead of their instant not run: the engine is closing", held);
          }
          launcher.close();
          int active = launcher.active();
          if (active > 0) {
            log.info("waiting up to {} s for {} runs in flight", config.grace().toSeconds(), active);
          }
          long timer =
              vertx.setTimer(
                  Math.max(1, config.grace().toMillis()),
                  id -> {
                    log.warn("grace period over: cancelling {} runs", launcher.active());
                    launcher.cancelAll();
                  });
          launcher.idle().onComplete(done -> {
            vertx.cancelTimer(timer);
            metrics.counts(launcher.inFlight(), launcher.active());
            drained.complete();
          });
        });
    return drained.future();
  }

  private Void closeStores() throws SchedulerException {
    if (quartz != null && !quartz.isShutdown()) {
      // Waiting joins Quartz's worker threads; the jobs are hand-offs that return at once, and a
      // guest on the host's Vert.x must leave no thread of its own behind.
      quartz.shutdown(true);
    }
    if (retention != null) {
      retention.close();
    }
    db.close();
    return null;
  }

  /** The engine as the HTTP API sees it: thread-safe reads and the few actions it may take. */
  private final class View implements EngineView {
    @Override
    public Catalog catalog() {
      return catalog;
    }

    @Override
    public List<Instant> nextFires(String jobId, int n) {
      return Engine.this.nextFires(jobId, n);
    }

    @Override
    public boolean paused(String jobId) {
      return Engine.this.paused(jobId);
    }

    @Override
    public Future<Boolean> pause(String jobId) {
      return Engine.this.pause(jobId, "API");
    }

    @Override
    public Future<Boolean> resume(String jobId) {
      return Engine.this.resume(jobId);
    }

    @Override
    public Future<Long> trigger(String jobId) {
      return Engine.this.trigger(jobId).map(Triggered::runId);
    }

    @Override
    public boolean schedulerRunning() {
      return Engine.this.schedulerRunning();
    }

    @Override
    public RunQueries queries() {
      return queries;
    }

    @Override
    public boolean recorderDegraded() {
      Recorder r = recorder;
      return r != null && r.degraded();
    }

    @Override
    public boolean databaseReachable() {
      Database d = db;
      return d != null && d.reachable();
    }
  }
}
