package dev.cronloop.record;

import dev.cronloop.model.RunStatus;
import dev.cronloop.model.Trigger;
import java.time.Instant;

/**
 * A row of {@code runs} as read back. Timestamps may be null while a run is not finished.
 *
 * @param reason why the run ended as it did when its status alone does not say, such as what
 *     skipped a SKIPPED run ({@code paused by API at ...}); null otherwise
 */
public record RunRow(
    long id,
    String jobId,
    String node,
    Trigger trigger,
    Instant scheduledAt,
    Instant firedAt,
    Instant startedAt,
    Instant finishedAt,
    RunStatus status,
    int requestsTotal,
    int requestsOk,
    int requestsFailed,
    String reason) {

  /** A row without a reason. */
  public RunRow(long id, String jobId, String node, Trigger trigger, Instant scheduledAt,
      Instant firedAt, Instant startedAt, Instant finishedAt, RunStatus status, int requestsTotal,
      int requestsOk, int requestsFailed) {
    this(id, jobId, node, trigger, scheduledAt, firedAt, startedAt, finishedAt, status, requestsTotal,
        requestsOk, requestsFailed, null);
  }
}
