package dev.cronloop.server;

import dev.cronloop.definition.FailWhen;
import dev.cronloop.model.RunHealth;
import dev.cronloop.model.RunResult;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * One job's health meters in {@code /metrics} (issue 16): {@code
 * cronloop_job_last_run_timestamp_seconds}, {@code cronloop_job_last_success_timestamp_seconds},
 * {@code cronloop_job_consecutive_failures} and {@code cronloop_job_fire_lateness_seconds}, each
 * with the one label {@code job}. {@link RunHealth} says which runs count and which failed.
 *
 * <p>The timestamps are when the run's last row was committed, in seconds since the epoch; 0 until
 * this process has seen such a run (a restart starts them afresh: the database keeps the history).
 * The lateness is a summary without buckets (count, sum, max), so each job adds a fixed handful of
 * series; {@link Metrics} removes them when the job leaves the folder.
 *
 * <p>Runs on: {@link #ended} on the job's lane (every run of a job ends on its one lane, so the
 * count of failures in a row has one writer), {@link #late} on the engine context (a thread-safe
 * timer); the gauges are read on the scraping thread, hence the volatile fields.
 */
final class JobHealthMeters {
  private final MeterRegistry registry;
  private final Meter[] meters = new Meter[4];
  private final Timer lateness;
  private volatile double lastRun;
  private volatile double lastSuccess;
  private volatile int consecutiveFailures;

  /** The job's health meters, tagged with {@code job} (one {@code Tags} its meters share). */
  JobHealthMeters(MeterRegistry registry, Tags job) {
    this.registry = registry;
    meters[0] = Gauge.builder("cronloop.job.last.run.timestamp", this, h -> h.lastRun)
        .description("When the job's last run ended (SKIPPED fires are no runs), or 0")
        .baseUnit("seconds").tags(job).register(registry);
    meters[1] = Gauge.builder("cronloop.job.last.success.timestamp", this, h -> h.lastSuccess)
        .description("When the job's last run without a failed request ended, or 0")
        .baseUnit("seconds").tags(job).register(registry);
    meters[2] = Gauge.builder("cronloop.job.consecutive.failures", this, h -> h.consecutiveFailures)
        .description("Runs in a row in which a request of the job failed its checks")
        .tags(job).register(registry);
    lateness = Timer.builder("cronloop.job.fire.lateness")
        .description("From each scheduled fire of the job to its run's start on the engine context")
        .tags(job).register(registry);
    meters[3] = lateness;
  }

  /** A run of the job ended; {@code when} is the job's rule for a failed run. */
  void ended(RunResult run, FailWhen when) {
    if (!RunHealth.ran(run)) {
      return;
    }
    double at = run.committedAt().toEpochMilli() / 1000.0;
    lastRun = at;
    if (!RunHealth.judged(run)) {
      return;
    }
    if (RunHealth.failed(run, when::failed)) {
      consecutiveFailures++;
    } else {
      consecutiveFailures = 0;
      lastSuccess = at;
    }
  }

  /** A scheduled fire of the job started this late. */
  void late(Duration late) {
    lateness.record(late.isNegative() ? Duration.ZERO : late);
  }

  /** Takes the job's meters out of the registry. */
  void remove() {
    for (Meter m : meters) {
      registry.remove(m);
    }
  }
}
