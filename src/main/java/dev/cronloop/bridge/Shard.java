package dev.cronloop.bridge;

import dev.cronloop.definition.JobDefinition;
import dev.cronloop.schedule.FireTimes;
import dev.cronloop.schedule.Spread;
import dev.cronloop.schedule.Timetable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

/** The jobs of one shard and when each fires next. Guarded by its own monitor. */
final class Shard {
  final int index;
  final boolean recoverable;
  final JobKey jobKey;
  final TriggerKey triggerKey;
  Timetable<String> timetable = new Timetable<>(Instant.EPOCH);
  final Map<String, JobDefinition> jobs = new HashMap<>();

  Shard(int index, boolean recoverable) {
    this.index = index;
    this.recoverable = recoverable;
    this.jobKey = JobKey.jobKey("shard-" + index, TriggerLayer.GROUP);
    this.triggerKey = TriggerKey.triggerKey("shard-" + index, TriggerLayer.GROUP);
  }

  JobDetail detail() {
    return JobBuilder.newJob(FireHandoff.class)
        .withIdentity(jobKey)
        .usingJobData(FireHandoff.SHARD, Integer.toString(index))
        .requestRecovery(recoverable)
        .storeDurably()
        .build();
  }

  /**
   * Replaces the jobs and rebuilds the cache from {@code basis}: every fire at or before it has
   * been handed off. Schedules are pure, so the same jobs and basis give the same timetable on
   * every node.
   */
  void rebuild(Map<String, JobDefinition> wanted, Instant basis, Map<String, Instant> lastFires) {
    jobs.clear();
    jobs.putAll(wanted);
    timetable = new Timetable<>(basis);
    for (JobDefinition job : wanted.values()) {
      Duration offset = Spread.offset(job.id(), job.spread());
      Instant last = lastFires.get(job.id());
      if (last != null && last.isBefore(basis)) {
        timetable.putAfter(job.id(), job.schedule(), offset, FireTimes.resumeAfter(last, offset));
      } else {
        timetable.put(job.id(), job.schedule(), offset);
      }
    }
  }

  /** The stored trigger of this shard, if any. */
  Optional<org.quartz.Trigger> stored(Scheduler quartz) {
    try {
      return Optional.ofNullable(quartz.getTrigger(triggerKey));
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot read the trigger of shard " + index, e);
    }
  }

  /** Arms this shard's trigger for {@code next}, or removes it when empty. */
  void write(Scheduler quartz, Optional<Instant> next) {
    try {
      if (next.isEmpty()) {
        quartz.unscheduleJob(triggerKey);
        return;
      }
      org.quartz.Trigger trigger =
          TriggerBuilder.newTrigger()
              .withIdentity(triggerKey)
              .forJob(jobKey)
              .usingJobData(TriggerLayer.AT, next.get().toString())
              .startAt(Date.from(next.get().minus(TriggerLayer.HANDOFF_LEAD)))
              .withSchedule(TriggerLayer.NEVER_COMPLETE)
              .build();
      if (quartz.rescheduleJob(triggerKey, trigger) == null) {
        if (!quartz.checkExists(jobKey)) {
          quartz.addJob(detail(), true);
        }
        quartz.scheduleJob(trigger);
      }
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot arm the trigger of shard " + index, e);
    }
  }
}
