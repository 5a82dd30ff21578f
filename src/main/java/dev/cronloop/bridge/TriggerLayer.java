package dev.cronloop.bridge;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.Misfire;
import dev.cronloop.model.Fire;
import dev.cronloop.model.Trigger;
import dev.cronloop.schedule.FireTimes;
import dev.cronloop.schedule.Spread;
import dev.cronloop.schedule.Timetable;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Definitions → Quartz triggers, grouped: jobs are split into shards by a stable hash of their id,
 * and each shard has one Quartz trigger set to the next instant any of its jobs is due. When it
 * fires, every job of the shard due at that instant is handed to the engine in one post.
 *
 * <p>Why: one CronTrigger per job makes Quartz acquire, fire and complete 1,000 triggers when
 * 1,000 jobs share a second, which starts them 120–170 ms late; one trigger per instant per shard
 * starts them within a few milliseconds. Shards, not one global trigger, let a cluster's nodes
 * share the fires of one instant and take over each other's shards. Fire times come from our own
 * schedule engine ({@link Timetable}), so Quartz fires exactly what {@code cronloop next} prints.
 *
 * <p>The stored trigger is the truth. Each shard trigger carries the instant it stands for
 * ({@code at} in its JobDataMap) and the invariant is: <em>every fire of the shard before
 * {@code at} has been handed off</em>. The local {@link Timetable} is only a cache of the next fires
 * after that instant. This is what makes a cluster work, where each node fires the shards whose
 * trigger it happened to acquire:
 *
 * <ul>
 *   <li><b>Fire.</b> Holding the shard's {@link ShardLock}, the node checks that the stored trigger
 *       still stands for the instant that fired (a re-armed or removed one means the instant was
 *       handled or superseded), moves its cache past {@code at} ({@link
 *       Timetable#skipBefore}), takes the jobs due, re-arms the trigger for the next instant and
 *       only then posts the fires. Quartz lets one node fire a trigger; the lock and the check
 *       keep a recovery fire or a concurrent sync from handling the same instant twice.
 *   <li><b>Sync</b> (start, reload). Holding the lock, the node rebuilds its cache from the stored
 *       {@code at} (or from now when that is later) and rewrites the trigger only when the next
 *       instant it computes differs from the stored one. Nodes with the same definitions compute
 *       the same instant, so starting or reloading a node leaves the triggers as they are: no
 *       double fire, no skipped fire. A node whose definitions differ rewrites the trigger: the last
 *       sync decides when the shard fires next. A cluster node also syncs every {@link
 *       #REPAIR_INTERVAL}, which re-arms a trigger whose hand-off failed and a shard whose trigger
 *       is gone.
 * </ul>
 *
 * <p>Missed fires: a fire that fell while the engine was down, or that is found more than {@code
 * misfireThreshold} late (the engine stalled, or a dead node held the trigger for long), follows
 * the job's misfire policy: one MISFIRE run for all of them ({@code fire-once}), or a SKIPPED run
 * per missed fire ({@code skip}). A fire late by less than the threshold (a short stall, a
 * failover) still runs. A standalone engine coming back arms each job from its last recorded
 * fire, so the fires missed while it was down are seen.
 *
 * <p>Runs on: the catalog thread ({@link #sync}) and Quartz workers ({@link #takeDue}); each shard
 * is guarded by its own monitor and, in a cluster, its {@link ShardLock}, held only for in-memory
 * work and the reads and writes of one Quartz trigger.
 */
public final class TriggerLayer {
  private static final Logger log = LoggerFactory.getLogger(TriggerLayer.class);

  public static final int DEFAULT_SHARDS = 16;
  /**
   * Shards of a cluster. More shards than one node needs, so that the fires of one instant spread
   * over the nodes; every node of a cluster must use the same count.
   */
  public static final int CLUSTER_SHARDS = 64;
  public static final Duration DEFAULT_MISFIRE_THRESHOLD = Duration.ofSeconds(60);
  static final String GROUP = "cronloop";
  /** How far node clocks may disagree without a sync re-arming fires another node handed off. */
  public static final Duration CLOCK_MARGIN = Duration.ofSeconds(1);
  /** How often a cluster node re-runs {@link #sync} to repair shard triggers. */
  public static final Duration REPAIR_INTERVAL = Duration.ofSeconds(15);
  private static final Duration STALLED_AFTER = Duration.ofSeconds(10);
  /** JobDataMap key of a shard trigger: the instant it stands for, as {@link Instant#toString()}. */
  static final String AT = "at";
  /**
   * How long before its instant a shard trigger fires. Quartz's wake-up and the hand-off (shard
   * lock, trigger re-arm, post) take from under a millisecond to tens of milliseconds on a busy
   * machine; done ahead, they cost the fire nothing. The engine holds the handed-over fires until
   * their instant and starts them then ({@code fetch.StartGate}).
   */
  public static final Duration HANDOFF_LEAD = Duration.ofMillis(250);
  /** At most this many SKIPPED runs are recorded for one job's missed fires at once. */
  static final int MAX_SKIPPED_ROWS = 1_000;

  /**
   * A shard trigger repeats once a year, which it never gets to: the hand-off re-arms it first.
   * A one-shot trigger would be COMPLETE after firing, and Quartz deletes a COMPLETE trigger when
   * its fire ends; by then another node may already have fired the re-armed one, which would
   * delete the shard's trigger for good. A repeating trigger is never COMPLETE.
   */
  static final SimpleScheduleBuilder NEVER_COMPLETE =
      SimpleScheduleBuilder.simpleSchedule()
          .withIntervalInHours(24 * 365)
          .repeatForever()
          .withMisfireHandlingInstructionFireNow();

  private final Scheduler quartz;
  private final Duration misfireThreshold;
  private final Shard[] shards;
  /** Fires due before this instant fell while the engine was down: they count as missed. */
  private volatile Instant resumedAt = Instant.MIN;
  private final ShardLock locks;
  private final InstantSource clock;

  /** A trigger layer for one node on Quartz's RAM store. */
  public TriggerLayer(Scheduler quartz, int shardCount, Duration misfireThreshold) {
    this(quartz, shardCount, misfireThreshold, ShardLock.LOCAL, false);
  }

  /**
   * A trigger layer; {@code clustered} when {@code quartz} is a clustered JDBC store shared with
   * other nodes, which {@code locks} must then serialise.
   */
  public TriggerLayer(
      Scheduler quartz, int shardCount, Duration misfireThreshold, ShardLock locks, boolean clustered) {
    this(quartz, shardCount, misfireThreshold, locks, clustered, InstantSource.system());
  }

  /** A trigger layer reading the time from {@code clock} (the engine's clock). */
  public TriggerLayer(Scheduler quartz, int shardCount, Duration misfireThreshold, ShardLock locks,
      boolean clustered, InstantSource clock) {
    this.clock = clock;
    this.quartz = quartz;
    this.misfireThreshold = misfireThreshold;
    this.locks = locks;
    this.shards = new Shard[shardCount];
    for (int i = 0; i < shardCount; i++) {
      shards[i] = new Shard(i, clustered);
    }
  }

  /** The clock this layer reads: what {@link FireHandoff} stamps a hand-off with. */
  public InstantSource clock() {
    return clock;
  }

  /**
   * The Quartz job factory that builds {@link FireHandoff}s posting to {@code sink} on {@code loop}
   * while {@code fence} holds.
   */
  public org.quartz.spi.JobFactory jobFactory(io.vertx.core.Context loop, dev.cronloop.record.Fence fence,
      FireSink sink) {
    return (bundle, scheduler) -> new FireHandoff(this, loop, fence, sink);
  }

  /**
   * Makes the triggers match {@code jobs}: new jobs are armed, removed ones dropped, and jobs whose
   * schedule is unchanged keep their next fire time even when other parts of them changed. A
   * shard whose next instant is unchanged keeps its stored trigger untouched.
   */
  public void sync(List<JobDefinition> jobs, Instant now) {
    sync(jobs, InstantSource.fixed(now));
  }

  /**
   * {@link #sync(List, Instant)} reading {@code clock} for each shard while holding its lock: a
   * sync of 64 shards takes long enough for other nodes to fire some of them meanwhile.
   */
  public void sync(List<JobDefinition> jobs, InstantSource clock) {
    sync(jobs, clock, Map.of());
  }

  /**
   * {@link #sync(List, InstantSource)} for an engine coming back: a job whose last recorded fire
   * is in {@code lastFires} is armed from that fire, so the fires missed while the engine was down
   * are due at once and meet the job's misfire policy. A standalone engine passes what {@code
   * runs} holds; a cluster's stored triggers already remember where each shard stands.
   */
  public void sync(List<JobDefinition> jobs, InstantSource clock, Map<String, Instant> lastFires) {
    if (!lastFires.isEmpty()) {
      resumedAt = clock.instant();
    }
    Map<Integer, Map<String, JobDefinition>> byShard = new HashMap<>();
    for (JobDefinition job : jobs) {
      if (job.enabled()) {
        byShard.computeIfAbsent(shardOf(job.id()), k -> new LinkedHashMap<>()).put(job.id(), job);
      }
    }
    int rewritten = 0;
    for (Shard shard : shards) {
      if (syncShard(shard, byShard.getOrDefault(shard.index, Map.of()), clock, lastFires)) {
        rewritten++;
      }
    }
    log.debug("sync: {} of {} shard triggers rewritten", rewritten, shards.length);
  }

  /**
   * Rebuilds one shard's cache and rewrites its trigger when the next instant differs. The cache
   * is armed after the basis: the instant before the stored one, as every fire before that has
   * been handed off, or sooner when a job has been added, but never before {@link #CLOCK_MARGIN}
   * after now. A node whose clock is ahead may already have handed off the fires up to its now.
   * A job added by this sync therefore fires no sooner than that margin after it.
   */
  private boolean syncShard(
      Shard shard, Map<String, JobDefinition> wanted, InstantSource clock, Map<String, Instant> lastFires) {
    synchronized (shard) {
      ShardLock.Held held = locks.hold(shard.index);
      try {
        Instant now = clock.instant();
        Optional<org.quartz.Trigger> trigger = shard.stored(quartz);
        Optional<Instant> stored = trigger.map(TriggerLayer::instantOf);
        Instant basis = stored.map(at -> earlier(now.plus(CLOCK_MARGIN), at.minusNanos(1))).orElse(now);
        shard.rebuild(wanted, basis, lastFires);
        Optional<Instant> next = shard.timetable.nextInstant();
        boolean stalled = trigger.filter(t -> stalled(t, now)).isPresent();
        if (next.equals(stored) && !stalled) {
          return false;
        }
        log.debug("shard {} sync: stored {}, computed {}, stalled {}", shard.index, stored.orElse(null),
            next.orElse(null), stalled);
        if (stalled) {
          log.warn("shard {} fired for {} but was never re-armed (a hand-off failed); re-arming it",
              shard.index, stored.orElseThrow());
        }
        shard.write(quartz, next);
        return true;
      } finally {
        held.close();
      }
    }
  }

  /** The next fire instant of {@code jobId}, or empty when it is not scheduled. */
  public Optional<Instant> nextFire(String jobId) {
    Shard shard = shards[shardOf(jobId)];
    synchronized (shard) {
      Optional<Instant> cached = shard.timetable.next(jobId);
      Instant now = clock.instant();
      JobDefinition job = shard.jobs.get(jobId);
      if (cached.isEmpty() || !cached.get().isBefore(now) || job == null) {
        return cached;
      }
      // Another node fired this shard since: the cache is behind, the schedule is not.
      Duration offset = Spread.offset(job.id(), job.spread());
      return FireTimes.next(job.schedule(), offset, now);
    }
  }

  /**
   * The fires of one shard due at {@code scheduled}, plus any later ones already past, and re-arms
   * the shard's trigger for its next instant. Called by {@link FireHandoff} on a Quartz thread,
   * usually {@link #HANDOFF_LEAD} before {@code scheduled}; {@code recovering} when Quartz re-runs
   * the fire of a node that died during it.
   */
  List<Fire> takeDue(int index, Instant scheduled, Instant now, boolean recovering) {
    Shard shard = shards[index];
    synchronized (shard) {
      ShardLock.Held held = locks.hold(index);
      try {
        Optional<Instant> pending = pending(shard, scheduled, recovering);
        if (pending.isEmpty()) {
          log.debug("shard {} fire at {} was handled already", index, scheduled);
          return List.of();
        }
        int skipped = shard.timetable.skipBefore(pending.get());
        List<Fire> fires = due(shard, pending.get(), later(now, pending.get()), now);
        Optional<Instant> next = shard.timetable.nextInstant();
        shard.write(quartz, next);
        log.debug("shard {} at {}: {} fires, {} handled elsewhere, re-armed for {}",
            index, pending.get(), fires.size(), skipped, next.orElse(null));
        return fires;
      } finally {
        held.close();
      }
    }
  }

  /** {@link #takeDue(int, Instant, Instant, boolean)} for a fire that is not a recovery. */
  List<Fire> takeDue(int index, Instant scheduled, Instant now) {
    return takeDue(index, scheduled, now, false);
  }

  /**
   * Every fire of the shard due from {@code first} up to {@code upTo} (now, or the instant a fire
   * handed over ahead stands for), each job's due times gathered and judged by {@link #firesOf}.
   */
  private List<Fire> due(Shard shard, Instant first, Instant upTo, Instant now) {
    Map<String, List<Instant>> due = new LinkedHashMap<>();
    Optional<Instant> at = Optional.of(first);
    while (at.isPresent() && !at.get().isAfter(upTo)) {
      Instant t = at.get();
      for (String id : shard.timetable.takeDue(t)) {
        due.computeIfAbsent(id, k -> new ArrayList<>()).add(t);
      }
      at = shard.timetable.nextInstant();
    }
    List<Fire> fires = new ArrayList<>();
    due.forEach((id, times) -> fires.addAll(firesOf(shard.jobs.get(id), times, now)));
    return fires;
  }

  /**
   * The fires of one job whose due times (oldest first) have all come. A due time was missed when
   * it fell while the engine was down (before {@link #resumedAt}) or is more than the misfire
   * threshold old; the job's misfire policy says what becomes of the missed ones (one MISFIRE run
   * for all, or a SKIPPED run each). Every other due time runs as a scheduled fire, late but
   * within bounds, as after a short stall or a node's failover.
   */
  private List<Fire> firesOf(JobDefinition job, List<Instant> times, Instant now) {
    List<Instant> missed = new ArrayList<>();
    List<Fire> fires = new ArrayList<>();
    for (Instant t : times) {
      if (t.isBefore(resumedAt) || Duration.between(t, now).compareTo(misfireThreshold) > 0) {
        missed.add(t);
      }
    }
    if (!missed.isEmpty() && job.misfire() == Misfire.FIRE_ONCE) {
      fires.add(new Fire(job, Trigger.MISFIRE, missed.get(0), now, false));
    } else if (!missed.isEmpty()) {
      if (missed.size() > MAX_SKIPPED_ROWS) {
        log.warn("job {} missed {} fires from {}; recording the last {} as SKIPPED", job.id(),
            missed.size(), missed.get(0), MAX_SKIPPED_ROWS);
      }
      for (Instant t : missed.subList(Math.max(0, missed.size() - MAX_SKIPPED_ROWS), missed.size())) {
        fires.add(new Fire(job, Trigger.MISFIRE, t, now, true));
      }
    }
    for (Instant t : times.subList(missed.size(), times.size())) {
      fires.add(Fire.scheduled(job, t, now));
    }
    return fires;
  }

  /**
   * The instant a fired shard trigger still stands for, or empty when it was handled already: the
   * stored trigger has been re-armed for a later instant (or removed, when the shard lost its
   * jobs). A recovery fire, which Quartz starts when a node died during a hand-off, carries a copy
   * of the data of the trigger it recovers, so the same comparison tells whether the dead node
   * re-armed it before dying.
   */
  private Optional<Instant> pending(Shard shard, Instant scheduled, boolean recovering) {
    Optional<Instant> stored = storedInstant(shard);
    if (stored.isEmpty()) {
      return recovering ? Optional.of(scheduled) : Optional.empty();
    }
    return stored.get().equals(scheduled) ? stored : Optional.empty();
  }

  private Optional<Instant> storedInstant(Shard shard) {
    return shard.stored(quartz).map(TriggerLayer::instantOf);
  }

  /**
   * True when a shard trigger fired but its hand-off never re-armed it (the database failed
   * during it, say): Quartz then moved it a year on, to the repeat it never gets to. A hand-off
   * takes milliseconds, so one still in progress after {@link #STALLED_AFTER} has failed. A sync
   * puts the trigger back at its instant, which fires at once; the instant check keeps even a
   * very slow hand-off from being doubled.
   */
  private static boolean stalled(org.quartz.Trigger trigger, Instant now) {
    Date next = trigger.getNextFireTime();
    Instant at = instantOf(trigger);
    return next != null
        && next.toInstant().isAfter(at.plus(Duration.ofDays(1)))
        && at.isBefore(now.minus(STALLED_AFTER));
  }

  /** The instant a shard trigger stands for: its {@link #AT} entry, else its start time. */
  static Instant instantOf(org.quartz.Trigger trigger) {
    Object at = trigger.getJobDataMap().get(AT);
    return at == null ? trigger.getStartTime().toInstant() : Instant.parse(at.toString());
  }

  int shardOf(String jobId) {
    return (int) Long.remainderUnsigned(Spread.hash(jobId), shards.length);
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
