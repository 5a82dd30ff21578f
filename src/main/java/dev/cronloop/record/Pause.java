package dev.cronloop.record;

import java.time.Duration;

/**
 * How the recorder's writer waits between attempts: {@code Thread.sleep} in the engine, a step of
 * a test clock in tests, so that a test of backoff and outages costs no real time. Called only on
 * the {@code cronloop-recorder} thread.
 */
@FunctionalInterface
interface Pause {
  /** Waits {@code d}; returns early (with the thread's interrupt flag set) when interrupted. */
  void pause(Duration d);

  /** The real wait. An interrupt ends it early: the writer retries at once, rows are never dropped. */
  Pause SLEEP = d -> {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  };
}
