package dev.cronloop.testkit;

import dev.cronloop.fetch.LoopTimer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Time a test moves by hand: an {@link InstantSource} and the {@link LoopTimer} that goes with it.
 * {@link #advance} moves the instant and runs, on the caller's thread and in the order they are
 * due, the timers whose delay has passed; a timer set by one of them runs too when it falls in the
 * same step. Call it where the timers' owner expects them (the engine context, for a start gate).
 */
public final class TestClock implements InstantSource, LoopTimer {
  private record Pending(long id, Instant due, Runnable action) {}

  private final List<Pending> pending = new ArrayList<>();
  private volatile Instant now;
  private long nextId = 1;

  public TestClock(Instant start) {
    this.now = start;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public synchronized long set(long delayMs, Runnable action) {
    long id = nextId++;
    pending.add(new Pending(id, now.plusMillis(Math.max(1, delayMs)), action));
    return id;
  }

  @Override
  public synchronized boolean cancel(long id) {
    return pending.removeIf(p -> p.id() == id);
  }

  /** Timers set and not yet run or cancelled. */
  public synchronized int timers() {
    return pending.size();
  }

  /** Moves the time on by {@code step}, running each timer due on the way at its due instant. */
  public void advance(Duration step) {
    Instant end = now.plus(step);
    for (int guard = 0; guard < 100_000; guard++) {
      Pending next;
      synchronized (this) {
        next = pending.stream().filter(p -> !p.due().isAfter(end))
            .min(Comparator.comparing(Pending::due).thenComparingLong(Pending::id)).orElse(null);
        if (next == null) {
          now = end;
          return;
        }
        pending.remove(next);
        if (next.due().isAfter(now)) {
          now = next.due();
        }
      }
      next.action().run();
    }
    throw new IllegalStateException("more than 100000 timers in one step");
  }
}
