package dev.cronloop.model;

import java.time.Instant;

/**
 * The outcome of one request of a run: written to {@code fetches}, and read back the same way.
 *
 * @param statusCode the HTTP status, or 0 when no response arrived
 * @param error a short reason when the outcome is not OK, else null
 */
public record FetchRow(
    long runId,
    String jobId,
    String url,
    String method,
    int attempts,
    int statusCode,
    Outcome outcome,
    String error,
    long latencyMs,
    long bytes,
    Instant startedAt,
    Instant finishedAt) {

  public boolean ok() {
    return outcome == Outcome.OK;
  }
}
