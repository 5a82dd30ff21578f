package dev.cronloop.fetch;

import io.vertx.core.Vertx;

/**
 * Where the engine context sets one-shot timers: {@code vertx.setTimer} in the engine, a hand that
 * a test moves in its tests, so that waiting for an instant costs a test no real time. The
 * action runs on the engine context.
 */
public interface LoopTimer {

  /** Runs {@code action} once, {@code delayMs} (at least 1) from now; returns an id for {@link #cancel}. */
  long set(long delayMs, Runnable action);

  /** Cancels a timer that has not run yet; true when it was still pending. */
  boolean cancel(long id);

  /**
   * The timers of {@code vertx}, run on the context that sets them: the start gate sets them on the
   * engine context, so its releases run there, whatever lane the fires then go to.
   */
  static LoopTimer of(Vertx vertx) {
    return new LoopTimer() {
      @Override
      public long set(long delayMs, Runnable action) {
        return vertx.setTimer(delayMs, id -> action.run());
      }

      @Override
      public boolean cancel(long id) {
        return vertx.cancelTimer(id);
      }
    };
  }
}
