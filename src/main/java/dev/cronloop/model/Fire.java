package dev.cronloop.model;

import dev.cronloop.definition.JobDefinition;
import java.time.Instant;

/**
 * One fire of one job: plain immutable data built on the Quartz thread (or by a manual trigger)
 * and handed to the engine context.
 *
 * @param scheduledAt the fire time the schedule computed, or null for a manual fire
 * @param firedAt when the fire was handed to the engine; for a scheduled fire handed over ahead of
 *     its instant, {@code fetch.StartGate} sets it again when the instant comes and the run starts
 * @param skipped true for a fire that is recorded SKIPPED, not run: a missed fire of a {@code
 *     misfire: skip} job, or a fire of a paused job
 * @param reason why a skipped fire is skipped, as {@code runs.reason} records it; null to let the
 *     launcher say
 */
public record Fire(
    JobDefinition job, Trigger trigger, Instant scheduledAt, Instant firedAt, boolean skipped,
    String reason) {

  public Fire(JobDefinition job, Trigger trigger, Instant scheduledAt, Instant firedAt, boolean skipped) {
    this(job, trigger, scheduledAt, firedAt, skipped, null);
  }

  public static Fire manual(JobDefinition job, Instant now) {
    return new Fire(job, Trigger.MANUAL, null, now, false);
  }

  public static Fire scheduled(JobDefinition job, Instant scheduledAt, Instant now) {
    return new Fire(job, Trigger.SCHEDULE, scheduledAt, now, false);
  }

  /** This fire, fired at {@code at}. */
  public Fire firedAt(Instant at) {
    return new Fire(job, trigger, scheduledAt, at, skipped, reason);
  }

  /** This fire, recorded SKIPPED for {@code why} instead of run. */
  public Fire skipped(String why) {
    return new Fire(job, trigger, scheduledAt, firedAt, true, why);
  }
}
