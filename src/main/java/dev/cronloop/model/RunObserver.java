package dev.cronloop.model;

import java.time.Instant;

/**
 * Hears about runs as they happen. Every method is called on an event loop, so an implementation
 * must not block; the default methods do nothing.
 *
 * <p>Threads: the engine runs each job on one of its lanes (one per event loop, {@code
 * fetch.Lanes}), and every call about a job's runs comes on that lane, in order. Calls about
 * different jobs may come at once on different lanes: an implementation that keeps state across
 * jobs must be thread-safe.
 */
public interface RunObserver {

  /**
   * A run begins: its row is queued and its first requests are about to go out.
   *
   * @param scheduledAt the fire time the schedule computed, or null for a manual fire
   */
  default void runStarting(long runId, String jobId, Trigger trigger, Instant scheduledAt) {}

  /** A request of a run is about to be sent. */
  default void fetchStarting(long runId, String jobId, String url) {}

  /** A request of a run ended (after retries) and its outcome was queued for recording. */
  default void fetchEnded(FetchRow fetch) {}

  /**
   * A run ended and its last row is committed; a skipped fire reports its SKIPPED run here too,
   * as soon as the row is queued.
   */
  default void runEnded(RunResult run) {}

  RunObserver NONE = new RunObserver() {};

  /** This observer, then {@code next}, for every event. */
  default RunObserver andThen(RunObserver next) {
    RunObserver first = this;
    return new RunObserver() {
      @Override
      public void runStarting(long runId, String jobId, Trigger trigger, Instant scheduledAt) {
        first.runStarting(runId, jobId, trigger, scheduledAt);
        next.runStarting(runId, jobId, trigger, scheduledAt);
      }

      @Override
      public void fetchStarting(long runId, String jobId, String url) {
        first.fetchStarting(runId, jobId, url);
        next.fetchStarting(runId, jobId, url);
      }

      @Override
      public void fetchEnded(FetchRow fetch) {
        first.fetchEnded(fetch);
        next.fetchEnded(fetch);
      }

      @Override
      public void runEnded(RunResult run) {
        first.runEnded(run);
        next.runEnded(run);
      }
    };
  }
}
