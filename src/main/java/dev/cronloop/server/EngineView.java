package dev.cronloop.server;

import dev.cronloop.definition.Catalog;
import dev.cronloop.record.NoticeStore;
import dev.cronloop.record.RunQueries;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;

/**
 * What the HTTP API needs from the engine. The engine implements it; the API never reaches into
 * the engine's internals. Every method is safe from any thread.
 */
public interface EngineView {

  /** The jobs as last loaded, or null while the engine is not started. */
  Catalog catalog();

  /** The next {@code n} fire instants of a scheduled, unpaused job; empty otherwise. */
  List<Instant> nextFires(String jobId, int n);

  boolean paused(String jobId);

  /** The ids of the paused jobs now, an immutable set. */
  Set<String> pausedJobs();

  /** How many runs have ended on this engine so far, their last row committed. */
  long runsEnded();

  /**
   * Pauses scheduled fires of a job, on behalf of the HTTP API; completes once the pause is
   * stored, with false when it was paused already.
   */
  Future<Boolean> pause(String jobId);

  /** Resumes scheduled fires of a job; completes once stored, with false when it was not paused. */
  Future<Boolean> resume(String jobId);

  /** Fires a job now; completes with the run id as soon as it is allocated. */
  Future<Long> trigger(String jobId);

  /** True while the scheduler fires (or the engine does not schedule at all). */
  boolean schedulerRunning();

  /** Reads runs back, or null while the engine is not started. Blocking calls. */
  RunQueries queries();

  /** True when the database answers a trivial query. Blocking: call off the event loop. */
  boolean databaseReachable();

  /** Where the API reads "now" (the status page's window): the engine's clock. */
  default InstantSource clock() {
    return InstantSource.system();
  }

  /** Job health and notices, or null while the engine is not started or does not schedule. */
  default NoticeStore notices() {
    return null;
  }

  /** True while outcomes go to the journal because the database stayed away. */
  default boolean recorderDegraded() {
    return false;
  }
}
