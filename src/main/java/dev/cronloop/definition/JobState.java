package dev.cronloop.definition;

import java.util.List;

/**
 * What the engine runs under one job id, and whether its file is currently fine. Immutable; read by
 * the HTTP API from a {@link Catalog}.
 *
 * @param id the job id
 * @param definition the definition that is scheduled: the file's current one when {@link
 *     Status#ACTIVE}, the last good one when {@link Status#INVALID}
 * @param status whether the file behind the job loads as it is now
 * @param problems why the job is {@link Status#INVALID} (its file's problems, or an id clash);
 *     empty when active
 */
public record JobState(String id, JobDefinition definition, Status status, List<Problem> problems) {

  public JobState {
    problems = List.copyOf(problems);
  }

  /** Whether a job runs what its file says now. */
  public enum Status {
    /** The file loads; the job runs what it says. */
    ACTIVE,
    /**
     * The file changed and no longer loads, or its id clashes with another file's: the job keeps
     * running its last good definition until the file is fixed.
     */
    INVALID
  }

  static JobState active(JobDefinition job) {
    return new JobState(job.id(), job, Status.ACTIVE, List.of());
  }
}
