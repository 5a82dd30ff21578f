package dev.cronloop;

import dev.cronloop.bridge.ClusterJobStore;
import dev.cronloop.bridge.PooledConnections;
import dev.cronloop.bridge.ShardLock;
import dev.cronloop.bridge.TriggerLayer;
import dev.cronloop.definition.Catalog;
import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.JobFolder;
import dev.cronloop.definition.Problem;
import dev.cronloop.fetch.Fire;
import dev.cronloop.fetch.RunLauncher;
import dev.cronloop.fetch.RunResult;
import dev.cronloop.record.Database;
import dev.cronloop.record.JobVersions;
import dev.cronloop.record.Recorder;
import dev.cronloop.record.RunIds;
import dev.cronloop.server.ApiServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Instant;
import java.time.InstantSource;
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
 * the fetcher and the recorder. The command line and embedding servers drive it through {@link
 * #start()}, {@link #fire(String)} and {@link #close()}.
 *
 * <p>Threads: Quartz workers only hand fires over (see {@code bridge.FireHandoff}); all run state
 * lives on the one context captured by {@link #start()}; JDBC runs on the recorder thread and on
 * worker threads.
 */
public final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final EngineConfig config;
  private final RunListener listener;
  private Context loop;
  private Database db;
  private Recorder recorder;
  private WebClient client;
  private RunLauncher launcher;
  private Scheduler quartz;
  private TriggerLayer triggers;
  private volatile Catalog catalog;
  private ApiServer api;
  private int httpPort = -1;
  private long repairTimer = -1;

  Engine(Vertx vertx, boolean ownsVertx, EngineConfig config, RunListener listener) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.config = config;
    this.listener = listener;
  }

  /** A builder for an engine on its own Vert.x instance, which {@link #close()} closes. */
  public static EngineBuilder builder() {
    return new EngineBuilder(Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2)), true);
  }

  /** A builder for an engine on the host's {@code vertx}, which the engine never closes. */
  public static EngineBuilder builder(Vertx vertx) {
    return new EngineBuilder(vertx, false);
  }

  /** The Quartz scheduler, or null when not scheduling; for tests in this package. */
  Scheduler quartz() {
    return quartz;
  }

  public EngineConfig config() {
    return config;
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

  /** The jobs as last loaded, with the problems of files that did not load. */
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
    Optional<JobDefinition> job = catalog.job(jobId);
    if (job.isEmpty()) {
      return Future.failedFuture(new NoSuchElementException("no job \"" + jobId + "\" in " + config.jobs()));
    }
    Promise<RunResult> result = Promise.promise();
    loop.runOnContext(v -> launcher.launch(Fire.manual(job.get(), Instant.now())).onComplete(result));
    return result.future();
  }

  /**
   * Shuts down as DESIGN.md, "Shutdown", fixes it: stop firing, let runs finish up to the grace
   * period, cancel the rest, flush every outcome, then close Quartz, Vert.x (if ours) and the
   * database.
   */
  public Future<Void> close() {
    if (loop == null) {
      return closeVertx();
    }
    Promise<Void> done = Promise.promise(); // bound to no context: the engine's may be gone
    loop.executeBlocking(this::standbyScheduler, false)
        .compose(v -> drainRuns())
        .compose(v -> Future.fromCompletionStage(recorder.stop(), loop))
        .compose(v -> api == null ? Future.<Void>succeededFuture() : api.close())
        .compose(v -> loop.executeBlocking(this::closeStores, false))
        .andThen(v -> client.close())
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
    // Only a scheduling engine owns its node's runs; a one-off `fire` must not touch them.
    int interrupted = config.schedule() ? db.interruptRunsOf(config.node()) : 0;
    if (interrupted > 0) {
      log.warn("{} runs of node {} were left RUNNING by a previous process; marked INTERRUPTED",
          interrupted, config.node());
    }
    Executor onLoop = task -> loop.runOnContext(v -> task.run());
    recorder = new Recorder(db.dataSource(), config.recorderCapacity(), onLoop).start();
    catalog = JobFolder.load(config.jobs(), System::getenv);
    for (Problem p : catalog.problems()) {
      log.warn("{}", p);
    }
    return null;
  }

  private Future<Void> startLoopSide() {
    client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setUserAgent("cronloop")
                .setKeepAlive(true)
                .setConnectTimeout(5_000)
                .setFollowRedirects(true),
            new PoolOptions().setHttp1MaxSize(config.maxInFlight()).setHttp2MaxSize(config.maxInFlight()));
    return loop.executeBlocking(() -> RunIds.open(vertx, db), false)
        .map(
            ids -> {
              launcher =
                  new RunLauncher(vertx, loop, client, config.node(), ids, recorder, config.maxInFlight(),
                      listener);
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

  private Void startScheduler() throws SchedulerException {
    if (!config.schedule()) {
      return null;
    }
    quartz = new StdSchedulerFactory(quartzProperties()).getScheduler();
    triggers =
        clustered()
            ? new TriggerLayer(quartz, TriggerLayer.CLUSTER_SHARDS, TriggerLayer.DEFAULT_MISFIRE_THRESHOLD,
                ShardLock.postgres(db.dataSource()), true)
            : new TriggerLayer(quartz, TriggerLayer.DEFAULT_SHARDS, TriggerLayer.DEFAULT_MISFIRE_THRESHOLD);
    quartz.setJobFactory(triggers.jobFactory(this::handOff));
    triggers.sync(catalog.jobs(), InstantSource.system());
    if (clustered()) {
      reportOtherVersions();
      repairTimer = vertx.setPeriodic(TriggerLayer.REPAIR_INTERVAL.toMillis(), id -> repairTriggers());
    }
    quartz.start();
    return null;
  }

  /**
   * Re-syncs the shard triggers on a worker thread: a no-op while all is well, it re-arms a shard
   * whose hand-off failed (see {@link TriggerLayer#sync}). A failure is logged and retried on the
   * next round.
   */
  private void repairTriggers() {
    loop.executeBlocking(() -> {
          triggers.sync(catalog.jobs(), InstantSource.system());
          return null;
        }, false)
        .onFailure(e -> log.warn("cannot check the shard triggers; retrying in {} s: {}",
            TriggerLayer.REPAIR_INTERVAL.toSeconds(), e.getMessage()));
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
      for (JobVersions.Conflict c : new JobVersions(db.dataSource()).record(config.node(), hashes, Instant.now())) {
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
    p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
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

  private Future<Void> startHttp() {
    if (config.http() == null) {
      return Future.succeededFuture();
    }
    api = new ApiServer(vertx, () -> quartz == null || isStarted(quartz));
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
    loop.runOnContext(v -> launcher.launchAll(fires));
  }

  private void logStarted(long t0) {
    long enabled = catalog.jobs().stream().filter(JobDefinition::enabled).count();
    log.info(
        "cronloop started in {} ms: {} jobs ({} enabled, {} files with problems) from {}, database {}, node {}, {}, http {}, grace {}s",
        (System.nanoTime() - t0) / 1_000_000,
        catalog.jobs().size(),
        enabled,
        catalog.problems().stream().map(Problem::file).distinct().count(),
        config.jobs(),
        Database.redact(db.url()),
        config.node(),
        clustered() ? "cluster (check-in " + config.clusterCheckin().toMillis() + " ms)" : "single node",
        httpPort < 0 ? "off" : config.http().getHostString() + ":" + httpPort,
        config.grace().toSeconds());
  }

  /**
   * Stops firing. One node pauses Quartz. A cluster node shuts Quartz down at once, waiting for its
   * hand-offs to post: its store then gives back the triggers this node had acquired, so the
   * other nodes fire them on time instead of after a failover (see {@code ClusterJobStore}).
   */
  private Void standbyScheduler() throws SchedulerException {
    vertx.cancelTimer(repairTimer);
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
            drained.complete();
          });
        });
    return drained.future();
  }

  private Void closeStores() throws SchedulerException {
    if (quartz != null && !quartz.isShutdown()) {
      quartz.shutdown(false);
    }
    db.close();
    return null;
  }
}
