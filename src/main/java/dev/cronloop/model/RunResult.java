package dev.cronloop.model;

import java.time.Duration;
import java.time.Instant;

/**
 * How a run ended, once its last row is committed.
 *
 * @param launchedAt when the run began on the engine context
 * @param committedAt when the transaction holding its last row committed
 */
public record RunResult(
    long runId,
    String jobId,
    RunStatus status,
    int total,
    int ok,
    int failed,
    Instant launchedAt,
    Instant committedAt) {

  /** From the run's start to the commit of its last row. */
  public Duration duration() {
    return Duration.between(launchedAt, committedAt);
  }
}
