package dev.cronloop.fetch;

import dev.cronloop.record.FetchRow;

/**
 * Hears about runs as they happen. Every method is called on the engine context, so an
 * implementation must not block; the default methods do nothing.
 */
public interface RunObserver {

  /** A request of a run is about to be sent. */
  default void fetchStarting(long runId, String jobId, String url) {}

  /** A request of a run ended (after retries) and its outcome was queued for recording. */
  default void fetchEnded(FetchRow fetch) {}

  /** A run ended and its last row is committed. */
  default void runEnded(RunResult run) {}

  RunObserver NONE = new RunObserver() {};
}
