package dev.cronloop.model;

import java.time.Instant;

/**
 * The health of one job that notifies (issue 16), as kept in {@code job_health}: whether it is
 * failing, how many runs in a row failed, and when it was last told. Immutable.
 *
 * @param failing true once {@code after} runs in a row failed, until a run succeeds
 * @param consecutiveFailures failed runs in a row, counted from the last successful one
 * @param since when the current state began: the first failed run of a failing streak, or the
 *     run that recovered; null before the first run
 * @param streakSince when the current streak of failed runs began, or null when the last run
 *     succeeded
 * @param lastNoticeAt when the last failure or repeat notice was due, or null
 * @param lastEvent the last notice's event ({@code failure}, {@code recovery}, {@code repeat}), or null
 * @param lastRunId the last run counted
 */
public record JobHealth(
    String jobId,
    boolean failing,
    int consecutiveFailures,
    Instant since,
    Instant streakSince,
    Instant lastNoticeAt,
    String lastEvent,
    long lastRunId) {

  /** A job never counted yet. */
  public static JobHealth initial(String jobId) {
    return new JobHealth(jobId, false, 0, null, null, null, null, 0);
  }

  /** {@code ok} or {@code failing}, as the API and {@code job_health.state} say it. */
  public String state() {
    return failing ? "failing" : "ok";
  }
}
