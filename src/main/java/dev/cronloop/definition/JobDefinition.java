package dev.cronloop.definition;

import dev.cronloop.schedule.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One job as loaded from a job file: immutable, validated, defaults applied, {@code ${VAR}}
 * substituted. Safe to share between threads.
 *
 * @param id the job id ({@code name}, or the file name without extension)
 * @param file the file it was loaded from
 * @param schedule when it fires
 * @param enabled false to keep it loaded but never fire it on schedule
 * @param concurrency requests of this job in flight at once
 * @param overlap what a fire does while the previous run is still going
 * @param misfire what happens to fires missed while down
 * @param spread window of the deterministic per-job offset (zero for none)
 * @param jitter upper bound of the random delay added to each fire (zero for none)
 * @param retries retry policy for each request
 * @param requests every request of the job, {@code urlsFrom} included
 * @param contentHash hash of the job's source text, to tell changed definitions apart
 * @param retention how long this job's runs are kept, or null for the engine's retention
 * @param notices whom to tell of failures and recoveries, or null for no one
 * @param failWhen when a run counts as failed for health and notices
 */
public record JobDefinition(
    String id,
    Path file,
    Schedule schedule,
    boolean enabled,
    int concurrency,
    Overlap overlap,
    Misfire misfire,
    Duration spread,
    Duration jitter,
    Retries retries,
    List<RequestSpec> requests,
    String contentHash,
    Duration retention,
    Notify notices,
    FailWhen failWhen) {

  public JobDefinition {
    requests = List.copyOf(requests);
    if (failWhen == null) {
      failWhen = FailWhen.ANY;
    }
  }

  /** A job that notifies no one. */
  public JobDefinition(String id, Path file, Schedule schedule, boolean enabled, int concurrency, Overlap overlap,
      Misfire misfire, Duration spread, Duration jitter, Retries retries, List<RequestSpec> requests,
      String contentHash, Duration retention) {
    this(id, file, schedule, enabled, concurrency, overlap, misfire, spread, jitter, retries, requests, contentHash,
        retention, null, FailWhen.ANY);
  }
}
