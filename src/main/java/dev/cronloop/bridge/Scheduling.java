package dev.cronloop.bridge;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.record.Fence;
import dev.cronloop.record.JobVersions;
import dev.cronloop.record.PausedJobs;
import dev.cronloop.record.RunQueries;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Quartz side of a scheduling engine: Quartz's settings, the {@link TriggerLayer} and its
 * {@link FireHandoff}s, and in a cluster the periodic trigger repair, the pause check-ins and the
 * job-version warnings (DESIGN.md, "Cluster").
 *
 * <p>Runs on: a worker thread ({@link #start}, {@link #standby}, {@link #shutdown}), the catalog
 * thread ({@link #sync}); its timers post their work to worker threads.
 */
public final class Scheduling {
  private static final Logger log = LoggerFactory.getLogger(Scheduling.class);

  /** What the scheduling needs of the engine's configuration. */
  public record Settings(String node, boolean clustered, int quartzThreads, Duration clusterCheckin,
      InstantSource clock) {
    /** Quartz workers: a cluster's hand-offs read and write the shard trigger, so it gets more. */
    public int threads() {
      return clustered ? Math.max(8, quartzThreads) : quartzThreads;
    }
  }

  private final Settings settings;
  private final Vertx vertx;
  private final Context loop;
  private final Scheduler quartz;
  private final TriggerLayer triggers;
  private final Supplier<List<JobDefinition>> jobs;
  private long repairTimer = -1;
  private long pauseTimer = -1;

  private Scheduling(Settings settings, Vertx vertx, Context loop, Scheduler quartz, TriggerLayer triggers,
      Supplier<List<JobDefinition>> jobs) {
    this.settings = settings;
    this.vertx = vertx;
    this.loop = loop;
    this.quartz = quartz;
    this.triggers = triggers;
    this.jobs = jobs;
  }

  /**
   * Arms the triggers of {@code jobs} and starts Quartz, whose hand-offs post to {@code sink} on
   * {@code loop} while {@code fence} holds. A standalone engine resumes each job from its last
   * recorded fire (in {@code runs}), to apply its misfire policy to what it missed; a cluster's
   * stored triggers remember that themselves.
   */
  public static Scheduling start(Settings s, Vertx vertx, Context loop, DataSource db, Fence fence, FireSink sink,
      Supplier<List<JobDefinition>> jobs, RunQueries runs, PausedJobs paused)
      throws SchedulerException, java.sql.SQLException {
    String dataSource = "cronloop-" + s.node() + "-" + System.identityHashCode(sink);
    if (s.clustered()) { // before the store is made, which looks both up
      PooledConnections.register(dataSource, db);
      ClusterJobStore.register(dataSource, fence, s.clock()); // its check-ins keep the fence open
    }
    Scheduler quartz = new StdSchedulerFactory(quartzProperties(s, dataSource)).getScheduler();
    try {
      return start(s, vertx, loop, db, fence, sink, jobs, runs, paused, quartz);
    } catch (SchedulerException | java.sql.SQLException | RuntimeException e) {
      quartz.shutdown(true); // its worker threads already run
      throw e;
    }
  }

  private static Scheduling start(Settings s, Vertx vertx, Context loop, DataSource db, Fence fence,
      FireSink sink, Supplier<List<JobDefinition>> jobs, RunQueries runs,
      PausedJobs paused, Scheduler quartz) throws SchedulerException, java.sql.SQLException {
    TriggerLayer triggers =
        s.clustered()
            ? new TriggerLayer(quartz, TriggerLayer.CLUSTER_SHARDS, TriggerLayer.DEFAULT_MISFIRE_THRESHOLD,
                ShardLock.postgres(db), true, s.clock())
            : new TriggerLayer(quartz, TriggerLayer.DEFAULT_SHARDS, TriggerLayer.DEFAULT_MISFIRE_THRESHOLD,
                ShardLock.LOCAL, false, s.clock());
    quartz.setJobFactory(triggers.jobFactory(loop, fence, sink));
    triggers.sync(jobs.get(), s.clock(), s.clustered() ? Map.of() : runs.lastScheduled());
    Scheduling scheduling = new Scheduling(s, vertx, loop, quartz, triggers, jobs);
    if (s.clustered()) {
      scheduling.reportOtherVersions(db);
      scheduling.repairTimer =
          vertx.setPeriodic(TriggerLayer.REPAIR_INTERVAL.toMillis(), id -> scheduling.repairTriggers());
      // Four times per check-in period, so that a pause made on another node holds here within
      // one even on a busy machine; the read is one small query.
      scheduling.pauseTimer = vertx.setPeriodic(Math.max(100, s.clusterCheckin().toMillis() / 4),
          id -> loop.executeBlocking(paused::follow, false));
    }
    quartz.start();
    return scheduling;
  }

  /** The Quartz scheduler, for tests. */
  public Scheduler quartz() {
    return quartz;
  }

  /** The next scheduled fire of a job, or empty when it is not scheduled. */
  public Optional<Instant> nextFire(String jobId) {
    return triggers.nextFire(jobId);
  }

  /** On the catalog thread: a changed jobs folder. Unchanged jobs keep their next fire times. */
  public void sync(List<JobDefinition> next) {
    triggers.sync(next, settings.clock());
  }

  /** True while Quartz is started and not in standby. */
  public boolean running() {
    try {
      return quartz.isStarted() && !quartz.isInStandbyMode() && !quartz.isShutdown();
    } catch (SchedulerException e) {
      return false;
    }
  }

  /**
   * Stops firing. One node pauses Quartz. A cluster node shuts Quartz down at once, waiting for its
   * hand-offs to post: its store then gives back the triggers this node had acquired, so the
   * other nodes fire them on time instead of after a failover (see {@code ClusterJobStore}).
   */
  public void standby() throws SchedulerException {
    vertx.cancelTimer(repairTimer);
    vertx.cancelTimer(pauseTimer);
    if (settings.clustered()) {
      quartz.shutdown(true);
    } else {
      quartz.standby();
    }
  }

  /** Shuts Quartz down, if {@link #standby} has not. */
  public void shutdown() throws SchedulerException {
    if (!quartz.isShutdown()) {
      // Waiting joins Quartz's worker threads; the jobs are hand-offs that return at once, and a
      // guest on the host's Vert.x must leave no thread of its own behind.
      quartz.shutdown(true);
    }
  }

  /**
   * Re-syncs the shard triggers on a worker thread: a no-op while all is well, it re-arms a shard
   * whose hand-off failed (see {@link TriggerLayer#sync}). A failure is logged and retried on the
   * next round.
   */
  private void repairTriggers() {
    loop.executeBlocking(() -> {
          triggers.sync(jobs.get(), settings.clock());
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
  private void reportOtherVersions(DataSource db) {
    Map<String, String> hashes = new TreeMap<>();
    jobs.get().forEach(job -> hashes.put(job.id(), job.contentHash()));
    try {
      for (JobVersions.Conflict c : new JobVersions(db).record(settings.node(), hashes, settings.clock().instant())) {
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
   * pool ({@code dataSource}), with this node's name as the instance id (so a restarted node
   * recovers its own previous process at once) and the configured check-in interval.
   */
  private static Properties quartzProperties(Settings s, String dataSource) {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "cronloop");
    p.setProperty("org.quartz.scheduler.threadName", "cronloop-quartz-scheduler");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(s.threads()));
    p.setProperty("org.quartz.threadPool.threadNamePrefix", "cronloop-quartz");
    // Quartz's own misfire path is slow in a cluster: a trigger more than this overdue is left out
    // of the nodes' normal acquisition and waits for the misfire handler (seconds). A shard trigger
    // released by a node that stops (it fires HANDOFF_LEAD before its instant) can be overdue by
    // that lead plus a poll (idleWaitTime, 1 s) before another node acquires it: at 1 s it missed
    // the normal path and ran 1.5 s late. Lateness beyond this is the TriggerLayer's business
    // (its misfire threshold and policies), not Quartz's.
    p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
    if (!s.clustered()) {
      p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
      return p;
    }
    p.setProperty("org.quartz.scheduler.instanceId", s.node());
    // Other nodes re-arm shard triggers without waking this node's scheduler thread: poll often.
    p.setProperty("org.quartz.scheduler.idleWaitTime", "1000");
    p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(s.threads()));
    p.setProperty("org.quartz.jobStore.class", ClusterJobStore.class.getName());
    p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    p.setProperty("org.quartz.jobStore.dataSource", dataSource);
    p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
    p.setProperty("org.quartz.jobStore.useProperties", "true");
    p.setProperty("org.quartz.jobStore.isClustered", "true");
    p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(s.clusterCheckin().toMillis()));
    p.setProperty("org.quartz.jobStore.failoverGrace",
        Long.toString(ClusterJobStore.graceFor(s.clusterCheckin()).toMillis()));
    return p;
  }
}
