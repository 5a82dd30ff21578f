package dev.cronloop.model;

import java.time.Instant;

/**
 * The outcome of one request of a run: written to {@code fetches}, and read back the same way.
 *
 * @param statusCode the HTTP status, or 0 when no response arrived
 * @param error a short reason when the outcome is not OK, else null
 * @param body the first bytes of the response body as the request's {@code capture} kept them
 *     (text, or a note on a binary body), or null when nothing was captured
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
    Instant finishedAt,
    String body) {

  /** A fetch whose body was not captured. */
  public FetchRow(
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
    this(runId, jobId, url, method, attempts, statusCode, outcome, error, latencyMs, bytes,
        startedAt, finishedAt, null);
  }

  public boolean ok() {
    return outcome == Outcome.OK;
  }
}
