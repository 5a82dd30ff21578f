package dev.cronloop.record;

import dev.cronloop.model.FetchRow;
import dev.cronloop.model.RunStatus;
import java.time.Instant;
import java.util.function.Consumer;

/** One change the recorder applies to the outcome tables. Immutable; crosses threads. */
public sealed interface Write {

  /** Inserts a run when it starts. */
  record InsertRun(RunRow run) implements Write {}

  /** Inserts the outcome of one request. */
  record InsertFetch(FetchRow fetch) implements Write {}

  /**
   * Completes a run. {@code onCommitted} is told the instant the transaction that holds this write
   * committed; it runs on the recorder's callback executor (the engine context), or is null.
   */
  record FinishRun(
      long runId,
      Instant startedAt,
      Instant finishedAt,
      RunStatus status,
      int total,
      int ok,
      int failed,
      Consumer<Instant> onCommitted)
      implements Write {}
}
