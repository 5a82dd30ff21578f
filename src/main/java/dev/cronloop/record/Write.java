package dev.cronloop.record;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.RunStatus;
import java.time.Instant;

/** One change the recorder applies to the outcome tables. Immutable; crosses threads. */
public sealed interface Write {

  /** Inserts a run when it starts. */
  record InsertRun(RunRow run) implements Write {}

  /** Inserts the outcome of one request. */
  record InsertFetch(FetchRow fetch) implements Write {}

  /**
   * Completes a run. Who waits for it to be committed says so to {@link
   * Recorder#submit(FinishRun, java.util.function.Consumer)}; the write itself is data only.
   */
  record FinishRun(
      long runId, Instant startedAt, Instant finishedAt, RunStatus status, int total, int ok, int failed)
      implements Write {}
}
