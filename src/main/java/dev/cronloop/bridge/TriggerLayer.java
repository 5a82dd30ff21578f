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
 * <p>Missed fires: when a job has several due times at once, or its only one is more than {@code
 * misfireThreshold} old (the engine was down or stalled), the job's misfire policy applies: one
 * MISFIRE run for all of them ({@code fire-once}), or a SKIPPED run per missed time and a normal
 * run for the newest if it is still on time ({@code skip}). At start, each job is armed from its
 * last recorded fire, so the fires missed while the engine was down are seen the same way.
 *
 * <p>Runs on: the catalog thread ({@link #sync}) and Quartz workers ({@link #takeDue}); each shard
 * is guarded by its own lock, held only for in-memory work and one Quartz trigger update.
 */
public final class TriggerLayer {
  public static final int DEFAULT_SHARDS = 16;
  public static final Duration DEFAULT_MISFIRE_THRESHOLD = Duration.ofSeconds(60);
  static final String GROUP = "cronloop";
  /** At most this many SKIPPED runs are recorded for one job's missed fires at once. */
  static final int MAX_SKIPPED_ROWS = 1_000;
  private static final Logger log = LoggerFactory.getLogger(TriggerLayer.class);

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
    sync(jobs, now, Map.of());
  }

  /**
   * Like {@link #sync(List, Instant)}, but a job new to the layer whose last fire is in {@code
   * lastFires} is armed from that fire, so that fires missed since are due at once.
   */
  public void sync(List<JobDefinition> jobs, Instant now, Map<String, Instant> lastFires) {
    Map<Integer, Map<String, JobDefinition>> byShard = new HashMap<>();
    for (JobDefinition job : jobs) {
      if (job.enabled()) {
        byShard.computeIfAbsent(shardOf(job.id()), k -> new LinkedHashMap<>()).put(job.id(), job);
      }
    }
    for (Shard shard : shards) {
      synchronized (shard) {
        shard.replace(byShard.getOrDefault(shard.index, Map.of()), now, lastFires);
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
      Map<String, List<Instant>> due = new LinkedHashMap<>();
      // Start from the shard's own earliest time, not the trigger's: Quartz moves the fire time
      // of a trigger it found misfired to "now", and the times missed before it matter.
      Optional<Instant> at = shard.timetable.nextInstant().filter(t -> !t.isAfter(scheduled)).or(() -> Optional.of(scheduled));
      while (at.isPresent() && !at.get().isAfter(now)) {
        Instant t = at.get();
        for (String id : shard.timetable.takeDue(t)) {
          due.computeIfAbsent(id, k -> new ArrayList<>()).add(t);
        }
        at = shard.timetable.nextInstant();
      }
      List<Fire> fires = new ArrayList<>();
      due.forEach((id, times) -> fires.addAll(firesOf(shard.jobs.get(id), times, now)));
      arm(shard);
      return fires;
    }
  }

  /**
   * The fires of one job whose due times (oldest first) have all come. Only the newest may run as
   * a plain scheduled fire, and only when it is within the misfire threshold; every other due time
   * was missed, and the job's misfire policy says what becomes of it.
   */
  private List<Fire> firesOf(JobDefinition job, List<Instant> times, Instant now) {
    Instant newest = times.get(times.size() - 1);
    boolean newestOnTime = Duration.between(newest, now).compareTo(misfireThreshold) <= 0;
    if (times.size() == 1 && newestOnTime) {
      return List.of(Fire.scheduled(job, newest, now));
    }
    if (job.misfire() == Misfire.FIRE_ONCE) {
      return List.of(new Fire(job, Trigger.MISFIRE, times.get(0), now, false));
    }
    List<Fire> fires = new ArrayList<>();
    List<Instant> missed = newestOnTime ? times.subList(0, times.size() - 1) : times;
    if (missed.size() > MAX_SKIPPED_ROWS) {
      log.warn("job {} missed {} fires from {}; recording the last {} as SKIPPED", job.id(),
          missed.size(), missed.get(0), MAX_SKIPPED_ROWS);
      missed = missed.subList(missed.size() - MAX_SKIPPED_ROWS, missed.size());
    }
    for (Instant t : missed) {
      fires.add(new Fire(job, Trigger.MISFIRE, t, now, true));
    }
    if (newestOnTime) {
      fires.add(Fire.scheduled(job, newest, now));
    }
    return fires;
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

    void replace(Map<String, JobDefinition> wanted, Instant now, Map<String, Instant> lastFires) {
      timetable.advanceTo(now);
      for (String id : List.copyOf(jobs.keySet())) {
        if (!wanted.containsKey(id)) {
          jobs.remove(id);
          timetable.remove(id);
        }
      }
      for (JobDefinition job : wanted.values()) {
        JobDefinition old = jobs.put(job.id(), job);
        Duration offset = Spread.offset(job.id(), job.spread());
        Instant last = lastFires.get(job.id());
        if (old == null && last != null && last.isBefore(now)) {
          timetable.putAfter(job.id(), job.schedule(), offset, last);
        } else if (old == null || !sameTiming(old, job)) {
          timetable.put(job.id(), job.schedule(), offset);
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
