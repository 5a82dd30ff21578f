package dev.cronloop.bridge;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.definition.Misfire;
import dev.cronloop.fetch.Fire;
import dev.cronloop.record.Trigger;
import dev.cronloop.schedule.Spread;
import dev.cronloop.schedule.Timetable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

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
 * <p>Missed fires: a fire found more than {@code misfireThreshold} late (the engine was down or
 * stalled) follows the job's misfire policy: one MISFIRE run for all its missed fires
 * ({@code fire-once}) or a SKIPPED run per missed fire ({@code skip}).
 *
 * <p>Runs on: the catalog thread ({@link #sync}) and Quartz workers ({@link #takeDue}); each shard
 * is guarded by its own lock, held only for in-memory work and one Quartz trigger update.
 */
public final class TriggerLayer {
  public static final int DEFAULT_SHARDS = 16;
  public static final Duration DEFAULT_MISFIRE_THRESHOLD = Duration.ofSeconds(60);
  static final String GROUP = "cronloop";

  private final Scheduler quartz;
  private final Duration misfireThreshold;
  private final Shard[] shards;

  public TriggerLayer(Scheduler quartz, int shardCount, Duration misfireThreshold) {
    this.quartz = quartz;
    this.misfireThreshold = misfireThreshold;
    this.shards = new Shard[shardCount];
    for (int i = 0; i < shardCount; i++) {
      shards[i] = new Shard(i);
    }
  }

  /** The Quartz job factory that builds {@link FireHandoff}s posting to {@code sink}. */
  public org.quartz.spi.JobFactory jobFactory(FireSink sink) {
    return (bundle, scheduler) -> new FireHandoff(this, sink);
  }

  /**
   * Makes the triggers match {@code jobs}: new jobs are armed, removed ones dropped, and jobs whose
   * schedule is unchanged keep their next fire time even when other parts of them changed.
   */
  public void sync(List<JobDefinition> jobs, Instant now) {
    Map<Integer, Map<String, JobDefinition>> byShard = new HashMap<>();
    for (JobDefinition job : jobs) {
      if (job.enabled()) {
        byShard.computeIfAbsent(shardOf(job.id()), k -> new LinkedHashMap<>()).put(job.id(), job);
      }
    }
    for (Shard shard : shards) {
      synchronized (shard) {
        shard.replace(byShard.getOrDefault(shard.index, Map.of()), now);
        arm(shard);
      }
    }
  }

  /** The next fire instant of {@code jobId}, or empty when it is not scheduled. */
  public Optional<Instant> nextFire(String jobId) {
    Shard shard = shards[shardOf(jobId)];
    synchronized (shard) {
      return shard.timetable.next(jobId);
    }
  }

  /**
   * The fires of one shard due at {@code scheduled}, plus any later ones already past, and re-arms
   * the shard's trigger for its next instant. Called by {@link FireHandoff} on a Quartz thread.
   */
  List<Fire> takeDue(int index, Instant scheduled, Instant now) {
    Shard shard = shards[index];
    synchronized (shard) {
      List<Fire> fires = new ArrayList<>();
      Map<String, Instant> missedOnce = new LinkedHashMap<>();
      Optional<Instant> due = Optional.of(scheduled);
      while (due.isPresent() && !due.get().isAfter(now)) {
        Instant at = due.get();
        boolean late = Duration.between(at, now).compareTo(misfireThreshold) > 0;
        for (String id : shard.timetable.takeDue(at)) {
          JobDefinition job = shard.jobs.get(id);
          if (!late) {
            fires.add(Fire.scheduled(job, at, now));
          } else if (job.misfire() == Misfire.SKIP) {
            fires.add(new Fire(job, Trigger.MISFIRE, at, now, true));
          } else {
            missedOnce.putIfAbsent(id, at);
          }
        }
        due = shard.timetable.nextInstant();
      }
      missedOnce.forEach(
          (id, at) -> fires.add(new Fire(shard.jobs.get(id), Trigger.MISFIRE, at, now, false)));
      arm(shard);
      return fires;
    }
  }

  int shardOf(String jobId) {
    return (int) Long.remainderUnsigned(Spread.hash(jobId), shards.length);
  }

  private void arm(Shard shard) {
    Optional<Instant> next = shard.timetable.nextInstant();
    if (Objects.equals(next.orElse(null), shard.armedFor)) {
      return;
    }
    try {
      TriggerKey key = TriggerKey.triggerKey("shard-" + shard.index, GROUP);
      if (next.isEmpty()) {
        quartz.unscheduleJob(key);
      } else {
        org.quartz.Trigger trigger =
            TriggerBuilder.newTrigger()
                .withIdentity(key)
                .forJob(shard.jobKey)
                .startAt(Date.from(next.get()))
                .withSchedule(
                    SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        if (quartz.checkExists(key)) {
          quartz.rescheduleJob(key, trigger);
        } else {
          if (!quartz.checkExists(shard.jobKey)) {
            quartz.addJob(shard.detail(), true);
          }
          quartz.scheduleJob(trigger);
        }
      }
      shard.armedFor = next.orElse(null);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot arm the trigger of shard " + shard.index, e);
    }
  }

  /** The jobs of one shard and when each fires next. Guarded by its own monitor. */
  private static final class Shard {
    final int index;
    final JobKey jobKey;
    final Timetable<String> timetable = new Timetable<>(Instant.EPOCH);
    final Map<String, JobDefinition> jobs = new HashMap<>();
    Instant armedFor;

    Shard(int index) {
      this.index = index;
      this.jobKey = JobKey.jobKey("shard-" + index, GROUP);
    }

    JobDetail detail() {
      return JobBuilder.newJob(FireHandoff.class)
          .withIdentity(jobKey)
          .usingJobData(FireHandoff.SHARD, index)
          .storeDurably()
          .build();
    }

    void replace(Map<String, JobDefinition> wanted, Instant now) {
      timetable.advanceTo(now);
      for (String id : List.copyOf(jobs.keySet())) {
        if (!wanted.containsKey(id)) {
          jobs.remove(id);
          timetable.remove(id);
        }
      }
      for (JobDefinition job : wanted.values()) {
        JobDefinition old = jobs.put(job.id(), job);
        if (old == null || !sameTiming(old, job)) {
          timetable.put(job.id(), job.schedule(), Spread.offset(job.id(), job.spread()));
        }
      }
    }

    private static boolean sameTiming(JobDefinition a, JobDefinition b) {
      return a.schedule().expression().equals(b.schedule().expression())
          && a.schedule().zone().equals(b.schedule().zone())
          && a.spread().equals(b.spread());
    }
  }
}
